/**
 * Differential test: every token of the hostile table (valid and hostile) and a set of valid tokens for
 * every algorithm goes through our verifier and through jose's jwtVerify with equivalent options; the
 * accept/reject verdicts must agree, except for the listed cases where we are deliberately stricter
 * (documented in the README). Where we differ, it is always jose accepting and us rejecting.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig } from '../../src/verify/options.ts';
import { AUD, ISS, JWKS_URI, cases, claims, clock, jwks } from '../fixtures/hostile-cases.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { generateKeyPair, type KeyAlg } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

/** Cases where jose accepts and we reject, on purpose. */
const STRICTER = new Set([
  // encoding: jose on Node decodes leniently
  'padded signature',
  'whitespace inside the signature',
  'newline inside the signature',
  'non-canonical trailing bits in the signature',
  'UTF-8 BOM before the payload JSON',
  // JSON: jose keeps the last duplicate silently
  'duplicate claim in the payload',
  'duplicate escaped claim name',
  'duplicate nested member',
  'duplicate alg in the header',
  // header members jose ignores in jwtVerify
  'b64 false without crit',
  'enc in a 3-part header',
  'nested token (cty JWT)',
  'nested token (cty application/jwt)',
  // claim rules jose does not have
  'exp 1e400 (Infinity)',
  'iat 1e400 (Infinity)',
  'exp in milliseconds',
  'iat in milliseconds',
  'issued in the future',
  'subject as a number',
  'empty subject',
  'audience array with a number',
  'scope as a number',
  'wrong client_id',
  'client_id missing when required',
  'id token (token_use) as an access token',
  'id token (nonce) as an access token',
  'access token as an id token',
  'typ at+jwt with token_use id',
  'unknown token_use',
  'lifetime over maxLifetimeSeconds',
  'oversize token',
]);

const extraAlgs: KeyAlg[] = ['RS384', 'RS512', 'PS384', 'PS512', 'ES384', 'ES512'];
const extraKeys = await Promise.all(extraAlgs.map((alg) => generateKeyPair(alg, { kid: `extra-${alg}` })));
const allKeys = [
  ...jwks.filter((k) => typeof k === 'object'),
  ...extraKeys.map((k) => k.publicJwk),
] as Record<string, unknown>[];
const joseJwks = createLocalJWKSet({ keys: allKeys.filter((k) => k.kid !== 'garbage') as never[] });

async function oursAccepts(
  token: string,
  backend: (typeof BACKENDS)[number][1],
  issuer: Partial<IssuerConfig>,
) {
  const v = createVerifier(
    withBackend(
      {
        issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS_URI, ...issuer }],
        clock,
        cacheSize: 0,
        fetch: async () => Response.json({ keys: allKeys }),
      },
      backend,
    ),
  );
  return v.verify(token).then(
    () => true,
    () => false,
  );
}

async function joseAccepts(token: string, issuer: Partial<IssuerConfig>) {
  try {
    await jwtVerify(token, joseJwks, {
      issuer: ISS,
      audience: AUD,
      algorithms: (issuer.algorithms as string[]) ?? [
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ],
      clockTolerance: 5,
      currentDate: new Date(clock()),
      requiredClaims: ['iss', 'sub', 'exp', 'iat'],
      ...(issuer.typ ? { typ: issuer.typ } : {}),
      ...(issuer.maxTokenAgeSeconds ? { maxTokenAge: issuer.maxTokenAgeSeconds } : {}),
    });
    return true;
  } catch {
    return false;
  }
}

const validExtras = extraKeys.map((k) => ({
  name: `valid ${k.alg}`,
  token: () => signToken(k, claims()),
  issuer: {},
}));

describe.each(BACKENDS)('differential against jose jwtVerify (%s backend)', (_name, backend) => {
  it.each([...cases, ...validExtras].map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const token = c.token();
    const issuer = c.issuer ?? {};
    const [ours, theirs] = await Promise.all([
      oursAccepts(token, backend, issuer),
      joseAccepts(token, issuer),
    ]);
    if (STRICTER.has(name)) {
      expect({ ours, theirs }).toEqual({ ours: false, theirs: true });
    } else {
      expect(ours).toBe(theirs);
    }
  });
});
