import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair as joseGenerateKeyPair, type JWK } from 'jose';

/** Asymmetric JWS algorithms the kit generates keys for. */
export type KeyAlg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

export const keyAlgs: readonly KeyAlg[] = [
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
];

/** A public JWK as published in a JWKS. */
export type PublicJwk = JWK & { kid: string; alg: string; use: 'sig' };

/** A generated signing key pair. */
export interface TestKeyPair {
  kid: string;
  alg: KeyAlg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** public members only, with `kid`, `alg` and `use: 'sig'` */
  publicJwk: PublicJwk;
  /** the private JWK (with `d`), same `kid` and `alg` */
  privateJwk: JWK & { kid: string; alg: string; use: 'sig' };
}

/** Anything that can sign: a generated pair, or a `{ privateKey, alg?, kid? }` shaped like one. */
export interface SigningKeyLike {
  privateKey: CryptoKey | import('node:crypto').KeyObject;
  alg?: string;
  kid?: string;
  publicJwk?: JWK;
}

export interface GenerateKeyPairOptions {
  /** default: a random UUID */
  kid?: string;
  /** RSA modulus length in bits; default 2048 */
  modulusLength?: number;
}

/** Generates an extractable key pair for `alg` (EdDSA is Ed25519). */
export async function generateKeyPair(
  alg: KeyAlg,
  options: GenerateKeyPairOptions = {},
): Promise<TestKeyPair> {
  if (!keyAlgs.includes(alg)) {
    throw new TypeError(`generateKeyPair: alg must be one of ${keyAlgs.join(', ')}`);
  }
  const { modulusLength = 2048, kid = randomUUID() } = options;
  if (typeof kid !== 'string' || kid === '')
    throw new TypeError('generateKeyPair: kid must be a non-empty string');
  const { privateKey, publicKey } = await joseGenerateKeyPair(alg, {
    extractable: true,
    modulusLength,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const meta = { kid, alg, use: 'sig' as const };
  const publicJwk = { ...(await exportJWK(publicKey)), ...meta };
  const privateJwk = { ...(await exportJWK(privateKey)), ...meta };
  return { kid, alg, privateKey, publicKey, publicJwk, privateJwk };
}
