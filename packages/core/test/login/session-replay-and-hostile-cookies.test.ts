/**
 * Sessions and login-state cookies under an attacker's hand, without an IdP: replay after logout in
 * the server-side store, a login-state cookie moved to another attempt or kept past its timeout,
 * chunks swapped between sessions, retired keys, and hostile `Cookie` headers.
 */
import { describe, expect, it } from 'vitest';
import {
  cookieSettings,
  createWebLogin,
  type MemorySessionStore,
  memorySessionStore,
  type SessionData,
  type WebLoginConfig,
} from '../../src/login/index.ts';
import { cookieHeader } from './idp-browser.ts';
import { KEY_1, KEY_2 } from './login-fixtures.ts';

const T0 = Date.UTC(2026, 0, 1);

function data(sub = 'alice', extra: Record<string, unknown> = {}, createdAt = T0): SessionData {
  return {
    v: 1,
    issuer: 'https://id.example',
    clientId: 'app',
    claims: { iss: 'https://id.example', sub, aud: 'app', sid: `sid-${sub}`, ...extra },
    tokens: {
      accessToken: `at-${sub}`,
      tokenType: 'bearer',
      expiresAtMs: createdAt + 3_600_000,
      obtainedAtMs: createdAt,
      refreshToken: `rt-${sub}`,
      subject: sub,
    },
    createdAt,
  };
}

const DISCOVERY = {
  issuer: 'https://id.example',
  authorization_endpoint: 'https://id.example/auth',
  token_endpoint: 'https://id.example/token',
  jwks_uri: 'https://id.example/jwks',
  response_types_supported: ['code'],
  code_challenge_methods_supported: ['S256'],
};

function makeLogin(extra: Partial<WebLoginConfig> = {}, now = { t: T0 }) {
  return createWebLogin({
    issuer: 'https://id.example',
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: 'http://127.0.0.1:3000/callback',
    cookieKeys: [KEY_1],
    clock: () => now.t,
    fetch: async () => Response.json(DISCOVERY),
    ...extra,
  });
}

describe('replay after logout in the server-side store', () => {
  it('saving a session that was logged out does not bring it back', async () => {
    const login = makeLogin({ store: 'memory' });
    const header = cookieHeader(await login.store.write(data()));
    const session = await login.getSession(header);
    expect(session).toBeDefined();
    await login.store.destroy(header);
    // A request that loaded the session before the logout finishes (e.g. after a refresh).
    const again = await login.saveSession(session!, header);
    expect(await login.getSession(cookieHeader(again, header))).toBeUndefined();
    expect(login.store.write).toBeDefined();
    expect((login.store as MemorySessionStore).size).toBe(0);
  });

  it('saving a session ended by back-channel logout does not bring it back, with or without its cookie', async () => {
    const login = makeLogin({ store: 'memory' });
    const header = cookieHeader(await login.store.write(data()));
    const session = (await login.getSession(header))!;
    expect(await login.store.endSessions?.({ sid: 'sid-alice' })).toBe(1);
    // The in-flight request refreshed meanwhile, and its new ID token carries no sid.
    const refreshed = login.restore({ ...session.data, claims: { ...session.data.claims, sid: undefined } });
    for (const [s, h] of [
      [session, header],
      [session, undefined],
      [refreshed, header],
    ] as const) {
      const again = await login.saveSession(s, h);
      expect(await login.getSession(cookieHeader(again, h ?? ''))).toBeUndefined();
    }
    expect((login.store as MemorySessionStore).size).toBe(0);
    // A new login of the same user is a new session and works.
    const fresh = cookieHeader(await login.store.write(data('alice', {}, T0 + 1)));
    expect(await login.getSession(fresh)).toBeDefined();
  });
});

describe('replay after logout in the sealed-cookie store (documented limit)', () => {
  it('a copy taken before logout stays a session until its idle lifetime, then not', async () => {
    const now = { t: T0 };
    const login = makeLogin({ idleLifetimeSeconds: 600 }, now);
    const header = cookieHeader(await login.store.write(data()));
    const cleared = await login.store.destroy(header);
    expect(cookieHeader(cleared, header)).toBe('');
    expect(await login.getSession(header)).toBeDefined();
    now.t += 600_000;
    expect(await login.getSession(header)).toBeUndefined();
  });
});

