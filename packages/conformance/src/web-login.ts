/**
 * The contract's "Web login (demo apps)" rows, headless over HTTP against the real dev IdP: a cookie
 * jar plays the browser, the IdP's login form is posted like a person would (no `login_hint`).
 */
import { createServer } from 'node:net';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceHarness, DemoServer } from './types.ts';

/** A free port on 127.0.0.1 (the demo app's redirect URI must name it before the app starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A cookie jar and `fetch` without redirects: enough of a browser for the login rows. */
export class HeadlessBrowser {
  readonly cookies = new Map<string, string>();
  /** The IdP login pages `throughIdp` posted (their HTML), oldest first. */
  readonly loginPages: string[] = [];

  /** Keeps the response's cookies (a deleted one is forgotten); returns the raw `Set-Cookie` lines. */
  store(res: Response): string[] {
    const lines = res.headers.getSetCookie();
    for (const line of lines) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return lines;
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request with the jar's cookies (none are sent across hosts: one jar per host is enough here). */
  async fetch(
    url: string | URL,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response & { setCookie: string[]; text: string }> {
    const cookie = this.header();
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const setCookie = this.store(res);
    const text = await res.text();
    return Object.assign(res, { setCookie, text });
  }

  /**
   * Follows redirects from `start` through the IdP (posting its login form as `user`) until a
   * redirect leaves the IdP for `appOrigin`; returns that URL (the app's callback).
   */
  async throughIdp(start: string, appOrigin: string, user = 'alice'): Promise<URL> {
    let next = start;
    let method = 'GET';
    let body: string | undefined;
    for (let hop = 0; hop < 15; hop++) {
      const res = await this.fetch(next, {
        method,
        ...(body === undefined
          ? {}
          : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      });
      method = 'GET';
      body = undefined;
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const target = new URL(location, next);
        if (target.origin === appOrigin) return target;
        next = target.href;
        continue;
      }
      const form = /<form method="post" action="([^"]+)"/.exec(res.text);
      if (res.status === 200 && form?.[1]) {
        this.loginPages.push(res.text);
        next = new URL(form[1], next).href;
        method = 'POST';
        body = new URLSearchParams({ login: user }).toString();
        continue;
      }
      throw new Error(`the IdP flow stopped at ${new URL(next).pathname} with ${res.status}`);
    }
    throw new Error('the IdP flow: too many redirects');
  }
}

/** The environment of the web-login rows. */
export interface WebLoginEnvironment {
  idp: DevIdp;
  /** The demo app with web login. */
  baseUrl: string;
  /** A browser that logged in as alice (GET /login → IdP → callback), and the callback's response. */
  loggedIn(returnTo?: string): Promise<{
    browser: HeadlessBrowser;
    callback: Response & { setCookie: string[]; text: string };
  }>;
}

const HTML_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const JSON_ACCEPT = 'application/json';
const COOKIE_SECRET = 'conformance-cookie-key-0123456789abcdef';

function useWebLoginEnvironment(harness: ConformanceHarness): WebLoginEnvironment {
  const env = {} as WebLoginEnvironment;
  let server: DemoServer | undefined;
  beforeAll(async () => {
    if (!harness.startWebLogin) throw new Error(`${harness.name}: the harness has no startWebLogin`);
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    env.idp = await startDevIdp({ port: 0, demoRedirectUris: [redirectUri] });
    server = await harness.startWebLogin({
      port,
      auth: { issuers: [{ issuer: env.idp.issuer, audience: env.idp.audience, jwksUri: env.idp.jwksUri }] },
      web: {
        issuer: env.idp.issuer,
        clientId: 'demo-web',
        clientSecret: 'demo-web-secret',
        redirectUri,
        scope: 'openid profile email offline_access read:items',
        cookieKeys: [{ id: 'k1', secret: COOKIE_SECRET }],
        allowInsecureRequests: true,
        // The demo's pages may call its own API server-side with the session's token (session.fetch).
        allowedOrigins: [`http://127.0.0.1:${port}`],
      },
    });
    env.baseUrl = server.baseUrl;
    env.loggedIn = async (returnTo = '/profile') => {
      const browser = new HeadlessBrowser();
      const start = await browser.fetch(`${env.baseUrl}/login?returnTo=${encodeURIComponent(returnTo)}`, {
        headers: { accept: HTML_ACCEPT },
      });
      expect(start.status).toBe(302);
      const back = await browser.throughIdp(start.headers.get('location') as string, env.baseUrl);
      const callback = await browser.fetch(back, { headers: { accept: HTML_ACCEPT } });
      return { browser, callback };
    };
  });
  afterAll(async () => {
    await server?.close();
    await env.idp?.stop();
  });
  return env;
}

