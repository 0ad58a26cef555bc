import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Counters,
  type Fault,
  type FaultOptions,
  generateKeyPair,
  jwksFetch,
  type KeysInput,
  mintToken,
  startJwksServer,
  type TestKeyPair,
} from '../src/index.ts';

/** What both the HTTP server and the in-memory fetch offer; one suite runs against each. */
interface Endpoint {
  jwksUri: string;
  discoveryUrl: string;
  issuer: string;
  counters: Counters;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  setKeys(keys: KeysInput): void;
  setFault(fault: Fault | null, options?: FaultOptions): void;
  fail(fault: Fault | null, options?: FaultOptions): void;
  resetCounters(): void;
  close(): Promise<void>;
}

let key: TestKeyPair;
let next: TestKeyPair;
beforeAll(async () => {
  key = await generateKeyPair('RS256', { kid: 'k1' });
  next = await generateKeyPair('ES256', { kid: 'k2' });
});

const variants: [string, () => Promise<Endpoint>][] = [
  [
    'startJwksServer',
    async () => {
      const s = await startJwksServer({ keys: [key] });
      return { ...s, counters: s.counters, fetch: (u, i) => fetch(u, i), setKeys: s.setKeys, close: s.close };
    },
  ],
  [
    'jwksFetch',
    async () => {
      const f = jwksFetch({ jwks: [key] });
      return {
        jwksUri: f.jwksUri,
        discoveryUrl: f.discoveryUrl,
        issuer: f.issuer,
        counters: f.counters,
        fetch: f,
        setKeys: f.setKeys,
        setFault: f.setFault,
        fail: f.fail,
        resetCounters: f.resetCounters,
        close: async () => {},
      };
    },
  ],
];

