import { createHash, randomUUID } from 'node:crypto';
import type { JWK } from 'jose';
import type { TestKeyPair } from './keys.ts';
import { signRaw } from './sign-raw.ts';

/** The public members of a key pair's JWK (no kid, alg or use), as a DPoP proof header carries them. */
export function dpopPublicJwk(key: TestKeyPair): JWK {
  const { kty, crv, x, y, n, e } = key.publicJwk;
  return Object.fromEntries(Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined));
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK (base64url): what a DPoP-bound token's `cnf.jkt` holds.
 *
 * @example
 * const token = await mintToken({ key: issuerKey, claims: { cnf: { jkt: jwkThumbprintSync(dpopKey.publicJwk) } } });
 */
export function jwkThumbprintSync(jwk: JWK): string {
  const members =
    jwk.kty === 'EC'
      ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
      : jwk.kty === 'RSA'
        ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** base64url SHA-256 of an access token: a DPoP proof's `ath`. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface DpopProofOptions {
  /** The client's key pair (its public JWK goes in the header). */
  key: TestKeyPair;
  htm: string;
  htu: string;
  /** Sets `ath` to its hash. */
  accessToken?: string;
  /** Seconds since the epoch (default now). */
  iat?: number;
  /** Default: a random UUID. */
  jti?: string;
  nonce?: string;
  /** Header members to add or replace; `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Payload members to add or replace; `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of `key` (a proof whose `jwk` is not its signer). */
  signWith?: TestKeyPair;
}

function merged(base: Record<string, unknown>, extra: Record<string, unknown> | undefined) {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * A DPoP proof JWT (RFC 9449 §4.2), well-formed by default; `header` / `claims` make hostile ones.
 *
 * @example
 * const proof = dpopProof({ key, htm: 'GET', htu: 'https://api.example/payments', accessToken: token });
 * await fetch(url, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
 */
export function dpopProof(options: DpopProofOptions): string {
  const { key } = options;
  const header = merged({ typ: 'dpop+jwt', alg: key.alg, jwk: dpopPublicJwk(key) }, options.header);
  const payload = merged(
    {
      jti: options.jti ?? randomUUID(),
      htm: options.htm,
      htu: options.htu,
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      ...(options.accessToken === undefined ? {} : { ath: accessTokenHash(options.accessToken) }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    },
    options.claims,
  );
  const signer = options.signWith ?? key;
  return signRaw(header, payload, signer, { alg: typeof header.alg === 'string' ? header.alg : signer.alg });
}
