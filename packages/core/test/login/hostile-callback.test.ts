/**
 * Hostile callbacks and token responses against the dev IdP: forged or replayed state, code and
 * nonce, ID tokens for another client or audience, stale authentication, swapped tokens, wrong
 * issuer, error responses. Every one ends in a typed error with a stable code; none yields a session.
 */
import { createHash } from 'node:crypto';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../src/client/jwt.ts';
import {
  AccessDeniedError,
  CallbackError,
  IdTokenError,
  InteractionRequiredError,
  NonceMismatchError,
  StateMismatchError,
} from '../../src/login/index.ts';
import { Browser, cookieHeader } from './idp-browser.ts';
import { BACKENDS, loginFor, loginThroughIdp, REDIRECT } from './login-fixtures.ts';

let idp: DevIdp;
beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(() => idp?.stop());

type Json = Record<string, unknown>;

/** A fetch that lets `edit` rewrite the authorization_code token response (a compromised or buggy IdP). */
function editingFetch(edit: (body: Json) => Json | Promise<Json>) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    const body = init?.body;
    if (!String(input).endsWith('/token') || !String(body).includes('grant_type=authorization_code'))
      return res;
    const json = (await res.json()) as Json;
    return Response.json(await edit(json), { status: res.status, headers: { 'cache-control': 'no-store' } });
  };
}

/** ID token claims as the IdP would issue them for this attempt, for the `web` client. */
function claimsLike(idToken: string, overrides: Json): Json {
  const { at_hash: _at, ...base } = decodeJwtPayload(idToken) as Json;
  return { ...base, ...overrides };
}

