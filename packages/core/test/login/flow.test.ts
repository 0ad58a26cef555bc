/**
 * Web login against the dev IdP's real endpoints (oidc-provider): authorization URL, the IdP's login
 * form over HTTP, callback, code exchange with each client authentication method, sessions in
 * cookies, refresh rotation, userinfo, RP-initiated logout. Once per signature backend.
 */
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isAuthClientError } from '../../src/client/client-error-brand.ts';
import { DiscoveryCache } from '../../src/client/discovery.ts';
import { decodeJwtPayload } from '../../src/client/jwt.ts';
import type { TokenSet } from '../../src/client/types.ts';
import { parseCookies } from '../../src/login/index.ts';
import { cookieHeader } from './idp-browser.ts';
import { BACKENDS, loginFor, loginThroughIdp, REDIRECT } from './login-fixtures.ts';

let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

describe.each(BACKENDS)('web login against the dev IdP (%s backend)', (_name, backend) => {
  it.each([
    ['web', 'client_secret_basic'],
    ['web-post', 'client_secret_post'],
    ['web-public', 'none'],
    ['web-jwt', 'private_key_jwt'],
  ])('logs alice in with client %s (%s) and answers access checks like the API side', async (client) => {
    const login = loginFor(idp, client, backend);
    // `resource` (RFC 8707): an access token for the demo API, carrying the API scopes.
    const { started, callback } = await loginThroughIdp(login, {
      returnTo: '/projects?x=1',
      resource: 'api://demo',
    });
    const url = started.url;
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{32,}$/);

    const finished = await login.finishLogin(callback, cookieHeader(started.setCookie));
    expect(finished.returnTo).toBe('/projects?x=1');
    const { session } = finished;
    expect(session.identity).toMatchObject({
      subject: 'alice',
      email: 'alice@example.test',
      name: 'Alice Admin',
      groups: ['admin'],
    });
    expect(session.identity.organizations).toEqual([{ id: 'org_1', scopes: ['projects:read'] }]);
    expect(session.hasAccess('read', 'projects')).toBe(true);
    expect(session.hasAccess('write', 'projects')).toBe(false);
    expect(session.hasAccessIn('org_1', 'read', 'projects')).toBe(true);
    expect(session.hasAccessIn('org_1', 'write', 'projects')).toBe(false);
    expect(session.hasAccessIn('org_2', 'read', 'projects')).toBe(false);
    expect(session.hasRoleIn('org_1', 'member')).toBe(true);
    expect(session.hasGroup('admin')).toBe(true);
    expect(session.principal.tokenUse).toBe('id');
    expect(session.tokens.refreshToken).toEqual(expect.any(String));
    expect(session.isExpired()).toBe(false);
    expect(session.isExpired(7200)).toBe(true);
    expect(decodeJwtPayload(session.tokens.accessToken)).toMatchObject({ sub: 'alice', aud: 'api://demo' });

    // The session cookie round-trips; the login-state cookie is cleared.
    const cookies = cookieHeader(finished.setCookie, cookieHeader(started.setCookie));
    expect([...parseCookies(cookies).keys()]).toEqual(['session']);
    const again = await login.getSession(cookies);
    expect(again?.identity.subject).toBe('alice');
    expect(again?.hasAccessIn('org_1', 'read', 'projects')).toBe(true);
  });

  it('refreshes itself with rotation, calls onRefresh, and keeps the identity', async () => {
    const onRefresh = vi.fn();
    const login = loginFor(idp, 'web', backend, { onRefresh });
    const { started, callback } = await loginThroughIdp(login);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    const before = session.tokens;
    const [a, b] = await Promise.all([session.refresh(), session.refresh()]);
    expect(a).toBe(b); // single flight: one refresh for both callers
    expect(onRefresh).toHaveBeenCalledTimes(1);
    const after = onRefresh.mock.calls[0]?.[0] as TokenSet;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(session.changed).toBe(true);
    expect(session.tokens).toBe(after);
    expect(session.identity.subject).toBe('alice');
    // The rotated-out refresh token is dead at the IdP (reuse detection revokes the family there).
    await expect(idp.refresh(before.refreshToken as string)).rejects.toMatchObject({ status: 400 });
  });

  it('refreshes by itself once the access token is due, through getAccessToken', async () => {
    const now = { t: Date.now() };
    const login = loginFor(idp, 'web', backend, { clock: () => now.t });
    const { started, callback } = await loginThroughIdp(login);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    const first = session.tokens.accessToken;
    expect(await session.getAccessToken()).toBe(first);
    now.t = session.tokens.expiresAtMs + 1000; // past expiry
    expect(session.isExpired()).toBe(true);
    const next = await session.getAccessToken();
    expect(next).not.toBe(first);
    expect(session.tokens.accessToken).toBe(next);
    expect(session.changed).toBe(true);
    // the refreshed session writes back to its cookie and reads back
    const jar = cookieHeader(await login.saveSession(session));
    expect((await login.getSession(jar))?.tokens.accessToken).toBe(next);
  });

  it('reports a dead refresh token through onRefreshError and a RefreshError (invalid_grant)', async () => {
    const onRefreshError = vi.fn();
    const login = loginFor(idp, 'web', backend, { onRefreshError, retry: { attempts: 1 } });
    const { started, callback } = await loginThroughIdp(login);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    // Someone else redeemed it (rotation): the session's refresh token is spent.
    await idp.refresh(session.tokens.refreshToken as string);
    const error = await session.refresh().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_AUTH_REFRESH_FAILED', oauthError: 'invalid_grant' });
    // an outgoing call's failure, never rendered as the caller's 401 by an adapter
    expect(isAuthClientError(error)).toBe(true);
    expect(onRefreshError).toHaveBeenCalledTimes(1);
    expect(onRefreshError.mock.calls[0]?.[1]).toBe(session);
  });

  it('a session without a refresh token expires with SessionExpiredError', async () => {
    const now = { t: Date.now() };
    const login = loginFor(idp, 'web', backend, { clock: () => now.t });
    const { started, callback } = await loginThroughIdp(login);
    const { session: full } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    // The dev IdP always issues refresh tokens: a session stored without one.
    const { refreshToken: _dropped, ...tokens } = full.tokens;
    const session = login.restore({ ...full.data, tokens });
    expect(await session.getAccessToken()).toBe(tokens.accessToken);
    now.t = session.tokens.expiresAtMs + 1;
    await expect(session.getAccessToken()).rejects.toMatchObject({ code: 'ERR_AUTH_SESSION_EXPIRED' });
  });

  it('serves the bound fetch with the access token, to allowed origins only', async () => {
    const seen: string[] = [];
    const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
      const req = new Request(input, init);
      if (req.url.startsWith('https://api.test/')) {
        seen.push(req.headers.get('authorization') ?? '');
        return new Response('ok');
      }
      return globalThis.fetch(req);
    });
    const login = loginFor(idp, 'web', backend, { allowedOrigins: ['https://api.test'], fetch });
    const { started, callback } = await loginThroughIdp(login);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    expect(await (await session.fetch('https://api.test/items')).text()).toBe('ok');
    expect(seen).toEqual([`Bearer ${session.tokens.accessToken}`]);
    await expect(session.fetch('https://other.test/')).rejects.toMatchObject({
      code: 'ERR_AUTH_ORIGIN_NOT_ALLOWED',
    });
  });

  it('reads userinfo and checks its subject', async () => {
    // No `resource`: the web-public client gets an access token for the userinfo endpoint.
    const login = loginFor(idp, 'web-public', backend);
    const { started, callback } = await loginThroughIdp(login);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    expect(await login.userinfo(session)).toMatchObject({ sub: 'alice', email: 'alice@example.test' });
  });

  it('checks auth_time against max_age and carries the acr the IdP asserted', async () => {
    const login = loginFor(idp, 'web', backend);
    const { started, callback } = await loginThroughIdp(login, {
      maxAge: 300,
      acrValues: 'urn:dev-idp:loa:1',
    });
    expect(started.url.searchParams.get('max_age')).toBe('300');
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    const claims = session.identity.claims as Record<string, unknown>;
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(claims.acr).toBe('urn:dev-idp:loa:1');
  });

  it('uses a pushed authorization request when asked and the IdP offers it', async () => {
    const login = loginFor(idp, 'web', backend, { pushedAuthorizationRequests: true });
    const { started, callback } = await loginThroughIdp(login);
    expect(started.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(started.url.searchParams.has('code_challenge')).toBe(false);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    expect(session.identity.subject).toBe('alice');
  });

  it('uses a pushed authorization request whenever the server requires it', async () => {
    // The dev IdP offers PAR; its metadata is rewritten to require it.
    const fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const res = await globalThis.fetch(input, init);
      if (!String(input).endsWith('/.well-known/openid-configuration')) return res;
      const json = (await res.json()) as Record<string, unknown>;
      return Response.json({ ...json, require_pushed_authorization_requests: true });
    };
    const login = loginFor(idp, 'web', backend, { fetch, discoveryCache: new DiscoveryCache() });
    const { started, callback } = await loginThroughIdp(login);
    expect(started.url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const { session } = await login.finishLogin(callback, cookieHeader(started.setCookie));
    expect(session.identity.subject).toBe('alice');
  });

  it('logs out: clears the cookie and builds an RP-initiated logout URL the IdP accepts', async () => {
    const login = loginFor(idp, 'web', backend);
    const { started, callback, browser } = await loginThroughIdp(login);
    const finished = await login.finishLogin(callback, cookieHeader(started.setCookie));
    const cookies = cookieHeader(finished.setCookie);
    const out = await login.logout(cookies, {
      postLogoutRedirectUri: 'http://127.0.0.1:8080/',
      state: 'bye',
    });
    expect(out.setCookie).toEqual([expect.stringMatching(/^session=; .*Max-Age=0/)]);
    expect(await login.getSession(cookieHeader(out.setCookie, cookies))).toBeUndefined();
    const url = out.url as URL;
    expect(url.href.startsWith(idp.endSessionEndpoint)).toBe(true);
    expect(url.searchParams.get('id_token_hint')).toBe(finished.session.tokens.idToken);
    const res = await fetch(url, { headers: { cookie: browser.header() }, redirect: 'manual' });
    // oidc-provider asks the user to confirm the logout (a form), i.e. it accepted hint and redirect URI.
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('logout');
  });

  it('never returns to another origin after login (open redirect)', async () => {
    const login = loginFor(idp, 'web', backend);
    for (const returnTo of ['//evil.test', 'https:evil.test', '/\\evil.test', '/%2F%2Fevil.test']) {
      const { started, callback } = await loginThroughIdp(login, { returnTo });
      expect((await login.finishLogin(callback, cookieHeader(started.setCookie))).returnTo).toBe('/');
    }
  });

  it('keeps two login attempts (two tabs) apart', async () => {
    const login = loginFor(idp, 'web', backend);
    const first = await login.startLogin({ returnTo: '/a' });
    const second = await login.startLogin({ returnTo: '/b' });
    const jar = cookieHeader([...first.setCookie, ...second.setCookie]);
    const cb2 = await (await loginThroughIdp(login)).browser.authorize(second.url, REDIRECT);
    const cb1 = await (await loginThroughIdp(login)).browser.authorize(first.url, REDIRECT);
    expect((await login.finishLogin(cb2, jar)).returnTo).toBe('/b');
    expect((await login.finishLogin(cb1, jar)).returnTo).toBe('/a');
  });
});
