/** authFetch and the undici interceptor against a local API on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, interceptors, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  OriginNotAllowedError,
  type TokenSource,
  authFetch,
  clientCredentials,
} from '../../src/client/index.ts';
import { authInterceptor } from '../../src/client/undici.ts';
import { type FakeEndpoint, startFakeEndpoint, tokenReply } from '../fixtures/client.ts';

interface Seen {
  url: string;
  method: string;
  authorization: string | undefined;
  apiKey: string | undefined;
  body: string;
}

/** An API that accepts only the tokens in `valid` and records what it saw. */
async function startApi() {
  const api = {
    url: '',
    seen: [] as Seen[],
    valid: new Set<string>(),
    redirectTo: undefined as string | undefined,
    server: undefined as unknown as Server,
  };
  api.server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      api.seen.push({
        url: req.url ?? '',
        method: req.method ?? '',
        authorization: req.headers.authorization,
        apiKey: req.headers['x-api-key'] as string | undefined,
        body,
      });
      if (req.url === '/redirect' && api.redirectTo) {
        res.writeHead(302, { location: api.redirectTo }).end();
        return;
      }
      const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
      if (!api.valid.has(token)) {
        res
          .writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' })
          .end('{"error":"invalid_token"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, body }));
    });
  });
  await new Promise<void>((r) => api.server.listen(0, '127.0.0.1', r));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  return api;
}

let api: Awaited<ReturnType<typeof startApi>>;
let idp: FakeEndpoint;
let issued = 0;

beforeEach(async () => {
  api = await startApi();
  idp = await startFakeEndpoint();
  issued = 0;
  idp.fallback = () => tokenReply(`tok-${++issued}`);
});
afterEach(async () => {
  api.server.closeAllConnections();
  await new Promise<void>((r) => api.server.close(() => r()));
  await idp.close();
});

const source = () =>
  clientCredentials({
    tokenEndpoint: idp.tokenEndpoint,
    clientId: 'svc',
    clientSecret: 'x',
    allowInsecureRequests: true,
  });

