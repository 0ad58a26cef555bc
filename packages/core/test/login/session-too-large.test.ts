/**
 * A session that does not fit into the cookie store's 10 chunks is a typed error with a stable code
 * (SessionTooLargeError, ERR_AUTH_SESSION_TOO_LARGE), never a plain RangeError; one that fits is
 * written in chunks.
 */
import { describe, expect, it } from 'vitest';
import {
  cookieSessionStore,
  cookieSettings,
  createSealer,
  type SessionData,
  SessionTooLargeError,
} from '../../src/login/index.ts';
import { isAuthError } from '../../src/errors.ts';
import { KEY_1 } from './login-fixtures.ts';

const store = cookieSessionStore({
  sealer: createSealer([KEY_1]),
  settings: cookieSettings('https://app.example'),
  name: '__Host-session',
});

/** Session data whose claims carry `bytes` of incompressible-looking text. */
function dataOf(bytes: number): SessionData {
  let filler = '';
  for (let i = 0; filler.length < bytes; i++) filler += `${(i * 2654435761) % 1e9}`;
  return {
    v: 1,
    issuer: 'https://id.example',
    clientId: 'web',
    claims: { sub: 'alice', filler: filler.slice(0, bytes) },
    tokens: {
      accessToken: 'at',
      tokenType: 'bearer',
      expiresAtMs: Date.now() + 60_000,
      obtainedAtMs: Date.now(),
    },
    createdAt: Date.now(),
  };
}

describe('cookie session store: size bound', () => {
  it('a session of ~20 KB is written in chunks', async () => {
    const lines = await store.write(dataOf(20_000), undefined);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => /^__Host-session\.\d=/.test(l))).toBe(true);
  });

  it('a session past 10 chunks is a SessionTooLargeError (ERR_AUTH_SESSION_TOO_LARGE), not a RangeError', async () => {
    const error = await store.write(dataOf(60_000), undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionTooLargeError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_AUTH_SESSION_TOO_LARGE', name: 'SessionTooLargeError' });
    expect((error as Error).message).toBe('The session is too large for cookies: use a server-side store');
  });
});
