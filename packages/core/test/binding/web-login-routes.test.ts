/**
 * The framework-neutral web-login routes (the contract's "Web login" rows) against the dev IdP's real
 * endpoints: neutral requests in, neutral responses out, the browser played by a cookie jar.
 */
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebLoginRoutes,
  escapeHtml,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '../../src/binding/web-login-routes.ts';
import { parseCookies } from '../../src/login/index.ts';
import { Browser, cookieHeader } from '../login/idp-browser.ts';
import { KEY_1, REDIRECT } from '../login/login-fixtures.ts';

const APP = 'http://127.0.0.1:8080';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

function routesFor(extra: Partial<WebLoginRoutesOptions> = {}, login: Record<string, unknown> = {}) {
  return createWebLoginRoutes({
    login: {
      issuer: idp.issuer,
      clientId: 'web',
      clientSecret: 'web-secret',
      redirectUri: REDIRECT,
      scope: 'openid profile email offline_access read:items',
      allowInsecureRequests: true,
      cookieKeys: [KEY_1],
      ...login,
    },
    ...extra,
  });
}

const get = (url: string, headers: Record<string, string> = {}): WebRequest => ({
  method: 'GET',
  url,
  headers: { accept: 'application/json', ...headers },
});

/** Runs GET /login → the IdP's login form → GET /callback; returns the callback's response and the jar. */
async function logIn(
  routes: ReturnType<typeof routesFor>,
  loginPath = '/login?returnTo=%2Fprojects%3Fa%3D1',
) {
  const started = (await routes.handle(get(loginPath, { accept: HTML }))) as WebResponse;
  expect(started.status).toBe(302);
  const browser = new Browser();
  const callback = await browser.authorize(started.headers.location as string, REDIRECT, 'alice');
  const jar = cookieHeader(started.headers['set-cookie'] ?? []);
  const finished = (await routes.handle(
    get(`${callback.pathname}${callback.search}`, { accept: HTML, cookie: jar }),
  )) as WebResponse;
  return { started, finished, cookie: cookieHeader(finished.headers['set-cookie'] ?? [], jar), browser };
}