describe('authFetch', () => {
  it('adds the bearer token and the API key header to allowed origins', async () => {
    api.valid.add('tok-1');
    const f = authFetch(source(), { allowedOrigins: [api.url], apiKey: 'key-1' });
    const res = await f(`${api.url}/items`);
    expect(res.status).toBe(200);
    expect(api.seen[0]).toMatchObject({ authorization: 'Bearer tok-1', apiKey: 'key-1' });
  });

  it('honours a custom apiKeyHeader', async () => {
    api.valid.add('tok-1');
    const seen: Headers[] = [];
    const f = authFetch(source(), {
      allowedOrigins: [api.url],
      apiKey: 'k',
      apiKeyHeader: 'x-service-key',
      fetch: (input, init) => {
        seen.push(new Request(input, init).headers);
        return fetch(input, init);
      },
    });
    await f(`${api.url}/items`);
    expect(seen[0]?.get('x-service-key')).toBe('k');
  });

  it('refuses other origins without fetching a token or sending anything', async () => {
    let asked = 0;
    const ts: TokenSource = { getToken: async () => `t${++asked}` };
    const f = authFetch(ts, { allowedOrigins: ['https://api.example.com'] });
    const error = await f(`${api.url}/items`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OriginNotAllowedError);
    expect(error).toMatchObject({ code: 'ERR_AUTH_ORIGIN_NOT_ALLOWED' });
    expect(asked).toBe(0);
    expect(api.seen).toHaveLength(0);
  });

  it('requires allowedOrigins', () => {
    expect(() => authFetch(source(), {} as never)).toThrow(TypeError);
    expect(() => authFetch(source(), { allowedOrigins: [] })).toThrow(/allowedOrigins/);
    expect(() => authFetch(source(), { allowedOrigins: ['not a url'] })).toThrow(/allowedOrigins/);
  });

  it('a 401 on a cached token forces one refresh and retries once, replaying the body', async () => {
    api.valid.add('tok-1');
    const ts = source();
    const f = authFetch(ts, { allowedOrigins: [api.url] });
    expect((await f(`${api.url}/items`)).status).toBe(200);
    api.valid.clear();
    api.valid.add('tok-2'); // the upstream revoked tok-1 early
    const res = await f(`${api.url}/items`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, body: 'payload' });
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
    expect(idp.requests).toHaveLength(2);
  });

  it('no retry when the rejected token was fetched by the same call', async () => {
    const f = authFetch(source(), { allowedOrigins: [api.url] });
    const res = await f(`${api.url}/items`);
    expect(res.status).toBe(401);
    expect(api.seen).toHaveLength(1);
    expect(idp.requests).toHaveLength(1);
  });

  it('retries at most once', async () => {
    api.valid.add('tok-1');
    const f = authFetch(source(), { allowedOrigins: [api.url] });
    await f(`${api.url}/items`);
    api.valid.clear();
    const res = await f(`${api.url}/items`);
    expect(res.status).toBe(401);
    expect(api.seen).toHaveLength(3);
    expect(idp.requests).toHaveLength(2);
  });

  it('no retry when the cached token already changed (another call refreshed it)', async () => {
    let current = 'old';
    let forced = 0;
    const ts: TokenSource = {
      peek: () => current,
      getToken: async (o) => {
        if (o?.forceRefresh) forced++;
        return current;
      },
    };
    const f = authFetch(ts, {
      allowedOrigins: [api.url],
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        current = 'new'; // someone refreshed while this request was in flight
        return res;
      },
    });
    const res = await f(`${api.url}/items`);
    expect(res.status).toBe(401);
    expect(forced).toBe(0);
    expect(api.seen).toHaveLength(1);
  });

  it('concurrent 401s during one refresh all join it and retry with the new token', async () => {
    api.valid.add('tok-1');
    const f = authFetch(source(), { allowedOrigins: [api.url] });
    await f(`${api.url}/items`);
    api.valid.clear();
    api.valid.add('tok-2');
    // A slow token endpoint: every 401 arrives while the forced refresh is still in flight.
    idp.fallback = () => ({ ...(tokenReply(`tok-${++issued}`) as object), delayMs: 300 });
    const results = await Promise.all(Array.from({ length: 20 }, () => f(`${api.url}/items`)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(idp.requests).toHaveLength(2);
    expect(api.seen).toHaveLength(41);
  });

  it('follows same-origin redirects with the token, refuses a redirect to another origin', async () => {
    api.valid.add('tok-1');
    const f = authFetch(source(), { allowedOrigins: [api.url] });
    api.redirectTo = '/items';
    expect((await f(`${api.url}/redirect`)).status).toBe(200);
    expect(api.seen.map((s) => [s.url, s.authorization])).toEqual([
      ['/redirect', 'Bearer tok-1'],
      ['/items', 'Bearer tok-1'],
    ]);
    api.redirectTo = 'http://localhost:1/steal';
    await expect(f(`${api.url}/redirect`)).rejects.toBeInstanceOf(OriginNotAllowedError);
  });
});

describe('undici interceptor (@auth/core/undici)', () => {
  it('adds the token, retries a 401 once with a forced refresh, refuses other origins', async () => {
    api.valid.add('tok-1');
    const ts = source();
    const dispatcher = new Agent().compose(
      authInterceptor(ts, { allowedOrigins: [api.url], apiKey: 'k' }),
      interceptors.redirect({ maxRedirections: 3 }),
    );
    try {
      const ok = await request(`${api.url}/items`, { dispatcher });
      expect(ok.statusCode).toBe(200);
      await ok.body.text();
      expect(api.seen[0]).toMatchObject({ authorization: 'Bearer tok-1', apiKey: 'k' });

      api.valid.clear();
      api.valid.add('tok-2');
      const retried = await request(`${api.url}/items`, { dispatcher, method: 'POST', body: 'again' });
      expect(retried.statusCode).toBe(200);
      expect(await retried.body.json()).toEqual({ ok: true, body: 'again' });
      expect(api.seen.slice(1).map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);

      api.valid.clear();
      const denied = await request(`${api.url}/items`, { dispatcher });
      expect(denied.statusCode).toBe(401); // fresh token rejected by the same call: handed on
      expect(await denied.body.text()).toContain('invalid_token');

      await expect(request('http://localhost:9/x', { dispatcher })).rejects.toBeInstanceOf(
        OriginNotAllowedError,
      );
      api.redirectTo = 'http://localhost:9/steal';
      await expect(request(`${api.url}/redirect`, { dispatcher })).rejects.toBeInstanceOf(
        OriginNotAllowedError,
      );
    } finally {
      await dispatcher.close();
    }
  });
});
