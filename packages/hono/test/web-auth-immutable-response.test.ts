/**
 * A handler that answers with a proxied `fetch` Response (its headers are immutable) still gets the
 * refreshed session's cookie: webAuth() appends it after the handler, through Hono's context, which
 * copies a finalized Response before changing its headers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionData } from '@auth/core/login';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAuth } from '../src/index.ts';

const issuer = 'http://127.0.0.1:9';
let refreshes = 0;
/** The provider, as the login's `fetch`: discovery and a token endpoint that answers refreshes. */
async function provider(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/.well-known/openid-configuration')) {
    return Response.json({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
    });
  }
  refreshes++;
  expect(String(init?.body)).toContain('grant_type=refresh_token');
  return Response.json(
    { access_token: 'new-access', token_type: 'bearer', expires_in: 3600, refresh_token: 'rt-2' },
    { headers: { 'cache-control': 'no-store' } },
  );
}

const login = {
  issuer,
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3004/callback',
  cookieKeys: [{ id: 'k1', secret: 'hono-web-auth-test-secret-0123456789abcd' }],
  allowInsecureRequests: true,
  fetch: provider,
};

let upstream: Server;
let upstreamUrl: string;
beforeAll(async () => {
  upstream = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'yes' }).end('from upstream');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

describe('webAuth (Hono): a refreshed cookie on an immutable Response', () => {
  it('a proxied fetch Response (immutable headers) carries the refreshed session cookie', async () => {
    const web = webAuth({ login });
    const now = Date.now();
    const due: SessionData = {
      v: 1,
      issuer,
      clientId: 'web',
      claims: { iss: issuer, sub: 'alice', aud: 'web' },
      tokens: {
        accessToken: 'old-access',
        tokenType: 'bearer',
        expiresAtMs: now + 10_000, // within refreshAheadSeconds (60): refreshed on this request
        obtainedAtMs: now,
        refreshToken: 'rt-1',
        subject: 'alice',
      },
      createdAt: now,
    };
    const cookie = (await web.routes.login.saveSession(web.routes.login.restore(due)))
      .map((line) => line.split(';', 1)[0])
      .join('; ');

    const app = new Hono();
    app.use(web);
    app.get('/proxy', async () => {
      const proxied = await fetch(upstreamUrl);
      // What makes this case: appending to this Response's own headers throws.
      expect(() => proxied.headers.append('set-cookie', 'x=1')).toThrow(TypeError);
      return proxied;
    });
    const res = await app.request('/proxy', { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('from upstream');
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(refreshes).toBe(1);
    const written = res.headers.getSetCookie().filter((l) => /^session=/.test(l) && !/max-age=0/i.test(l));
    expect(written).toHaveLength(1);
    // The written cookie holds the refreshed tokens.
    const again = await web.routes.loadSession({
      method: 'GET',
      url: '/',
      headers: { cookie: (written[0] as string).split(';', 1)[0] as string },
    });
    expect(again.session?.tokens.accessToken).toBe('new-access');
  });
});