describe('web login routes (framework-neutral binding)', () => {
  it('GET /login redirects to the provider with PKCE S256, state and nonce, and a login-state cookie', async () => {
    const routes = routesFor();
    const reply = (await routes.handle(get('/login?returnTo=/orders', { accept: HTML }))) as WebResponse;
    expect(reply.status).toBe(302);
    expect(reply.headers['cache-control']).toBe('no-store');
    const url = new URL(reply.headers.location as string);
    expect(url.origin + url.pathname).toBe(`${idp.issuer}/auth`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{32,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    const cookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain http on loopback
  });

  it('passes prompt and max_age through from the query (max_age=0 forces a new sign-in)', async () => {
    const routes = routesFor();
    const reply = (await routes.handle(get('/login?max_age=0&prompt=login'))) as WebResponse;
    const url = new URL(reply.headers.location as string);
    expect(url.searchParams.get('max_age')).toBe('0');
    expect(url.searchParams.get('prompt')).toBe('login');
    const ignored = (await routes.handle(get('/login?max_age=-1&prompt=evil'))) as WebResponse;
    const plain = new URL(ignored.headers.location as string);
    expect(plain.searchParams.has('max_age')).toBe(false);
    expect(plain.searchParams.has('prompt')).toBe(false);
  });

  it('logs in: callback sets an HttpOnly SameSite=Lax session cookie and goes to returnTo; /session answers the user', async () => {
    const routes = routesFor();
    const { finished, cookie } = await logIn(routes);
    expect(finished.status).toBe(302);
    expect(finished.headers.location).toBe('/projects?a=1');
    const session = finished.headers['set-cookie']?.find((c) => c.startsWith('session='));
    expect(session).toMatch(/; HttpOnly; SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    const me = (await routes.handle(get('/session', { cookie }))) as WebResponse;
    expect(me.status).toBe(200);
    expect(me.headers['content-type']).toMatch(/^application\/json/);
    expect(me.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(me.body);
    expect(body).toMatchObject({
      subject: 'alice',
      name: 'Alice Admin',
      email: 'alice@example.test',
      groups: ['admin'],
      organizations: [{ id: 'org_1', scopes: ['projects:read'] }],
    });
    // Never a token in the session JSON.
    expect(me.body).not.toMatch(/eyJ/);
  });

  it.each(['//evil.test/x', 'https://evil.test/', '/\\evil.test', '/%2F%2Fevil.test', 'javascript:alert(1)'])(
    'refuses the open redirect returnTo=%s (default /profile instead)',
    async (returnTo) => {
      const routes = routesFor();
      const { finished } = await logIn(routes, `/login?returnTo=${encodeURIComponent(returnTo)}`);
      expect(finished.headers.location).toBe('/profile');
    },
  );

  it('GET /session without a session is 401 ERR_AUTH_NO_SESSION (JSON), also with a tampered cookie', async () => {
    const routes = routesFor();
    for (const cookie of [undefined, 'session=not-a-sealed-value']) {
      const reply = (await routes.handle(get('/session', cookie ? { cookie } : {}))) as WebResponse;
      expect(reply.status).toBe(401);
      expect(JSON.parse(reply.body)).toEqual({
        status: 401,
        code: 'ERR_AUTH_NO_SESSION',
        message: expect.any(String),
      });
    }
  });

  it('a callback with a bad state is a 400: an HTML page for a browser, JSON {status, code, message} otherwise', async () => {
    const routes = routesFor();
    const html = (await routes.handle(
      get('/callback?code=abc&state=forged', { accept: HTML }),
    )) as WebResponse;
    expect(html.status).toBe(400);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toMatch(/ERR_AUTH_LOGIN_STATE_MISMATCH/);
    expect(html.body).toMatch(/<!doctype html>/i);
    const json = (await routes.handle(get('/callback?code=abc&state=forged'))) as WebResponse;
    expect(json.status).toBe(400);
    expect(JSON.parse(json.body)).toEqual({
      status: 400,
      code: 'ERR_AUTH_LOGIN_STATE_MISMATCH',
      message: expect.any(String),
    });
    // No query at all: still a 400, never a 500.
    expect((await routes.handle(get('/callback')))?.status).toBe(400);
  });

  it('error pages escape what the provider or the URL sends (no HTML injection)', async () => {
    const routes = routesFor();
    const started = (await routes.handle(get('/login', { accept: HTML }))) as WebResponse;
    const state = new URL(started.headers.location as string).searchParams.get('state') as string;
    const jar = cookieHeader(started.headers['set-cookie'] ?? []);
    const evil = '<script>alert(1)</script>';
    const reply = (await routes.handle(
      get(
        `/callback?state=${state}&iss=${encodeURIComponent(idp.issuer)}&error=${encodeURIComponent(evil)}`,
        { accept: HTML, cookie: jar },
      ),
    )) as WebResponse;
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('<script>');
    expect(reply.body).toContain('&lt;script&gt;');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });

  it('GET /logout shows a confirmation page with a POST form and a token; it does not log out', async () => {
    const routes = routesFor();
    const { cookie } = await logIn(routes);
    const page = (await routes.handle(get('/logout', { accept: HTML, cookie }))) as WebResponse;
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<form method="post" action="\/logout">/);
    expect(page.body).toMatch(/name="csrf" value="[\w-]{43}"/);
    expect(page.body).toContain('Alice Admin');
    expect(page.headers['set-cookie']?.some((c) => c.startsWith('session-csrf='))).toBe(true);
    // The session is still there.
    expect((await routes.handle(get('/session', { cookie })))?.status).toBe(200);
  });

  it('POST /logout without CSRF proof, or with a cross-site signal, is a 403 and the session lives on', async () => {
    const routes = routesFor({}, { store: 'memory' });
    const { cookie } = await logIn(routes);
    const page = (await routes.handle(get('/logout', { accept: HTML, cookie }))) as WebResponse;
    const token = /name="csrf" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    const withCsrf = cookieHeader(page.headers['set-cookie'] ?? [], cookie);
    const post = (headers: Record<string, string>, body?: string): WebRequest => ({
      method: 'POST',
      url: '/logout',
      headers: { accept: 'application/json', ...headers },
      body,
    });
    const refused = [
      post({ cookie }),
      post({ cookie: withCsrf }, 'csrf=wrong-token-wrong-token-wrong-token-wrong-token'),
      post({ cookie }, `csrf=${token}`), // the token without its cookie
      post({ cookie: withCsrf, origin: 'https://evil.test' }, `csrf=${token}`),
      post({ cookie: withCsrf, 'sec-fetch-site': 'cross-site' }, `csrf=${token}`),
      post({ cookie, 'sec-fetch-site': 'same-site' }),
      post({ cookie, origin: 'null' }),
    ];
    for (const request of refused) {
      const reply = (await routes.handle(request)) as WebResponse;
      expect(reply.status, JSON.stringify(request.headers)).toBe(403);
      expect(JSON.parse(reply.body)).toMatchObject({ status: 403, code: 'ERR_AUTH_CSRF_REJECTED' });
    }
    const html = (await routes.handle({
      ...post({ cookie }),
      headers: { cookie, accept: HTML },
    })) as WebResponse;
    expect(html.status).toBe(403);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect((await routes.handle(get('/session', { cookie })))?.status).toBe(200);
  });

  it('POST /logout with the form token ends the session and goes to the provider end-session URL', async () => {
    const routes = routesFor({}, { store: 'memory' });
    const { cookie } = await logIn(routes);
    const page = (await routes.handle(get('/logout', { accept: HTML, cookie }))) as WebResponse;
    const token = /name="csrf" value="([\w-]+)"/.exec(page.body)?.[1] as string;
    const withCsrf = cookieHeader(page.headers['set-cookie'] ?? [], cookie);
    const reply = (await routes.handle({
      method: 'POST',
      url: '/logout',
      headers: { cookie: withCsrf, accept: HTML },
      body: { csrf: token }, // a body parser's object
    })) as WebResponse;
    expect(reply.status).toBe(302);
    const to = new URL(reply.headers.location as string);
    expect(to.origin + to.pathname).toBe(idp.endSessionEndpoint);
    expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/`);
    expect(to.searchParams.get('id_token_hint')).toBeTruthy();
    expect(reply.headers['set-cookie']?.some((c) => /^session=;.*Max-Age=0/.test(c))).toBe(true);
    expect(reply.headers['set-cookie']?.some((c) => /^session-csrf=;.*Max-Age=0/.test(c))).toBe(true);
    // The old cookie is no session any more (server-side store).
    expect((await routes.handle(get('/session', { cookie })))?.status).toBe(401);
  });

  it('POST /logout from the same origin (Origin or Sec-Fetch-Site) needs no token; without a session it goes to /', async () => {
    const routes = routesFor();
    const { cookie } = await logIn(routes);
    const reply = (await routes.handle({
      method: 'POST',
      url: '/logout',
      headers: { cookie, origin: APP, 'sec-fetch-site': 'same-origin' },
    })) as WebResponse;
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/session\/end\?/);
    const none = (await routes.handle({
      method: 'POST',
      url: '/logout',
      headers: { 'sec-fetch-site': 'same-origin' },
    })) as WebResponse;
    expect(none.status).toBe(302);
    expect(none.headers.location).toBe('/');
  });

  it('requireLogin: the session, or a redirect to login for a page, or 401 JSON for an API client', async () => {
    const routes = routesFor();
    const page = await routes.requireLogin(get('/profile?tab=1', { accept: HTML }));
    expect(page.ok).toBe(false);
    if (!page.ok) {
      expect(page.response.status).toBe(302);
      expect(page.response.headers.location).toBe('/login?returnTo=%2Fprofile%3Ftab%3D1');
    }
    const api = await routes.requireLogin(get('/profile'));
    expect(api.ok).toBe(false);
    if (!api.ok) {
      expect(api.response.status).toBe(401);
      expect(JSON.parse(api.response.body)).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
    }
    const post = await routes.requireLogin({ method: 'POST', url: '/profile', headers: { accept: HTML } });
    expect(!post.ok && post.response.status).toBe(401);
    const { cookie } = await logIn(routes);
    const ok = await routes.requireLogin(get('/profile', { accept: HTML, cookie }));
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.principal.subject).toBe('alice');
      expect(ok.identity.groups).toEqual(['admin']);
      expect(ok.setCookie).toEqual([]);
    }
  });

  it('a session due for refresh is refreshed once for concurrent requests and written back (Set-Cookie)', async () => {
    const now = { offsetMs: 0 };
    const routes = routesFor({}, { clock: () => Date.now() + now.offsetMs });
    const { cookie } = await logIn(routes);
    const before = await routes.login.getSession(cookie);
    // 30 s before the access token expires: within the 60 s refresh-ahead window.
    now.offsetMs = (before?.tokens.expiresAtMs as number) - Date.now() - 30_000;
    const [a, b] = await Promise.all([
      routes.loadSession(get('/profile', { cookie })),
      routes.loadSession(get('/profile', { cookie })),
    ]);
    expect(a.session?.tokens.accessToken).not.toBe(before?.tokens.accessToken);
    // One refresh: the rotated refresh token was spent once, both requests got its result.
    expect(b.session?.tokens.accessToken).toBe(a.session?.tokens.accessToken);
    expect(a.setCookie.some((c) => c.startsWith('session='))).toBe(true);
    expect(b.setCookie.some((c) => c.startsWith('session='))).toBe(true);
    const written = cookieHeader(a.setCookie, cookie);
    now.offsetMs = 0;
    const again = await routes.loadSession(get('/profile', { cookie: written }));
    expect(again.session?.tokens.accessToken).toBe(a.session?.tokens.accessToken);
    expect(again.setCookie).toEqual([]);
  });

  it('a session whose refresh token is dead is ended (cookie cleared), not a 500', async () => {
    const now = { offsetMs: 0 };
    const routes = routesFor({}, { clock: () => Date.now() + now.offsetMs, retry: { attempts: 1 } });
    const { cookie } = await logIn(routes);
    const before = await routes.login.getSession(cookie);
    await idp.refresh(before?.tokens.refreshToken as string); // spent elsewhere
    now.offsetMs = (before?.tokens.expiresAtMs as number) - Date.now() + 1_000;
    const reply = (await routes.handle(get('/session', { cookie }))) as WebResponse;
    expect(reply.status).toBe(401);
    expect(reply.headers['set-cookie']?.some((c) => /^session=;.*Max-Age=0/.test(c))).toBe(true);
  });

  it('answers only its four paths; other methods get 405 with Allow', async () => {
    const routes = routesFor();
    expect(await routes.handle(get('/profile'))).toBeUndefined();
    expect(routes.matches({ url: '/session?x=1' })).toBe(true);
    expect(routes.matches({ url: '/me' })).toBe(false);
    const put = (await routes.handle({ method: 'PUT', url: '/session', headers: {} })) as WebResponse;
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
    expect(
      ((await routes.handle({ method: 'DELETE', url: '/logout', headers: {} })) as WebResponse).headers.allow,
    ).toBe('GET, HEAD, POST');
  });

  it('a provider that cannot be reached makes GET /login a 503 with Retry-After, not a 500', async () => {
    const routes = routesFor({}, { issuer: 'http://127.0.0.1:9', timeoutMs: 2_000 });
    const reply = (await routes.handle(get('/login'))) as WebResponse;
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('5');
    expect(JSON.parse(reply.body)).toMatchObject({ status: 503, code: 'ERR_AUTH_DISCOVERY_FAILED' });
  });

  it('renders pages through renderPage and the session JSON through sessionJson', async () => {
    const routes = routesFor({
      renderPage: ({ title, body }) => `<html data-app="mine"><h1>${escapeHtml(title)}</h1>${body}</html>`,
      sessionJson: (s) => ({ who: s.identity.subject }),
    });
    const page = (await routes.handle(get('/logout', { accept: HTML }))) as WebResponse;
    expect(page.body).toMatch(/^<html data-app="mine"><h1>Log out\?<\/h1>/);
    const { cookie } = await logIn(routes);
    expect(JSON.parse(((await routes.handle(get('/session', { cookie }))) as WebResponse).body)).toEqual({
      who: 'alice',
    });
    expect(parseCookies(cookie).has('session')).toBe(true);
  });

  it('refuses option mistakes at setup with a TypeError', () => {
    expect(() => routesFor({ path: {} } as never)).toThrow(
      /unknown option "path" \(did you mean "paths"\?\)/,
    );
    expect(() => routesFor({ paths: { callback: '/cb' } })).toThrow(/paths.callback must be the path/);
    expect(() => routesFor({ paths: { login: 'login' } })).toThrow(/paths.login must be a path/);
    expect(() => routesFor({ renderPage: 'x' as never })).toThrow(/renderPage must be a function/);
    expect(() => routesFor({ postLogoutRedirectUri: 'not a url' })).toThrow(/postLogoutRedirectUri/);
    expect(() => createWebLoginRoutes({} as never)).toThrow(/login options are required/);
  });
});