describe('login-state cookie', () => {
  it('is refused for another attempt, and after its timeout', async () => {
    const now = { t: T0 };
    const login = makeLogin({ loginTimeoutSeconds: 60 }, now);
    const a = await login.startLogin();
    const b = await login.startLogin();
    const stateA = a.url.searchParams.get('state')!;
    const stateB = b.url.searchParams.get('state')!;
    const cookieA = a.setCookie[0]!.split(';', 1)[0]!;
    const valueA = cookieA.slice(cookieA.indexOf('=') + 1);
    const nameB = b.setCookie[0]!.split('=', 1)[0]!;
    // A's sealed state under B's cookie name, answered with B's state: refused before any exchange.
    await expect(
      login.finishLogin(`http://127.0.0.1:3000/callback?code=c&state=${stateB}`, `${nameB}=${valueA}`),
    ).rejects.toMatchObject({ code: 'ERR_AUTH_LOGIN_STATE_MISMATCH' });
    now.t += 60_000;
    await expect(
      login.finishLogin(`http://127.0.0.1:3000/callback?code=c&state=${stateA}`, cookieA),
    ).rejects.toMatchObject({ code: 'ERR_AUTH_LOGIN_STATE_MISMATCH' });
  });

  it('a browser sent to the login route again and again keeps a bounded Cookie header (cookie bomb)', async () => {
    const login = makeLogin();
    let jar = '';
    for (let i = 0; i < 30; i++) {
      const { setCookie } = await login.startLogin({ returnTo: `/${'x'.repeat(2000)}` }, jar);
      jar = cookieHeader(setCookie, jar);
    }
    const pending = jar.split('; ').filter((c) => c.startsWith('session-login.'));
    expect(pending.length).toBeLessThanOrEqual(3);
    expect(jar.length).toBeLessThan(10_000);
  });

  it('two and three tabs logging in at once keep their attempts', async () => {
    const login = makeLogin();
    let jar = '';
    for (let i = 0; i < 3; i++) jar = cookieHeader((await login.startLogin({}, jar)).setCookie, jar);
    expect(jar.split('; ').filter((c) => c.startsWith('session-login.'))).toHaveLength(3);
  });

  it('a sealed login state is never accepted as a session cookie', async () => {
    const login = makeLogin();
    const { setCookie } = await login.startLogin();
    const value = setCookie[0]!.split(';', 1)[0]!.split('=').slice(1).join('=');
    expect(await login.getSession(`session=${value}`)).toBeUndefined();
  });
});

describe('sealed session cookie under attack', () => {
  it('a chunk swapped in from another session is refused', async () => {
    const login = makeLogin();
    const big = (sub: string) => data(sub, { blob: 'x'.repeat(6000) });
    const a = cookieHeader(await login.store.write(big('alice')));
    const m = cookieHeader(await login.store.write(big('mallory')));
    expect(a).toContain('session.1=');
    const jar = (h: string) =>
      new Map(h.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    const ja = jar(a);
    const jm = jar(m);
    const mixed = `session.0=${jm.get('session.0')}; session.1=${ja.get('session.1')}`;
    expect(await login.getSession(mixed)).toBeUndefined();
  });

  it('a cookie sealed with a key removed from the list no longer opens', async () => {
    const old = makeLogin({ cookieKeys: [KEY_2, KEY_1] });
    const header = cookieHeader(await old.store.write(data()));
    expect(await makeLogin({ cookieKeys: [KEY_1, KEY_2] }).getSession(header)).toBeDefined();
    expect(await makeLogin({ cookieKeys: [KEY_1] }).getSession(header)).toBeUndefined();
  });

  it.each([
    ['non-base64', 'session=k1.!!!!.????'],
    ['empty parts', 'session=..'],
    ['only a kid', 'session=k1'],
    ['quoted junk', 'session="k1.a.b"'],
    ['prototype names', '__proto__=1; constructor=2; session.0=k1.AAAAAAAAAAAAAAAA'],
    ['many chunks', Array.from({ length: 5000 }, (_, i) => `session.${i}=AAAA`).join('; ')],
    ['huge header', `session=${'A'.repeat(1_000_000)}`],
    ['no equals', ';;;;=;=x;session'],
  ])('a hostile Cookie header (%s) is no session, never a crash', async (_name, header) => {
    for (const store of ['cookie', 'memory'] as const) {
      const login = makeLogin({ store });
      await expect(login.getSession(header)).resolves.toBeUndefined();
      await expect(login.store.destroy(header)).resolves.toBeInstanceOf(Array);
    }
  });

  it('destroy clears at most the chunks a session can have, whatever the request sent', async () => {
    const login = makeLogin();
    const header = Array.from({ length: 5000 }, (_, i) => `session.${i}=AAAA`).join('; ');
    const out = await login.store.destroy(header);
    expect(out.length).toBeLessThanOrEqual(11);
  });
});

describe('ended-login memory of the server-side store', () => {
  it('is bounded by maxSessions and never blocks a new login', async () => {
    const store = memorySessionStore({
      settings: cookieSettings('http://127.0.0.1:3000/callback'),
      name: 'session',
      maxSessions: 2,
      clock: () => T0,
    });
    const login = makeLogin({ store });
    const sessions = [];
    for (let i = 0; i < 5; i++) {
      const header = cookieHeader(await login.store.write(data(`u${i}`)));
      sessions.push({ header, session: (await login.getSession(header))! });
      await login.store.destroy(header);
    }
    // The two most recently ended stay ended.
    for (const { header, session } of sessions.slice(3)) {
      expect(
        await login.getSession(cookieHeader(await login.saveSession(session, header), header)),
      ).toBeUndefined();
    }
    const fresh = cookieHeader(await login.store.write(data('u0', {}, T0 + 5)));
    expect(await login.getSession(fresh)).toBeDefined();
  });
});
