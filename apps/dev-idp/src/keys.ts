import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A private JWK with its `kid`, `alg` and `use` filled in. */
export type SigningJwk = JWK & { kid: string; alg: string; use: 'sig' };

/** Generates a fresh signing key pair (never persisted) and returns its private JWK. */
export async function generateSigningJwk(alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningJwk> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: 'sig' };
}

/** Drops the private members of a JWK. */
export function toPublicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...pub } = jwk;
  return pub;
}