const cookieNamed = (lines: readonly string[], name: string) =>
  lines.find((line) => line.startsWith(`${name}=`) && !/max-age=0/i.test(line));

/**
 * Registers the contract's web-login rows for one adapter's demo app (harness `startWebLogin`).
 *
 * @example
 * ```ts
 * // packages/express/test/web-login-conformance.test.ts
 * webLoginConformance(expressHarness);
 * ```
 */
export function webLoginConformance(harness: ConformanceHarness): void {
  describe(`web login conformance: ${harness.name}`, () => {
    const env = useWebLoginEnvironment(harness);
    const page = (browser: HeadlessBrowser, path: string, accept = HTML_ACCEPT) =>
      browser.fetch(`${env.baseUrl}${path}`, { headers: { accept } });

    it('GET /login redirects to the IdP with PKCE S256, state and nonce, and a sealed HttpOnly login-state cookie', async () => {
      const browser = new HeadlessBrowser();
      const res = await page(browser, '/login?returnTo=%2Fprofile');
      expect(res.status).toBe(302);
      const url = new URL(res.headers.get('location') as string);
      expect(`${url.origin}${url.pathname}`).toBe(env.idp.authorizationEndpoint);
      expect(url.searchParams.get('client_id')).toBe('demo-web');
      expect(url.searchParams.get('response_type')).toBe('code');
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
      expect(url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
      expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{32,}$/);
      expect(res.setCookie.length).toBeGreaterThan(0);
      for (const line of res.setCookie) {
        expect(line).toMatch(/; HttpOnly/);
        expect(line).toMatch(/; SameSite=Lax/);
      }
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('logs in through the IdP form: the callback sets the session cookie (HttpOnly, SameSite=Lax, no Secure on loopback http) and goes to returnTo', async () => {
      const { callback } = await env.loggedIn('/profile');
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/profile');
      const session = cookieNamed(callback.setCookie, 'session');
      expect(session, callback.setCookie.join('\n')).toBeDefined();
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Lax/);
      expect(session).toMatch(/; Path=\//);
      expect(session).not.toMatch(/; Secure/i);
    });

    it('GET /profile shows the user (subject, name, email, groups, organizations) and a logout button', async () => {
      const { browser } = await env.loggedIn();
      const res = await page(browser, '/profile');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      for (const text of ['alice', 'Alice Admin', 'alice@example.test', 'admin', 'org_1']) {
        expect(res.text).toContain(text);
      }
      expect(res.text).toMatch(/<form[^>]+method="post"[^>]+action="\/logout"|<a[^>]+href="\/logout"/);
    });

    it('GET /session is the user as JSON with a session, 401 ERR_AUTH_NO_SESSION without', async () => {
      const { browser } = await env.loggedIn();
      const res = await page(browser, '/session', JSON_ACCEPT);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({
        subject: 'alice',
        name: 'Alice Admin',
        email: 'alice@example.test',
        groups: ['admin'],
        organizations: [{ id: 'org_1', scopes: ['projects:read'] }],
      });
      expect(res.text).not.toMatch(/eyJ[\w-]+\.eyJ/); // never a token
      const anonymous = await page(new HeadlessBrowser(), '/session', JSON_ACCEPT);
      expect(anonymous.status).toBe(401);
      expect(JSON.parse(anonymous.text)).toMatchObject({ status: 401, code: 'ERR_AUTH_NO_SESSION' });
    });

    it('GET /profile without a session: 302 to /login?returnTo=/profile for a browser, 401 JSON for an API client', async () => {
      const browser = new HeadlessBrowser();
      const html = await page(browser, '/profile');
      expect(html.status).toBe(302);
      expect(html.headers.get('location')).toBe('/login?returnTo=%2Fprofile');
      const json = await page(browser, '/profile', JSON_ACCEPT);
      expect(json.status).toBe(401);
      expect(JSON.parse(json.text)).toMatchObject({ status: 401, code: 'ERR_AUTH_NO_SESSION' });
    });

    it.each(['//evil.test/x', 'https://evil.test/', '/\\evil.test', '/%2F%2Fevil.test'])(
      'refuses the open redirect returnTo=%s (lands on /profile)',
      async (returnTo) => {
        const { callback } = await env.loggedIn(returnTo);
        expect(callback.status).toBe(302);
        expect(callback.headers.get('location')).toBe('/profile');
      },
    );

    it('a callback with a bad state is a 400: an HTML page for a browser, JSON {status, code, message} otherwise', async () => {
      const browser = new HeadlessBrowser();
      const html = await page(browser, '/callback?code=forged&state=forged');
      expect(html.status).toBe(400);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html.text).toContain('ERR_AUTH_LOGIN_STATE_MISMATCH');
      const json = await page(browser, '/callback?code=forged&state=forged', JSON_ACCEPT);
      expect(json.status).toBe(400);
      expect(JSON.parse(json.text)).toEqual({
        status: 400,
        code: 'ERR_AUTH_LOGIN_STATE_MISMATCH',
        message: expect.any(String),
      });
      expect((await page(browser, '/callback', JSON_ACCEPT)).status).toBe(400);
    });

    it('the error page escapes what the IdP sends back (no HTML injection through error)', async () => {
      const browser = new HeadlessBrowser();
      const start = await page(browser, '/login');
      const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string;
      const query = new URLSearchParams({ state, iss: env.idp.issuer, error: '<script>alert(1)</script>' });
      const res = await page(browser, `/callback?${query}`);
      expect(res.status).toBe(400);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;');
    });

    it('GET /logout is a confirmation page with a POST form; it does not log out', async () => {
      const { browser } = await env.loggedIn();
      const res = await page(browser, '/logout');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<form method="post" action="\/logout">/);
      expect((await page(browser, '/session', JSON_ACCEPT)).status).toBe(200);
    });

    it('POST /logout without CSRF proof (no token, a foreign Origin, Sec-Fetch-Site cross-site) is a 403; the session lives on', async () => {
      const { browser } = await env.loggedIn();
      const confirm = await page(browser, '/logout');
      const token = /name="csrf" value="([^"]+)"/.exec(confirm.text)?.[1] as string;
      const post = (headers: Record<string, string>, body = '') =>
        browser.fetch(`${env.baseUrl}/logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: JSON_ACCEPT, ...headers },
          body,
        });
      for (const [headers, body] of [
        [{}, ''],
        [{}, 'csrf=forged-token-forged-token-forged-token-forg'],
        [{ origin: 'https://evil.test' }, `csrf=${token}`],
        [{ 'sec-fetch-site': 'cross-site' }, `csrf=${token}`],
      ] as const) {
        const res = await post(headers, body);
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(JSON.parse(res.text)).toMatchObject({ status: 403, code: 'ERR_AUTH_CSRF_REJECTED' });
      }
      expect((await page(browser, '/session', JSON_ACCEPT)).status).toBe(200);
    });

    it('POST /logout with the form token ends the session and goes to the IdP end-session endpoint', async () => {
      const { browser } = await env.loggedIn();
      const confirm = await page(browser, '/logout');
      const token = /name="csrf" value="([^"]+)"/.exec(confirm.text)?.[1] as string;
      const res = await browser.fetch(`${env.baseUrl}/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: HTML_ACCEPT },
        body: `csrf=${encodeURIComponent(token)}`,
      });
      expect(res.status).toBe(302);
      const to = new URL(res.headers.get('location') as string);
      expect(`${to.origin}${to.pathname}`).toBe(env.idp.endSessionEndpoint);
      expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${env.baseUrl}/`);
      expect(res.setCookie.some((line) => /^session=;/.test(line) && /max-age=0/i.test(line))).toBe(true);
      expect((await page(browser, '/session', JSON_ACCEPT)).status).toBe(401);
      const again = await page(browser, '/profile');
      expect(again.status).toBe(302);
      expect(again.headers.get('location')).toBe('/login?returnTo=%2Fprofile');
    });

    it('API routes ignore the session cookie: /me and POST /items with only a cookie are 401 ERR_AUTH_MISSING_TOKEN', async () => {
      const { browser } = await env.loggedIn();
      const me = await page(browser, '/me', JSON_ACCEPT);
      expect(me.status).toBe(401);
      expect(JSON.parse(me.text)).toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN' });
      const post = await browser.fetch(`${env.baseUrl}/items`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: env.baseUrl },
        body: '{"name":"csrf"}',
      });
      expect(post.status).toBe(401);
      // A bearer token still works beside the cookie.
      const token = await env.idp.getToken('reader');
      const withToken = await browser.fetch(`${env.baseUrl}/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(withToken.status).toBe(200);
    });

    it('step-up: GET /security (acr urn:dev-idp:loa:2) with a password session is a 302 to login with acr_values for a browser, a 401 insufficient_user_authentication otherwise; after the IdP asks again the page is 200', async () => {
      const { browser } = await env.loggedIn();
      expect((await page(browser, '/profile')).status).toBe(200);
      const api = await page(browser, '/security', JSON_ACCEPT);
      expect(api.status).toBe(401);
      expect(JSON.parse(api.text)).toMatchObject({
        status: 401,
        code: 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION',
        error: 'insufficient_user_authentication',
      });
      expect(api.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="api", error="insufficient_user_authentication", .*acr_values="urn:dev-idp:loa:2"$/,
      );
      const html = await page(browser, '/security');
      expect(html.status).toBe(302);
      expect(html.headers.get('location')).toBe(
        '/login?returnTo=%2Fsecurity&acr_values=urn%3Adev-idp%3Aloa%3A2',
      );
      const start = await page(browser, html.headers.get('location') as string);
      const auth = new URL(start.headers.get('location') as string);
      expect(auth.searchParams.get('acr_values')).toBe('urn:dev-idp:loa:2');
      const before = browser.loginPages.length;
      const back = await browser.throughIdp(auth.href, env.baseUrl);
      // The IdP session (password level) was not enough: its login page came again, asking for more.
      expect(browser.loginPages.length).toBe(before + 1);
      expect(browser.loginPages.at(-1)).toMatch(/second factor/);
      const callback = await page(browser, `${back.pathname}${back.search}`);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/security');
      const secured = await page(browser, '/security');
      expect(secured.status).toBe(200);
      expect(secured.text).toContain('urn:dev-idp:loa:2');
      expect((await page(browser, '/security', JSON_ACCEPT)).status).toBe(200);
    });

    it('max_age=0 on /login makes the IdP ask for the password again, even with an IdP session', async () => {
      const { browser } = await env.loggedIn();
      const start = await page(browser, '/login?max_age=0');
      const auth = new URL(start.headers.get('location') as string);
      expect(auth.searchParams.get('max_age')).toBe('0');
      // The jar holds the IdP's session cookies too: without max_age the IdP would not ask again.
      let next = auth.href;
      let sawForm = false;
      for (let hop = 0; hop < 6 && !sawForm; hop++) {
        const res = await browser.fetch(next);
        const location = res.headers.get('location');
        if (location) next = new URL(location, next).href;
        else sawForm = /<form method="post" action="\/interaction\//.test(res.text);
      }
      expect(sawForm).toBe(true);
    });
  });
}
