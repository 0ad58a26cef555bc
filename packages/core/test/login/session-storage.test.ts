/**
 * Session storage without an IdP: sealed cookies (attributes, prefix, chunking, key rotation,
 * tampering, truncation, retired keys, lifetimes), the server-side memory store, the login-state
 * cookie, and same-origin return-to values.
 */
import { describe, expect, it } from 'vitest';
import {
  createSealer,
  createWebLogin,
  parseCookies,
  safeReturnTo,
  serializeCookie,
  type SessionData,
  type WebLoginConfig,
} from '../../src/login/index.ts';
import { cookieHeader } from './idp-browser.ts';
import { KEY_1, KEY_2 } from './login-fixtures.ts';

const T0 = Date.UTC(2026, 0, 1);

function data(extraClaims: Record<string, unknown> = {}, createdAt = T0): SessionData {
  return {
    v: 1,
    issuer: 'https://id.example',
    clientId: 'app',
    claims: { iss: 'https://id.example', sub: 'alice', aud: 'app', sid: 'sid-1', ...extraClaims },
    tokens: {
      accessToken: 'at',
      tokenType: 'bearer',
      expiresAtMs: createdAt + 3_600_000,
      obtainedAtMs: createdAt,
      refreshToken: 'rt',
      subject: 'alice',
      scope: 'openid projects:read',
    },
    createdAt,
  };
}

function makeLogin(extra: Partial<WebLoginConfig> = {}, now = { t: T0 }) {
  return createWebLogin({
    issuer: 'https://id.example',
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: 'http://127.0.0.1:3000/callback',
    cookieKeys: [KEY_1],
    clock: () => now.t,
    ...extra,
  });
}