describe.each(variants)('%s', (_name, start) => {
  let ep: Endpoint;
  beforeAll(async () => {
    ep = await start();
  });
  afterAll(async () => {
    await ep.close();
  });
  const reset = () => {
    ep.setFault(null);
    ep.setKeys([key]);
    ep.resetCounters();
  };

  it('serves the public JWKS and a discovery document, and counts requests', async () => {
    reset();
    const jwks = (await (await ep.fetch(ep.jwksUri)).json()) as { keys: { kid: string; d?: string }[] };
    expect(jwks.keys).toEqual([key.publicJwk]);
    const doc = (await (await ep.fetch(ep.discoveryUrl)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: ep.issuer, jwks_uri: ep.jwksUri });
    expect(ep.counters).toEqual({ jwks: 1, discovery: 1 });
    expect((await ep.fetch(new URL('/nope', ep.jwksUri).href)).status).toBe(404);
  });

  it('verifies a minted token through jose, and rotates with setKeys', async () => {
    reset();
    const remote = createRemoteJWKSet(new URL(ep.jwksUri), {
      [customFetch]: (url: string, init: RequestInit) => ep.fetch(url, init),
      cooldownDuration: 0,
    });
    await jwtVerify(await mintToken({ key }), remote);
    ep.setKeys([key, next]);
    await jwtVerify(await mintToken({ key: next }), remote);
    expect(ep.counters.jwks).toBe(2);
  });

  it('serves a raw JWKS object or text verbatim', async () => {
    reset();
    const hostile = { keys: [{ kty: 'RSA', kid: 'bad', n: 'AQAB', e: '', d: 'x' }] };
    ep.setKeys(hostile);
    expect(await (await ep.fetch(ep.jwksUri)).json()).toEqual(hostile);
    ep.setKeys('not json at all');
    expect(await (await ep.fetch(ep.jwksUri)).text()).toBe('not json at all');
  });

  it('fault slow: answers after the delay, and aborts with the signal', async () => {
    reset();
    ep.setFault('slow', { delayMs: 200 });
    const started = Date.now();
    expect((await ep.fetch(ep.jwksUri)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    await expect(ep.fetch(ep.jwksUri, { signal: AbortSignal.timeout(30) })).rejects.toThrow();
  });

  it('fault error500: a 500 (or the configured status)', async () => {
    reset();
    ep.fail('error500');
    expect((await ep.fetch(ep.jwksUri)).status).toBe(500);
    ep.setFault('error500', { status: 503 });
    expect((await ep.fetch(ep.jwksUri)).status).toBe(503);
    expect((await ep.fetch(ep.discoveryUrl)).status).toBe(200);
  });

  it('fault malformed: a 200 whose body is not JSON', async () => {
    reset();
    ep.setFault('malformed');
    const res = await ep.fetch(ep.jwksUri);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('fault redirect: a 302 to a working copy', async () => {
    reset();
    ep.setFault('redirect');
    const manual = await ep.fetch(ep.jwksUri, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toMatch(/\/moved\/\.well-known\/jwks\.json$/);
    const followed = await ep.fetch(ep.jwksUri);
    expect(followed.status).toBe(200);
    expect(((await followed.json()) as { keys: unknown[] }).keys).toEqual([key.publicJwk]);
    expect(ep.counters.jwks).toBe(3);
  });

  it('fault huge: a valid JSON body of the requested size', async () => {
    reset();
    ep.setFault('huge', { bytes: 1_000_000 });
    const text = await (await ep.fetch(ep.jwksUri)).text();
    expect(text.length).toBeGreaterThanOrEqual(999_000);
    expect((JSON.parse(text) as { keys: unknown[] }).keys).toEqual([key.publicJwk]);
  });

  it('fault down: the request fails like an unreachable server; null restores', async () => {
    reset();
    ep.setFault('down', { target: 'all' });
    await expect(ep.fetch(ep.jwksUri)).rejects.toThrow(TypeError);
    await expect(ep.fetch(ep.discoveryUrl)).rejects.toThrow(TypeError);
    ep.setFault(null);
    expect((await ep.fetch(ep.jwksUri)).status).toBe(200);
  });

  it('rejects an unknown fault with a TypeError', () => {
    expect(() => ep.setFault('flaky' as Fault)).toThrow(TypeError);
  });
});

describe('startJwksServer specifics', () => {
  it('listens on 127.0.0.1, takes a path issuer, and closes even with a slow request pending', async () => {
    const key2 = await generateKeyPair('EdDSA');
    const server = await startJwksServer({
      keys: [key2],
      issuer: '/tenant',
      headers: { 'cache-control': 'max-age=60' },
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.issuer).toBe(`${server.url}/tenant`);
    expect(server.discoveryUrl).toBe(`${server.url}/tenant/.well-known/openid-configuration`);
    const doc = await fetch(server.discoveryUrl);
    expect(doc.headers.get('cache-control')).toBe('max-age=60');
    expect(await doc.json()).toMatchObject({
      issuer: server.issuer,
      jwks_uri: server.jwksUri,
      id_token_signing_alg_values_supported: ['EdDSA'],
    });

    server.setFault('slow', { delayMs: 10_000 });
    const pending = fetch(server.jwksUri).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(server.jwksUri)).rejects.toThrow();
  });

  it('restarts at the same URL on a given port (a real outage and return)', async () => {
    const key2 = await generateKeyPair('ES256', { kid: 'again' });
    const first = await startJwksServer({ keys: [key2] });
    await first.close();
    await expect(fetch(first.jwksUri)).rejects.toThrow();
    const second = await startJwksServer({ keys: [key2], port: Number(new URL(first.url).port) });
    try {
      expect(second.jwksUri).toBe(first.jwksUri);
      expect((await (await fetch(second.jwksUri)).json()).keys[0].kid).toBe('again');
    } finally {
      await second.close();
    }
    await expect(startJwksServer({ port: -1 })).rejects.toThrow(TypeError);
  });

  it('keeps an absolute issuer as given', async () => {
    const server = await startJwksServer({ issuer: 'https://issuer.example' });
    expect(server.issuer).toBe('https://issuer.example');
    expect(server.discoveryUrl).toBe(`${server.url}/.well-known/openid-configuration`);
    expect(await (await fetch(server.discoveryUrl)).json()).toMatchObject({
      issuer: 'https://issuer.example',
    });
    await server.close();
  });
});

describe('jwksFetch specifics', () => {
  it('answers any host on the known paths, and refuses redirects in error mode', async () => {
    const f = jwksFetch({ keys: [key], baseUrl: 'https://login.example/' });
    expect(f.jwksUri).toBe('https://login.example/.well-known/jwks.json');
    const req = new Request('https://other.example/.well-known/jwks.json');
    expect((await f(req)).status).toBe(200);
    f.setFault('redirect');
    await expect(f(f.jwksUri, { redirect: 'error' })).rejects.toThrow(TypeError);
  });
});
