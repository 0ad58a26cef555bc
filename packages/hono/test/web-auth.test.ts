/**
 * Hono glue of web login: setup errors, `requireLogin()` order, typed `c.var.webLogin`, the logout
 * form body, and the session cookie riding on whatever the handler answers. The contract's rows
 * themselves run in web-login-conformance*.test.ts (with the dev IdP).
 */
import type { SessionData } from '@auth/core/login';
import { Hono } from 'hono';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { requireLogin, type WebLoginState, webAuth } from '../src/index.ts';

const login = {
  issuer: 'http://127.0.0.1:9',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3004/callback',
  cookieKeys: [{ id: 'k1', secret: 'hono-web-auth-test-secret-0123456789abcd' }],
  allowInsecureRequests: true,
};

/** A session as the callback would have stored it (no provider needed to seal one). */
function sessionData(expiresInMs: number): SessionData {
  const now = Date.now();
  return {
    v: 1,
    issuer: login.issuer,
    clientId: login.clientId,
    claims: { iss: login.issuer, sub: 'alice', aud: login.clientId, name: 'Alice Admin', groups: ['admin'] },
    tokens: {
      accessToken: 'opaque-access',
      tokenType: 'bearer',
      expiresAtMs: now + expiresInMs,
      obtainedAtMs: now,
    },
    createdAt: now,
  };
}

async function cookieFor(web: ReturnType<typeof webAuth>, data: SessionData): Promise<string> {
  const lines = await web.routes.login.saveSession(web.routes.login.restore(data));
  return lines.map((line) => line.split(';', 1)[0]).join('; ');
}

describe('webAuth / requireLogin (Hono)', () => {
  it('refuses option mistakes when webAuth() is called, naming the adapter', () => {
    expect(() => webAuth({ login, pahts: {} } as never)).toThrow(
      /@auth\/hono webAuth\(\): unknown option "pahts"/,
    );
    expect(() => webAuth({ login: { ...login, redirectUri: 'nope' } })).toThrow(TypeError);
  });

  it('requireLogin() sends a browser without a session to /login and an API client a 401; c.var.webLogin stays undefined', async () => {
    const app = new Hono();
    app.use(webAuth({ login }));
    app.get('/profile', requireLogin(), (c) => c.json({ sub: c.var.webLogin.identity.subject }));
    app.get('/open', (c) => c.json({ webLogin: c.get('webLogin') ?? null }));
    const page = await app.request('/profile?tab=2', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?returnTo=%2Fprofile%3Ftab%3D2');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const api = await app.request('/profile', { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
    // A tampered cookie is no session either, never a 500.
    const tampered = await app.request('/session', { headers: { cookie: 'session=garbage' } });
    expect(tampered.status).toBe(401);
    const open = await app.request('/open', { headers: { cookie: 'session=garbage' } });
    expect(await open.json()).toEqual({ webLogin: null });
  });

  it('requireLogin() without webAuth() before it is a programming error (TypeError to app.onError)', async () => {
    let seen: unknown;
    const app = new Hono();
    app.onError((error, c) => {
      seen = error;
      return c.body(null, 500);
    });
    app.get('/profile', requireLogin(), (c) => c.body('never'));
    expect((await app.request('/profile')).status).toBe(500);
    expect(seen).toBeInstanceOf(TypeError);
    expect(String((seen as Error).message)).toMatch(/mount app.use\(webAuth/);
  });

  it('a session cookie opens c.var.webLogin (typed) behind requireLogin()', async () => {
    const web = webAuth({ login });
    const app = new Hono();
    app.use(web);
    app.get('/profile', requireLogin(), (c) => {
      expectTypeOf(c.var.webLogin).toEqualTypeOf<WebLoginState>();
      return c.json({ sub: c.var.webLogin.identity.subject, name: c.var.webLogin.identity.name });
    });
    app.get('/maybe', (c) => {
      expectTypeOf(c.get('webLogin')).toEqualTypeOf<WebLoginState | undefined>();
      return c.json({ sub: c.get('webLogin')?.principal.subject ?? null });
    });
    const cookie = await cookieFor(web, sessionData(3_600_000));
    const res = await app.request('/profile', { headers: { cookie, accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'alice', name: 'Alice Admin' });
    expect(await (await app.request('/maybe', { headers: { cookie } })).json()).toEqual({ sub: 'alice' });
  });

  it("a dead session's cleared cookie goes with the handler's own Response (not only c.json/c.html)", async () => {
    const web = webAuth({ login });
    const app = new Hono();
    app.use(web);
    app.get('/raw', (c) => new Response(`webLogin: ${c.get('webLogin') === undefined ? 'none' : 'set'}`));
    // Expired, no refresh token: the session is over and its cookie is cleared.
    const cookie = await cookieFor(web, sessionData(-60_000));
    const res = await app.request('/raw', { headers: { cookie } });
    expect(await res.text()).toBe('webLogin: none');
    expect(res.headers.getSetCookie().some((l) => /^session=;/.test(l) && /max-age=0/i.test(l))).toBe(true);
  });

  it('POST /logout reads only a form body: the form token passes, the same token as JSON is refused (403), an oversized form is 413', async () => {
    const app = new Hono();
    app.use(webAuth({ login }));
    const confirm = await app.request('/logout', { headers: { accept: 'text/html' } });
    const token = /name="csrf" value="([^"]+)"/.exec(await confirm.text())?.[1] as string;
    const cookie = (confirm.headers.getSetCookie()[0] ?? '').split(';', 1)[0] as string;
    const asJson = await app.request('/logout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ csrf: token }),
    });
    expect(asJson.status).toBe(403);
    expect(await asJson.json()).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED' });
    const huge = await app.request('/logout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${'a'.repeat(20_000)}`,
    });
    expect(huge.status).toBe(413);
    const asForm = await app.request('/logout', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${encodeURIComponent(token)}`,
    });
    expect(asForm.status).toBe(302);
    expect(asForm.headers.get('location')).toBe('/');
  });

  it("other methods on a login route are core's 405 with Allow", async () => {
    const app = new Hono();
    app.use(webAuth({ login }));
    const put = await app.request('/session', { method: 'PUT', headers: { accept: 'application/json' } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
  });
});
