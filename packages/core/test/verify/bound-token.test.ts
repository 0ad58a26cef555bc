/**
 * Sender-constrained tokens: a token with a `cnf` claim (DPoP `jkt`, RFC 9449; mTLS `x5t#S256`,
 * RFC 8705) presented as a plain Bearer token is a 401 invalid_token (RFC 9449 §7.1, RFC 8705 §3):
 * nothing proves the caller holds the key. A later DPoP check passes its proof in through an internal
 * override; that path is exercised here so it fails closed on every mismatch.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { POSSESSION } from '../../src/verify/confirmation.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { VerifyOverrides } from '../../src/verify/options.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.bound.test';
const AUD = 'api://bound';
const rs = await generateKeyPair('RS256', { kid: 'bound' });
const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
const X5T = 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2';

describe.each(BACKENDS)('bound tokens need proof of possession (%s backend)', (_name, backend) => {
  const clock = createClock(T0);
  const now = clock.seconds();
  const claims = { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 };
  const verifier = createVerifier(
    withBackend(
      {
        issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
        fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
        clock,
      },
      backend,
    ),
  );
  const proof = (p: { jkt?: string; x5tS256?: string }) => ({ [POSSESSION]: p }) as VerifyOverrides;

  it.each([
    ['a DPoP-bound token (cnf.jkt)', { jkt: JKT }],
    ['a certificate-bound token (cnf.x5t#S256)', { 'x5t#S256': X5T }],
    ['an unknown confirmation method', { jwk: { kty: 'OKP' } }],
    ['an empty cnf', {}],
  ])('%s sent as plain Bearer is 401 invalid_token', async (_case, cnf) => {
    const token = signToken(rs, { ...claims, cnf });
    const err = await verifier.verify(token).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND', status: 401, error: 'invalid_token' });
    expect((err as { detail: unknown }).detail).toMatchObject({
      claim: 'cnf',
      confirmation: Object.keys(cnf),
    });
    expect(inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(token);
    // Never cached: the same token fails the same way again.
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND' });
  });

  it('through an authenticator: 401 with error="invalid_token" in the challenge', async () => {
    const auth = createAuthenticator(verifier);
    const token = signToken(rs, { ...claims, cnf: { jkt: JKT } });
    const err = await auth
      .authenticate({ headers: { authorization: `Bearer ${token}` } })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_BOUND' });
    expect((err as { headers: Record<string, string> }).headers['www-authenticate']).toContain(
      'error="invalid_token"',
    );
  });

  it('a cnf that is not an object is an invalid claim', async () => {
    const token = signToken(rs, { ...claims, cnf: JKT });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLAIM',
      detail: { claim: 'cnf' },
    });
  });

  it('unbound tokens are unaffected', async () => {
    await expect(verifier.verify(signToken(rs, claims))).resolves.toMatchObject({ subject: 'u' });
  });

  describe('the internal proof-of-possession input (for a later DPoP / mTLS check)', () => {
    it('accepts a bound token only with the matching proof', async () => {
      const dpop = signToken(rs, { ...claims, cnf: { jkt: JKT } });
      await expect(verifier.verify(dpop, proof({ jkt: JKT }))).resolves.toMatchObject({ subject: 'u' });
      await expect(verifier.verify(dpop, proof({ jkt: `${JKT.slice(1)}A` }))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_BOUND',
      });
      await expect(verifier.verify(dpop, proof({ x5tS256: JKT }))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_BOUND',
      });
      const mtls = signToken(rs, { ...claims, cnf: { 'x5t#S256': X5T } });
      await expect(verifier.verify(mtls, proof({ x5tS256: X5T }))).resolves.toMatchObject({ subject: 'u' });
    });

    it('every confirmation method named must be proven; unknown ones never are', async () => {
      const both = signToken(rs, { ...claims, cnf: { jkt: JKT, 'x5t#S256': X5T } });
      await expect(verifier.verify(both, proof({ jkt: JKT }))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_BOUND',
      });
      await expect(verifier.verify(both, proof({ jkt: JKT, x5tS256: X5T }))).resolves.toMatchObject({
        subject: 'u',
      });
      const odd = signToken(rs, { ...claims, cnf: { jkt: JKT, kid: 'k' } });
      await expect(verifier.verify(odd, proof({ jkt: JKT }))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_BOUND',
      });
    });

    it('a DPoP proof with an unbound token binds nothing and is rejected', async () => {
      await expect(verifier.verify(signToken(rs, claims), proof({ jkt: JKT }))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_BOUND',
      });
    });

    it('a bound token accepted with its proof is not served from the cache to a proof-less call', async () => {
      const dpop = signToken(rs, { ...claims, cnf: { jkt: JKT }, jti: 'cache' });
      await verifier.verify(dpop, proof({ jkt: JKT }));
      await expect(verifier.verify(dpop)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND' });
    });
  });
});