describe('sealed session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/, without Secure on loopback http', async () => {
    const login = makeLogin();
    const [cookie] = await login.store.write(data());
    expect(cookie).toMatch(/^session=k1\.[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
  });

  it('is Secure with the __Host- prefix on https, and plain-named with a Domain', async () => {
    const https = makeLogin({ redirectUri: 'https://app.example/callback' });
    const [cookie] = await https.store.write(data());
    expect(cookie).toMatch(/^__Host-session=.*; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=\d+$/);
    expect((await https.getSession(cookieHeader([cookie as string])))?.identity.subject).toBe('alice');
    const shared = makeLogin({ redirectUri: 'https://app.example/callback', cookie: { domain: 'example' } });
    expect((await shared.store.write(data()))[0]).toMatch(/^session=.*; Secure; Domain=example;/);
  });

  it('refuses setups that cannot be safe (TypeError)', () => {
    expect(() => makeLogin({ redirectUri: 'http://app.example/callback' })).toThrow(TypeError);
    expect(() => makeLogin({ cookieKeys: [{ id: 'k', secret: 'short' }] })).toThrow(/32 bytes/);
    expect(() => makeLogin({ cookieKeys: [] })).toThrow(TypeError);
    expect(() => makeLogin({ cookie: { sameSite: 'None' } })).toThrow(/Secure/);
    expect(() => makeLogin({ unknownOption: 1 } as Partial<WebLoginConfig>)).toThrow(/unknownOption/);
  });

  it('round-trips and never shows the tokens in clear', async () => {
    const login = makeLogin();
    const setCookie = await login.store.write(data());
    expect(setCookie.join()).not.toContain('"rt"');
    const session = await login.getSession(cookieHeader(setCookie));
    expect(session?.tokens.refreshToken).toBe('rt');
    expect(session?.hasAccessIn('org_1', 'read', 'projects')).toBe(false);
    expect(session?.hasAccess('read', 'projects')).toBe(true);
  });

  it('chunks a session past ~4 KB, reads it back, and clears stale chunks when it shrinks', async () => {
    const login = makeLogin();
    const big = data({ blob: 'x'.repeat(9000) });
    const setCookie = await login.store.write(big);
    expect(setCookie.map((c) => c.split('=')[0])).toEqual([
      'session.0',
      'session.1',
      'session.2',
      'session.3',
    ]);
    for (const c of setCookie) expect(c.length).toBeLessThan(4096);
    const jar = cookieHeader(setCookie);
    expect((await login.getSession(jar))?.identity.claims).toMatchObject({ blob: 'x'.repeat(9000) });
    const smaller = await login.store.write(data(), jar);
    expect(smaller.map((c) => c.split(';')[0])).toEqual([
      expect.stringMatching(/^session=k1\./),
      'session.0=',
      'session.1=',
      'session.2=',
      'session.3=',
    ]);
    expect((await login.getSession(cookieHeader(smaller, jar)))?.identity.subject).toBe('alice');
  });

  it('a tampered or truncated cookie is no session (no error, no crash)', async () => {
    const login = makeLogin();
    const [cookie] = await login.store.write(data());
    const value = parseCookies((cookie as string).split(';')[0]).get('session') as string;
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [
      flip(value, value.length - 5), // ciphertext / tag
      flip(value, 5), // iv
      value.slice(0, -10), // truncated
      value.slice(0, value.lastIndexOf('.')), // a part missing
      `k1.${'A'.repeat(16)}.${'A'.repeat(40)}`,
      'not-a-cookie',
      '',
      `${value}.extra`,
    ]) {
      expect(await login.getSession(`session=${bad}`)).toBeUndefined();
    }
    // a truncated chunk list
    const big = await login.store.write(data({ blob: 'y'.repeat(9000) }));
    expect(await login.getSession(cookieHeader(big.slice(0, 2)))).toBeUndefined();
  });

  it('rotates keys: an old key still opens, a retired key does not', async () => {
    const before = makeLogin({ cookieKeys: [KEY_1] });
    const jar = cookieHeader(await before.store.write(data()));
    const rotating = makeLogin({ cookieKeys: [KEY_2, KEY_1] });
    const session = await rotating.getSession(jar);
    expect(session?.identity.subject).toBe('alice');
    const rewritten = await rotating.saveSession(session as never, jar);
    expect(rewritten[0]).toMatch(/^session=k2\./);
    const retired = makeLogin({ cookieKeys: [KEY_2] });
    expect(await retired.getSession(jar)).toBeUndefined();
    expect((await retired.getSession(cookieHeader(rewritten)))?.identity.subject).toBe('alice');
    // the same id with another secret is a different key: nothing opens
    const impostor = makeLogin({ cookieKeys: [{ id: 'k1', secret: KEY_2.secret }] });
    expect(await impostor.getSession(jar)).toBeUndefined();
  });

  it('ends at the absolute lifetime and after the idle lifetime; a write slides the idle window', async () => {
    const now = { t: T0 };
    const login = makeLogin({ absoluteLifetimeSeconds: 3600, idleLifetimeSeconds: 600 }, now);
    let jar = cookieHeader(await login.store.write(data()));
    now.t = T0 + 500_000;
    expect(await login.getSession(jar)).toBeDefined();
    jar = cookieHeader(await login.store.write(data()), jar); // touch
    now.t = T0 + 1_000_000; // 500 s after the touch, 1000 s after login
    expect(await login.getSession(jar)).toBeDefined();
    now.t = T0 + 1_200_000; // 700 s idle
    expect(await login.getSession(jar)).toBeUndefined();
    for (let t = T0 + 500_000; t < T0 + 3_600_000; t += 500_000) {
      now.t = t;
      jar = cookieHeader(await login.store.write(data()), jar);
    }
    now.t = T0 + 3_600_000; // absolute lifetime reached, though touched 100 s ago
    expect(await login.getSession(jar)).toBeUndefined();
    expect(await login.store.write(data(), jar)).toEqual([expect.stringMatching(/^session=; .*Max-Age=0/)]);
  });

  it('a login-state cookie cannot stand in for the session cookie (purpose-bound sealing)', async () => {
    const login = makeLogin();
    const sealer = createSealer([KEY_1]);
    const asState = await sealer.seal('login:abc', JSON.stringify({ d: data(), t: T0 }));
    expect(await login.getSession(`session=${asState}`)).toBeUndefined();
    const asSession = await sealer.seal('session', JSON.stringify({ d: data(), t: T0 }));
    expect((await login.getSession(`session=${asSession}`))?.identity.subject).toBe('alice');
  });
});

describe('server-side memory store', () => {
  it('keeps only an opaque id in the cookie, and a new login gets a new id', async () => {
    const login = makeLogin({ store: 'memory' });
    const first = await login.store.write(data());
    const value = parseCookies((first[0] as string).split(';')[0]).get('session') as string;
    expect(value).toMatch(/^[\w-]{43}$/);
    expect((await login.getSession(cookieHeader(first)))?.tokens.refreshToken).toBe('rt');
    // a refresh keeps the id
    expect(await login.store.write(data(), cookieHeader(first))).toEqual(first);
    // a forged or unknown id is no session
    expect(await login.getSession(`session=${'A'.repeat(43)}`)).toBeUndefined();
    expect(await login.getSession('session=../../etc')).toBeUndefined();
  });

  it('ends sessions by sid or by sub (back-channel logout, log out everywhere)', async () => {
    const login = makeLogin({ store: 'memory' });
    const a = cookieHeader(await login.store.write(data({ sid: 'sid-a' })));
    const b = cookieHeader(await login.store.write(data({ sid: 'sid-b' })));
    const bob = cookieHeader(await login.store.write({ ...data({ sub: 'bob', sid: 'sid-c' }) }));
    const end = login.store.endSessions?.bind(login.store);
    expect(await end?.({ sid: 'sid-a' })).toBe(1);
    expect(await login.getSession(a)).toBeUndefined();
    expect(await login.getSession(b)).toBeDefined();
    expect(await end?.({ sub: 'alice' })).toBe(1);
    expect(await login.getSession(b)).toBeUndefined();
    expect(await login.getSession(bob)).toBeDefined();
    expect(await end?.({})).toBe(0);
  });

  it('destroys on logout and honours lifetimes', async () => {
    const now = { t: T0 };
    const login = makeLogin({ store: 'memory', idleLifetimeSeconds: 60 }, now);
    const jar = cookieHeader(await login.store.write(data()));
    now.t += 61_000;
    expect(await login.getSession(jar)).toBeUndefined();
    const jar2 = cookieHeader(await login.store.write(data({}, now.t)));
    expect(await login.store.destroy(jar2)).toEqual([expect.stringMatching(/^session=; .*Max-Age=0/)]);
    expect(await login.getSession(jar2)).toBeUndefined();
  });
});

