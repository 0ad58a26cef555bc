/**
 * Back-channel logout (OIDC Back-Channel Logout 1.0): logout tokens signed with the dev IdP's key are
 * verified (typ, events, sid/sub, no nonce, audience, replay) and end the matching server-side
 * sessions. Once per signature backend.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError } from '../../src/login/index.ts';
import { cookieHeader } from './idp-browser.ts';
import { BACKENDS, loginFor, loginThroughIdp } from './login-fixtures.ts';

let idp: DevIdp;
// The app's back-channel logout endpoint, which the IdP calls: routed to the test's current login.
let receiver: ((body: string) => Promise<void>) | undefined;
const received: string[] = [];
const rp = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString();
  });
  req.on('end', () => {
    received.push(req.url ?? '');
    (receiver ? receiver(body) : Promise.resolve()).then(
      () => res.writeHead(200, { 'cache-control': 'no-store' }).end(),
      () => res.writeHead(400).end(),
    );
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  const { port } = rp.address() as AddressInfo;
  idp = await startDevIdp({ port: 0, backchannelLogoutUri: `http://127.0.0.1:${port}/backchannel-logout` });
});
afterAll(async () => {
  await idp?.stop();
  rp.close();
});

const now = () => Math.floor(Date.now() / 1000);

function logoutClaims(overrides: Record<string, unknown> = {}) {
  return {
    iss: idp.issuer,
    aud: 'web',
    iat: now(),
    exp: now() + 120,
    jti: randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sub: 'alice',
    ...overrides,
  };
}

const sign = (overrides: Record<string, unknown> = {}, typ = 'logout+jwt') =>
  idp.signJwt(logoutClaims(overrides), { typ });

describe.each(BACKENDS)('back-channel logout (%s backend)', (_name, backend) => {
  it('ends the server-side sessions of the provider session (sid)', async () => {
    const login = loginFor(idp, 'web', backend, { store: 'memory' });
    const one = await loginThroughIdp(login);
    const a = await login.finishLogin(one.callback, cookieHeader(one.started.setCookie));
    const two = await loginThroughIdp(login);
    const b = await login.finishLogin(two.callback, cookieHeader(two.started.setCookie));
    expect(a.session.sid).toEqual(expect.any(String));
    expect(a.session.sid).not.toBe(b.session.sid);

    const body = new URLSearchParams({ logout_token: await sign({ sid: a.session.sid, sub: undefined }) });
    const result = await login.handleBackchannelLogout(body.toString());
    expect(result).toMatchObject({ ended: 1, request: { sid: a.session.sid } });
    expect(await login.getSession(cookieHeader(a.setCookie))).toBeUndefined();
    expect(await login.getSession(cookieHeader(b.setCookie))).toBeDefined();

    // by subject: every session of alice
    await login.handleBackchannelLogout(new URLSearchParams({ logout_token: await sign() }));
    expect(await login.getSession(cookieHeader(b.setCookie))).toBeUndefined();
  });

  it('end to end: logging out at the IdP sends a logout token that ends the app session', async () => {
    const login = loginFor(idp, 'web', backend, { store: 'memory' });
    const { started, callback, browser } = await loginThroughIdp(login);
    const done = await login.finishLogin(callback, cookieHeader(started.setCookie));
    const jar = cookieHeader(done.setCookie);
    let ended = -1;
    receiver = async (body) => {
      ended = (await login.handleBackchannelLogout(body)).ended;
    };
    try {
      const { url } = await login.logout(undefined, { postLogoutRedirectUri: 'http://127.0.0.1:8080/' });
      url?.searchParams.set('id_token_hint', done.session.tokens.idToken as string);
      // The IdP's confirmation form, then "Yes, sign me out".
      const page = await fetch(url as URL, { headers: { cookie: browser.header() } });
      browser.store(page);
      const html = await page.text();
      const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      expect(action && xsrf).toBeTruthy();
      const confirm = await fetch(new URL(action as string, idp.issuer), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: browser.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ xsrf: xsrf as string, logout: 'yes' }),
      });
      expect(confirm.status).toBe(303);
      expect(received.at(-1)).toBe('/backchannel-logout');
      expect(ended).toBe(1);
      expect(await login.getSession(jar)).toBeUndefined();
    } finally {
      receiver = undefined;
    }
  });

  it.each([
    ['a nonce', () => sign({ nonce: 'n' })],
    ['no events claim', () => sign({ events: undefined })],
    ['another event', () => sign({ events: { 'https://example.test/other': {} } })],
    ['neither sid nor sub', () => sign({ sub: undefined, sid: undefined })],
    ['another audience', () => sign({ aud: 'other-client' })],
    ['another issuer', () => sign({ iss: 'https://evil.test' })],
    ['no jti', () => sign({ jti: undefined })],
    ['expired', () => sign({ iat: now() - 600, exp: now() - 300 })],
    ['typ JWT (an ID token)', () => sign({}, 'JWT')],
    ['no typ', () => idp.signJwt(logoutClaims())],
    [
      'a key outside the JWKS',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT(logoutClaims())
          .setProtectedHeader({ alg: 'RS256', kid: idp.signingKid, typ: 'logout+jwt' })
          .sign(privateKey);
      },
    ],
    ['not a JWT', async () => 'not-a-token'],
  ])('refuses a logout token with %s', async (_case, make) => {
    const login = loginFor(idp, 'web', backend, { store: 'memory' });
    const error = await login.verifyLogoutToken(await make()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogoutTokenError);
    expect(error).toMatchObject({ code: 'ERR_AUTH_LOGIN_INVALID_LOGOUT_TOKEN', status: 400 });
  });

  it('refuses a replayed logout token, and an empty body', async () => {
    const login = loginFor(idp, 'web', backend, { store: 'memory' });
    const token = await sign();
    await expect(login.verifyLogoutToken(token)).resolves.toMatchObject({ sub: 'alice' });
    await expect(login.verifyLogoutToken(token)).rejects.toBeInstanceOf(LogoutTokenError);
    await expect(login.handleBackchannelLogout('')).rejects.toBeInstanceOf(LogoutTokenError);
  });
});
