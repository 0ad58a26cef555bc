/**
 * `withRealm` on an error already moved to a realm (its own read-only `realm`) must copy it again, not
 * throw: `oneOfAuthenticators` re-tags the errors of authenticators in other realms, and a TypeError there
 * replaced the real answer (a 503, a 400) with a generic 401.
 */
import { describe, expect, it } from 'vitest';
import { oneOfAuthenticators } from '../src/authenticate.ts';
import type { Authenticator } from '../src/authenticator.ts';
import { type AuthError, InvalidRequestError, UnavailableError } from '../src/errors.ts';
import type { RequestLike } from '../src/types.ts';

function failing(realm: string, header: string, error: AuthError): Authenticator {
  return {
    realm,
    hasCredentials: (req) => (req.headers as Record<string, string | undefined>)[header] !== undefined,
    authenticate: async () => {
      throw error.withRealm(realm);
    },
    close() {},
  };
}

describe('realm re-tagging', () => {
  it('an error moved to one realm moves to another (a copy), the original unchanged', () => {
    const inA = new InvalidRequestError('bad').withRealm('a');
    const inB = inA.withRealm('b');
    expect([inA.realm, inB.realm, inB.code, inB.message]).toEqual(['a', 'b', inA.code, 'bad']);
    expect(inB.headers['www-authenticate']).toContain('realm="b"');
  });

  it('oneOfAuthenticators keeps the inner answer (503) when the inner realm differs', async () => {
    const unavailable = new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', 'store down', {
      retryAfterSeconds: 5,
    });
    const any = oneOfAuthenticators(
      failing('outer', 'authorization', new InvalidRequestError('no')),
      failing('keys', 'x-api-key', unavailable),
    );
    const rejected = (await any
      .authenticate({ headers: { 'x-api-key': 'k' } } as unknown as RequestLike)
      .catch((e: unknown) => e)) as AuthError;
    expect([rejected.status, rejected.code, rejected.realm]).toEqual([
      503,
      'ERR_AUTH_SECRET_STORE_UNAVAILABLE',
      'outer',
    ]);
  });
});