describe.each(BACKENDS)('hostile callbacks (%s backend)', (_name, backend) => {
  const start = async (extra: Parameters<typeof loginFor>[3] = {}, options = {}) => {
    const login = loginFor(idp, 'web', backend, extra);
    const attempt = await login.createAuthorizationUrl(options);
    const callback = await new Browser().authorize(attempt.url, REDIRECT);
    return { login, attempt, callback };
  };

  it('state mismatch: a callback for another attempt is refused before any code exchange', async () => {
    const { login, attempt, callback } = await start();
    await expect(
      login.handleCallback(callback, { ...attempt, state: 'another-state-value-123456' }),
    ).rejects.toSatisfy(
      (e) =>
        e instanceof StateMismatchError && (e as StateMismatchError).code === 'ERR_AUTH_LOGIN_STATE_MISMATCH',
    );
    // The code was not spent: the right attempt still completes.
    expect((await login.handleCallback(callback, attempt)).identity.subject).toBe('alice');
  });

  it('state mismatch through cookies: the callback state names no pending attempt', async () => {
    const login = loginFor(idp, 'web', backend);
    const { started, callback } = await loginThroughIdp(login);
    callback.searchParams.set('state', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await expect(login.finishLogin(callback, cookieHeader(started.setCookie))).rejects.toBeInstanceOf(
      StateMismatchError,
    );
  });

  it('missing state is a state mismatch', async () => {
    const { login, attempt, callback } = await start();
    callback.searchParams.delete('state');
    await expect(login.handleCallback(callback, attempt)).rejects.toBeInstanceOf(StateMismatchError);
    await expect(login.finishLogin(callback, '')).rejects.toBeInstanceOf(StateMismatchError);
    await expect(login.handleCallback(callback, undefined)).rejects.toBeInstanceOf(StateMismatchError);
  });

  it('a replayed code is refused by the IdP (invalid_grant)', async () => {
    const { login, attempt, callback } = await start();
    await login.handleCallback(callback, attempt);
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      oauthError: 'invalid_grant',
    });
  });

  it('a replayed callback through cookies fails: its login-state cookie is gone', async () => {
    const login = loginFor(idp, 'web', backend);
    const { started, callback } = await loginThroughIdp(login);
    const jar = cookieHeader(started.setCookie);
    const done = await login.finishLogin(callback, jar);
    await expect(login.finishLogin(callback, cookieHeader(done.setCookie, jar))).rejects.toBeInstanceOf(
      StateMismatchError,
    );
  });

  it('nonce mismatch', async () => {
    const { login, attempt, callback } = await start();
    await expect(login.handleCallback(callback, { ...attempt, nonce: 'other-nonce' })).rejects.toSatisfy(
      (e) =>
        e instanceof NonceMismatchError && (e as NonceMismatchError).code === 'ERR_AUTH_LOGIN_NONCE_MISMATCH',
    );
  });

  const forged = (overrides: Json) =>
    editingFetch(async (body) => ({
      ...body,
      id_token: await idp.signJwt(claimsLike(body.id_token as string, overrides)),
    }));

  it('an ID token for another client (aud) is refused', async () => {
    const { login, attempt, callback } = await start({ fetch: forged({ aud: 'other-client' }) });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'aud',
    });
  });

  it('several audiences: azp naming another client is refused, and so is a missing azp', async () => {
    const a = await start({ fetch: forged({ aud: ['web', 'other-client'], azp: 'other-client' }) });
    await expect(a.login.handleCallback(a.callback, a.attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'azp',
    });
    const b = await start({ fetch: forged({ aud: ['web', 'other-client'], azp: undefined }) });
    await expect(b.login.handleCallback(b.callback, b.attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'aud',
    });
    // The same with azp = this client is accepted.
    const c = await start({ fetch: forged({ aud: ['web', 'other-client'], azp: 'web' }) });
    expect((await c.login.handleCallback(c.callback, c.attempt)).identity.subject).toBe('alice');
  });

  it('auth_time too old for max_age is refused', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600;
    const { login, attempt, callback } = await start({ fetch: forged({ auth_time: old }) }, { maxAge: 60 });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'auth_time',
    });
  });

  it('at_hash that does not match the access token is refused (swapped access token)', async () => {
    const fetch = editingFetch(async (body) => ({
      ...body,
      id_token: await idp.signJwt(claimsLike(body.id_token as string, { at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' })),
    }));
    const { login, attempt, callback } = await start({ fetch });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'at_hash',
    });
  });

  it('a matching at_hash passes (oidc-provider sends none from the token endpoint: added here)', async () => {
    const fetch = editingFetch(async (body) => {
      const digest = createHash('sha256')
        .update(body.access_token as string)
        .digest();
      const atHash = digest.subarray(0, 16).toString('base64url');
      return {
        ...body,
        id_token: await idp.signJwt(claimsLike(body.id_token as string, { at_hash: atHash })),
      };
    });
    const { login, attempt, callback } = await start({ fetch });
    const session = await login.handleCallback(callback, attempt);
    expect((session.identity.claims as Json).at_hash).toEqual(expect.any(String));
  });

  it('max_age sent but no auth_time in the ID token is refused', async () => {
    const { login, attempt, callback } = await start(
      { fetch: forged({ auth_time: undefined }) },
      { maxAge: 60 },
    );
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'auth_time',
    });
  });

  it('c_hash that does not match the code is refused', async () => {
    const { login, attempt, callback } = await start({ fetch: forged({ c_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }) });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
      claim: 'c_hash',
    });
  });

  it('an ID token signed by a key outside the JWKS is refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const fetch = editingFetch(async (body) => ({
      ...body,
      id_token: await new SignJWT(claimsLike(body.id_token as string, {}))
        .setProtectedHeader({ alg: 'RS256', kid: idp.signingKid })
        .sign(privateKey),
    }));
    const { login, attempt, callback } = await start({ fetch });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN',
    });
  });

  it('an ID token in place of the access token is refused (one kind rule for both paths)', async () => {
    const fetch = editingFetch((body) => ({ ...body, access_token: body.id_token }));
    const { login, attempt, callback } = await start({ fetch });
    await expect(login.handleCallback(callback, attempt)).rejects.toBeInstanceOf(IdTokenError);
  });

  it('an access token (typ at+jwt) in place of the ID token is refused', async () => {
    const fetch = editingFetch(async (body) => ({
      ...body,
      id_token: await idp.signJwt(claimsLike(body.id_token as string, {}), { typ: 'at+jwt' }),
    }));
    const { login, attempt, callback } = await start({ fetch });
    await expect(login.handleCallback(callback, attempt)).rejects.toMatchObject({ claim: 'typ' });
  });

  it('a callback naming another issuer (RFC 9207 iss) is refused, and so is one without iss', async () => {
    const { login, attempt, callback } = await start();
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    const wrong = new URL(callback);
    wrong.searchParams.set('iss', 'https://evil.test');
    await expect(login.handleCallback(wrong, attempt)).rejects.toBeInstanceOf(CallbackError);
    const none = new URL(callback);
    none.searchParams.delete('iss');
    await expect(login.handleCallback(none, attempt)).rejects.toBeInstanceOf(CallbackError);
  });

  it('prompt=none without an IdP session ends in InteractionRequiredError (login_required)', async () => {
    const { login, attempt, callback } = await start({}, { prompt: 'none' });
    const error = await login.handleCallback(callback, attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredError);
    expect(error).toMatchObject({
      code: 'ERR_AUTH_LOGIN_INTERACTION_REQUIRED',
      oauthError: 'login_required',
    });
  });

  it('access_denied and other error responses map to typed errors; a forged one fails on state first', async () => {
    const login = loginFor(idp, 'web', backend);
    const attempt = await login.createAuthorizationUrl();
    const cb = new URL(REDIRECT);
    cb.search = new URLSearchParams({
      error: 'access_denied',
      state: attempt.state,
      iss: idp.issuer,
    }).toString();
    await expect(login.handleCallback(cb, attempt)).rejects.toSatisfy(
      (e) =>
        e instanceof AccessDeniedError && (e as AccessDeniedError).code === 'ERR_AUTH_LOGIN_ACCESS_DENIED',
    );
    cb.searchParams.set('error', 'invalid_scope');
    await expect(login.handleCallback(cb, attempt)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_REJECTED',
      oauthError: 'invalid_scope',
    });
    cb.searchParams.set('error', 'evil"<script>');
    const odd = (await login.handleCallback(cb, attempt).catch((e: unknown) => e)) as Error;
    expect(odd.message).not.toContain('<script>');
    cb.searchParams.set('state', 'forged-state-value-0000000000');
    await expect(login.handleCallback(cb, attempt)).rejects.toBeInstanceOf(StateMismatchError);
  });

  it('no error message or cause carries a token, a code or the state', async () => {
    const { login, attempt, callback } = await start({ fetch: forged({ aud: 'other-client' }) });
    const error = (await login.handleCallback(callback, attempt).catch((e: unknown) => e)) as Error;
    const text = JSON.stringify(error) + String(error.stack) + chain(error);
    expect(text).not.toContain(callback.searchParams.get('code') as string);
    expect(text).not.toContain(attempt.nonce);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });
});

function chain(error: unknown): string {
  let out = '';
  for (let e = error as { cause?: unknown; message?: string } | undefined, i = 0; e && i < 10; i++) {
    out += ` ${e.message} ${JSON.stringify(e)}`;
    e = e.cause as typeof e;
  }
  return out;
}
