/**
 * A `customCheck` that answers `false` (a revocation check written as a predicate,
 * `(p) => !revoked.has(p.claims.jti)`) rejects the token: on a miss, on a synchronous cache hit and
 * asynchronously. Throwing stays the documented way; `false` must never read as a pass.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { peekOf } from '../../src/authenticator.ts';
import type { Principal } from '../../src/types.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { VerifierOptions } from '../../src/verify/options.ts';
import { generateKeyPair } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

const ISS = 'https://issuer.custom-check.test';
const AUD = 'api://custom-check';
const rs = await generateKeyPair('RS256', { kid: 'rs' });
const now = () => Math.floor(Date.now() / 1000);
const token = (jti: string) =>
  signToken(rs, { iss: ISS, sub: 'user-1', aud: AUD, iat: now(), exp: now() + 600, jti });

const revoked = new Set<string>();
const options = (customCheck: VerifierOptions['customCheck']): VerifierOptions => ({
  issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
  fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
  customCheck,
});
// Predicates: `false` is a "no".
const syncPredicate = (p: Principal) => !revoked.has(p.claims.jti as string);
const asyncPredicate = async (p: Principal) => !revoked.has(p.claims.jti as string);

describe.each([
  ['synchronous', syncPredicate],
  ['asynchronous', asyncPredicate],
])('a %s customCheck answering false rejects', (_name, check) => {
  it('on a miss and on a cache hit, through verify, authenticate and peek', async () => {
    const jti = `jti-${_name}`;
    const auth = createAuthenticator(options(check));
    const req = { headers: { authorization: `Bearer ${token(jti)}` } };
    await expect(auth.authenticate(req)).resolves.toMatchObject({ subject: 'user-1' });
    revoked.add(jti);
    // Cache hit (the token verified a moment ago).
    await expect(auth.authenticate(req)).rejects.toMatchObject({
      status: 401,
      code: 'ERR_AUTH_TOKEN_REJECTED',
    });
    await expect(Promise.resolve(peekOf(auth)?.(req))).rejects.toMatchObject({
      code: 'ERR_AUTH_TOKEN_REJECTED',
    });
    auth.close();
    // Miss (a fresh verifier).
    const v = createVerifier(options(check));
    await expect(v.verify(token(jti))).rejects.toMatchObject({
      status: 401,
      code: 'ERR_AUTH_TOKEN_REJECTED',
    });
    v.close();
  });
});
