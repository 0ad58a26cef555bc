/**
 * Step-up for web login (RFC 9470 applied to a browser session) against the dev IdP: a page that
 * demands a higher `acr` (or a recent `auth_time`) sends the browser back through login with
 * `acr_values` / `max_age`, answers an API client 401 `insufficient_user_authentication`, and the
 * callback refuses a login that came back below the level asked for.
 */
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../src/client/jwt.ts';
import { loginRequirement } from '../../src/binding/login-requirement.ts';
import {
  createWebLoginRoutes,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '../../src/binding/web-login-routes.ts';
import { AcrNotSatisfiedError } from '../../src/login/index.ts';
import { Browser, cookieHeader } from '../login/idp-browser.ts';
import { KEY_1, REDIRECT } from '../login/login-fixtures.ts';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const MFA = 'urn:dev-idp:loa:2';
let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

function routesFor(login: Record<string, unknown> = {}, extra: Partial<WebLoginRoutesOptions> = {}) {
  return createWebLoginRoutes({
    login: {
      issuer: idp.issuer,
      clientId: 'web',
      clientSecret: 'web-secret',
      redirectUri: REDIRECT,
      scope: 'openid profile email offline_access',
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

/** GET `loginPath` → the IdP (its login form when it asks) → GET /callback, with one browser's IdP cookies. */
async function logIn(routes: ReturnType<typeof routesFor>, loginPath: string, browser = new Browser()) {
  const started = (await routes.handle(get(loginPath, { accept: HTML }))) as WebResponse;
  expect(started.status).toBe(302);
  const callback = await browser.authorize(started.headers.location as string, REDIRECT, 'alice');
  const jar = cookieHeader(started.headers['set-cookie'] ?? []);
  const finished = (await routes.handle(
    get(`${callback.pathname}${callback.search}`, { accept: HTML, cookie: jar }),
  )) as WebResponse;
  return {
    started,
    finished,
    cookie: cookieHeader(finished.headers['set-cookie'] ?? [], jar),
    browser,
  };
}

const claimsOf = async (routes: ReturnType<typeof routesFor>, cookie: string) =>
  (await routes.loadSession(get('/x', { cookie }))).session?.data.claims ?? {};

describe('web login step-up (requireLogin with acr / maxAgeSeconds)', () => {
  const mfa = loginRequirement({ acr: [MFA] }, 'test')!;

  it('a password session on an MFA page: a browser goes back through login with acr_values, an API client gets 401 insufficient_user_authentication', async () => {
    const routes = routesFor();
    const { cookie } = await logIn(routes, '/login?returnTo=%2Fprofile');
    expect((await claimsOf(routes, cookie)).acr).toBe('urn:dev-idp:loa:1');

    // Without a requirement the session is enough.
    expect((await routes.requireLogin(get('/payments', { accept: HTML, cookie }))).ok).toBe(true);

    const page = await routes.requireLogin(get('/payments?x=1', { accept: HTML, cookie }), undefined, mfa);
    expect(page.ok).toBe(false);
    if (page.ok) return;
    expect(page.response.status).toBe(302);
    expect(page.response.headers.location).toBe(
      `/login?returnTo=%2Fpayments%3Fx%3D1&acr_values=${encodeURIComponent(MFA)}`,
    );

    const api = await routes.requireLogin(get('/payments', { cookie }), undefined, mfa);
    expect(api.ok).toBe(false);
    if (api.ok) return;
    expect(api.response.status).toBe(401);
    expect(JSON.parse(api.response.body)).toEqual({
      status: 401,
      code: 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION',
      error: 'insufficient_user_authentication',
      message: 'A stronger or more recent authentication is required',
    });
    expect(api.response.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="insufficient_user_authentication", error_description="A stronger or more recent authentication is required", acr_values="${MFA}"`,
    );
    // A form POST (not a navigation) is an API answer too, never a redirect that drops the body.
    const post = await routes.requireLogin(
      { method: 'POST', url: '/payments', headers: { accept: HTML, cookie } },
      undefined,
      mfa,
    );
    expect(post.ok === false && post.response.status).toBe(401);
  });

  it('following that redirect: the IdP asks again (same IdP session), the new session has the MFA acr and passes', async () => {
    const routes = routesFor();
    const first = await logIn(routes, '/login?returnTo=%2Fprofile');
    const decision = await routes.requireLogin(
      get('/payments', { accept: HTML, cookie: first.cookie }),
      undefined,
      mfa,
    );
    const location = decision.ok ? '' : (decision.response.headers.location as string);

    const started = (await routes.handle(
      get(location, { accept: HTML, cookie: first.cookie }),
    )) as WebResponse;
    const auth = new URL(started.headers.location as string);
    expect(auth.searchParams.get('acr_values')).toBe(MFA);

    // The IdP's own session (password level) does not satisfy acr_values: it shows its form again.
    const browser = first.browser;
    let next = auth.href;
    let form: string | undefined;
    for (let hop = 0; hop < 6 && form === undefined; hop++) {
      const res = await fetch(next, { redirect: 'manual', headers: { cookie: browser.header() } });
      browser.store(res);
      const to = res.headers.get('location');
      if (to) next = new URL(to, next).href;
      else if (/second factor/.test(await res.text())) form = next;
    }
    expect(form).toMatch(/\/interaction\//);
    const back = await browser.authorize(form as string, REDIRECT, 'alice');
    const jar = cookieHeader(started.headers['set-cookie'] ?? [], first.cookie);
    const finished = (await routes.handle(
      get(`${back.pathname}${back.search}`, { accept: HTML, cookie: jar }),
    )) as WebResponse;
    expect(finished.status).toBe(302);
    expect(finished.headers.location).toBe('/payments');
    const second = { cookie: cookieHeader(finished.headers['set-cookie'] ?? [], jar) };
    const claims = await claimsOf(routes, second.cookie);
    expect(claims.acr).toBe(MFA);
    expect(claims.amr).toEqual(['pwd', 'otp']);
    const again = await routes.requireLogin(
      get('/payments', { accept: HTML, cookie: second.cookie }),
      undefined,
      mfa,
    );
    expect(again.ok).toBe(true);
  });

  it('no session on a step-up page: the login redirect already carries acr_values and max_age', async () => {
    const routes = routesFor();
    const requirement = loginRequirement({ acr: [MFA, 'urn:dev-idp:loa:3'], maxAgeSeconds: 300 }, 'test');
    const page = await routes.requireLogin(get('/payments', { accept: HTML }), undefined, requirement);
    expect(page.ok === false && page.response.headers.location).toBe(
      `/login?returnTo=%2Fpayments&acr_values=${encodeURIComponent(`${MFA} urn:dev-idp:loa:3`)}&max_age=300`,
    );
    const api = await routes.requireLogin(get('/payments'), undefined, requirement);
    expect(api.ok === false && JSON.parse(api.response.body).code).toBe('ERR_AUTH_NO_SESSION');
  });

  it('maxAgeSeconds: a login older than that is sent back with max_age; the callback checks auth_time', async () => {
    let now = Date.now();
    const routes = routesFor({ clock: () => now });
    const { cookie } = await logIn(routes, '/login?returnTo=%2Fprofile');
    const recent = loginRequirement({ maxAgeSeconds: 60 }, 'test');
    expect(
      (await routes.requireLogin(get('/transfer', { accept: HTML, cookie }), undefined, recent)).ok,
    ).toBe(true);
    now += 120_000;
    const late = await routes.requireLogin(get('/transfer', { accept: HTML, cookie }), undefined, recent);
    expect(late.ok === false && late.response.headers.location).toBe(
      '/login?returnTo=%2Ftransfer&max_age=60',
    );
    const api = await routes.requireLogin(get('/transfer', { cookie }), undefined, recent);
    expect(api.ok === false && api.response.headers['www-authenticate']).toMatch(
      /error="insufficient_user_authentication".*, max_age="60"$/,
    );
    const started = (await routes.handle(
      get('/login?returnTo=%2Ftransfer&max_age=60', { accept: HTML }),
    )) as WebResponse;
    expect(new URL(started.headers.location as string).searchParams.get('max_age')).toBe('60');
  });

  it('the callback refuses a login below the acr asked for: 400 ERR_AUTH_LOGIN_ACR_NOT_SATISFIED, no session', async () => {
    // The dev IdP cannot produce this level: it answers with its password level.
    const routes = routesFor();
    const { finished } = await logIn(
      routes,
      `/login?returnTo=%2Fp&acr_values=${encodeURIComponent('urn:other:loa:9')}`,
    );
    expect(finished.status).toBe(400);
    expect(finished.body).toContain('ERR_AUTH_LOGIN_ACR_NOT_SATISFIED');
    expect(
      finished.headers['set-cookie']?.some(
        (c) => /^__Host-session=|^session=/.test(c) && !/Max-Age=0/.test(c),
      ),
    ).toBeFalsy();
  });

  it('the callback refuses an ID token whose acr was lowered in transit (a forged token response) with AcrNotSatisfiedError', async () => {
    const fetchLowered = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const res = await fetch(input, init);
      if (!String(input).endsWith('/token') || !String(init?.body).includes('grant_type=authorization_code'))
        return res;
      const body = (await res.json()) as Record<string, unknown>;
      const { at_hash: _a, ...claims } = decodeJwtPayload(body.id_token as string) as Record<string, unknown>;
      const id_token = await idp.signJwt({ ...claims, acr: 'urn:dev-idp:loa:1' });
      return Response.json({ ...body, id_token }, { headers: { 'cache-control': 'no-store' } });
    };
    const routes = routesFor({ fetch: fetchLowered });
    const login = routes.login;
    const started = await login.startLogin({ acrValues: [MFA] });
    const callback = await new Browser().authorize(started.url, REDIRECT, 'alice');
    const error = await login.finishLogin(callback, cookieHeader(started.setCookie)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AcrNotSatisfiedError);
    expect(error).toMatchObject({
      code: 'ERR_AUTH_LOGIN_ACR_NOT_SATISFIED',
      status: 401,
      requested: [MFA],
      acr: 'urn:dev-idp:loa:1',
    });
  });

  it('GET /login ignores malformed acr_values (like a malformed max_age)', async () => {
    const routes = routesFor();
    for (const bad of ['', ' ', 'a"b', 'x\\y', Array.from({ length: 11 }, (_, i) => `l${i}`).join(' ')]) {
      const started = (await routes.handle(
        get(`/login?acr_values=${encodeURIComponent(bad)}`, { accept: HTML }),
      )) as WebResponse;
      expect(started.status).toBe(302);
      expect(new URL(started.headers.location as string).searchParams.has('acr_values')).toBe(false);
    }
  });

  it('acr_values and max_age cannot be set through extraParams (they would skip the callback checks)', async () => {
    const login = routesFor().login;
    for (const key of ['acr_values', 'max_age']) {
      await expect(login.createAuthorizationUrl({ extraParams: { [key]: '1' } })).rejects.toThrow(
        `extraParams cannot set "${key}"`,
      );
    }
    await expect(login.createAuthorizationUrl({ acrValues: ['a b'] })).rejects.toThrow(TypeError);
  });

  it('refuses requirement mistakes at setup with a TypeError naming the caller', () => {
    expect(loginRequirement(undefined, 'w')).toBeUndefined();
    expect(() => loginRequirement({}, 'w')).toThrow(/w: give acr and\/or maxAgeSeconds/);
    expect(() => loginRequirement({ acrs: ['x'] }, 'w')).toThrow(TypeError);
    expect(() => loginRequirement({ acr: [] }, 'w')).toThrow(/acr must hold 1 to 10 acr values/);
    expect(() => loginRequirement({ acr: ['a b'] }, 'w')).toThrow(/acr must hold/);
    expect(() => loginRequirement({ acr: ['a"b'] }, 'w')).toThrow(/acr must hold/);
    expect(() => loginRequirement({ acr: 5 }, 'w')).toThrow(/acr must be a string or a list/);
    for (const maxAgeSeconds of [-1, 1.5, Number.POSITIVE_INFINITY, Number.NaN, '60', 1e10]) {
      expect(() => loginRequirement({ maxAgeSeconds }, 'w')).toThrow(/maxAgeSeconds must be an integer/);
    }
    expect(() => loginRequirement('mfa', 'w')).toThrow(/options must be an object/);
  });

  it('satisfiedBy fails closed on a missing or malformed acr / auth_time', () => {
    const both = loginRequirement({ acr: MFA, maxAgeSeconds: 60 }, 'w')!;
    const now = 1_700_000_000_000;
    const fresh = now / 1000 - 10;
    expect(both.satisfiedBy({ acr: MFA, auth_time: fresh }, now)).toBe(true);
    expect(both.satisfiedBy({ acr: MFA, auth_time: now / 1000 - 66 }, now)).toBe(false);
    expect(both.satisfiedBy({ acr: MFA, auth_time: now / 1000 - 64 }, now)).toBe(true); // 5 s tolerance
    expect(both.satisfiedBy({ acr: MFA }, now)).toBe(false);
    expect(both.satisfiedBy({ acr: MFA, auth_time: String(fresh) }, now)).toBe(false);
    expect(both.satisfiedBy({ acr: [MFA], auth_time: fresh }, now)).toBe(false);
    expect(both.satisfiedBy({ auth_time: fresh }, now)).toBe(false);
  });
});