describe('authorization request options are checked before any network call', () => {
  it('refuses protocol parameters in extraParams and a bad maxAge (TypeError)', async () => {
    const login = makeLogin({ fetch: () => Promise.reject(new Error('no network in this test')) });
    await expect(login.createAuthorizationUrl({ extraParams: { state: 'x' } })).rejects.toThrow(TypeError);
    await expect(
      login.createAuthorizationUrl({ extraParams: { code_challenge_method: 'plain' } }),
    ).rejects.toThrow(TypeError);
    await expect(login.createAuthorizationUrl({ maxAge: -1 })).rejects.toThrow(TypeError);
    await expect(login.createAuthorizationUrl({ maxAge: 1.5 })).rejects.toThrow(TypeError);
  });

  it('refuses a misspelt option and a non-URL issuer at setup', () => {
    expect(() => makeLogin({ redirectUrl: 'x' } as Partial<WebLoginConfig>)).toThrow(/redirectUrl/);
    expect(() => makeLogin({ issuer: 'not a url' })).toThrow(TypeError);
    expect(() => makeLogin({ clientAuth: 'private_key_jwt' })).toThrow(/privateKey/);
    expect(() => makeLogin({ onRefresh: 'no' as never })).toThrow(TypeError);
  });

  it('refuses a renamed duration option and names the new one (units in names)', () => {
    for (const [old, name] of [
      ['refreshBuffer', 'refreshBufferSeconds'],
      ['refreshJitter', 'refreshJitterSeconds'],
      ['absoluteLifetime', 'absoluteLifetimeSeconds'],
      ['idleLifetime', 'idleLifetimeSeconds'],
      ['loginTimeout', 'loginTimeoutSeconds'],
    ]) {
      expect(() => makeLogin({ [old as string]: 30 } as Partial<WebLoginConfig>)).toThrow(
        new TypeError(`Unknown web login option "${old}" (did you mean "${name}"?)`),
      );
    }
    expect(() => makeLogin({ refreshBufferSeconds: 30, refreshJitterSeconds: 5 })).not.toThrow();
  });
});

describe('cookie helpers', () => {
  it('parse a Cookie header the way browsers send it; the first of a repeated name wins', () => {
    expect([...parseCookies('a=1; b="2"; a=3;; c')]).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies(['a=1', 'b=2']).get('b')).toBe('2');
  });

  it('refuse values a cookie cannot carry', () => {
    const settings = { secure: true, path: '/', sameSite: 'Lax' as const };
    expect(() => serializeCookie('a', 'x;y', settings)).toThrow(TypeError);
    expect(() => serializeCookie('a b', 'x', settings)).toThrow(TypeError);
  });
});

describe('return-to is same-origin only', () => {
  const origin = 'https://app.example';
  it.each([
    '//evil.test',
    '//evil.test/path',
    'https:evil.test',
    'https://evil.test/',
    '/\\evil.test',
    '\\\\evil.test',
    '/%2F%2Fevil.test',
    '%2F%2Fevil.test',
    '/%5Cevil.test',
    '/%252F%252Fevil.test',
    '%2f%2fevil.test',
    'javascript:alert(1)',
    '/\t/evil.test',
    '/\n/evil.test',
    ' //evil.test',
    'evil.test',
    '',
    '/%zz',
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value, origin)).toBe('/');
  });

  it('keeps same-origin paths with query and fragment', () => {
    expect(safeReturnTo('/projects?id=1#top', origin)).toBe('/projects?id=1#top');
    expect(safeReturnTo('/a/../b', origin)).toBe('/b');
    expect(safeReturnTo(undefined, origin, '/home')).toBe('/home');
  });
});
