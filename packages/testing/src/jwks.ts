import type { JWK } from 'jose';

/** A JSON Web Key Set. */
export interface Jwks {
  keys: JWK[];
}

/** Something `createJwks` turns into a published key: a generated pair or a JWK. */
export type JwkSource = { publicJwk: JWK } | JWK;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Removes every private member of a JWK (a secret `k` included). */
export function toPublicJwk(jwk: JWK): JWK {
  const copy: Record<string, unknown> = { ...jwk };
  for (const member of PRIVATE_MEMBERS) delete copy[member];
  return copy as JWK;
}

/**
 * Builds a JWKS with public members only, from generated key pairs, JWKs, or an existing set.
 */
export function createJwks(keys: readonly JwkSource[] | Jwks): Jwks {
  const list: readonly JwkSource[] = Array.isArray(keys) ? keys : (keys as Jwks).keys;
  if (!Array.isArray(list)) throw new TypeError('createJwks: keys must be an array or a { keys } object');
  return {
    keys: list.map((k) =>
      toPublicJwk('publicJwk' in k && typeof k.publicJwk === 'object' ? k.publicJwk : (k as JWK)),
    ),
  };
}
