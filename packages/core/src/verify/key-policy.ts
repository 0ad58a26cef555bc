/**
 * Whether a JWK may verify a token with a given `alg`: kty/crv must fit the alg, the key's own `alg`,
 * `use` and `key_ops` must not contradict it, RSA moduli must be at least 2048 bits. Returns the reduced
 * JWK to import, or undefined for a key that must not be used (a bad key is rejected, never a crash).
 */
import type { Jwk } from '../jwks/types.ts';
import type { AsymmetricAlgorithm } from './options.ts';
import type { PublicJwk } from './crypto/types.ts';

const EC_CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const EC_COORD_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };
const B64U = /^[A-Za-z0-9_-]+$/;

export const MIN_RSA_BITS = 2048;

function b64uBytes(s: string): number {
  const rem = s.length % 4;
  return Math.floor(s.length / 4) * 3 + (rem === 0 ? 0 : rem - 1);
}

/** Bit length of a base64url big-endian unsigned integer (leading zero bytes ignored). */
export function rsaModulusBits(n: string): number {
  let i = 0;
  // Each leading 'A' is six zero bits.
  while (i < n.length && n[i] === 'A') i++;
  const first = n.charCodeAt(i);
  if (Number.isNaN(first)) return 0;
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const v = alphabet.indexOf(n[i]!);
  const totalBits = b64uBytes(n) * 8;
  const leadingZeroBits = i * 6 + (6 - (32 - Math.clz32(v)));
  return totalBits - leadingZeroBits;
}

export function usableJwk(jwk: Jwk, alg: AsymmetricAlgorithm): PublicJwk | undefined {
  if (jwk.alg !== undefined && jwk.alg !== alg) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.key_ops !== undefined && (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('verify'))) {
    return undefined;
  }
  // Private members never belong in a public JWKS; refuse such keys rather than guess.
  if (jwk.d !== undefined || jwk.k !== undefined) return undefined;
  const family = alg.slice(0, 2);
  if (family === 'RS' || family === 'PS') {
    if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') return undefined;
    if (!B64U.test(jwk.n) || !B64U.test(jwk.e) || jwk.e.length > 8) return undefined;
    if (rsaModulusBits(jwk.n) < MIN_RSA_BITS) return undefined;
    return { kty: 'RSA', n: jwk.n, e: jwk.e };
  }
  if (family === 'ES') {
    const crv = EC_CURVE[alg]!;
    if (jwk.kty !== 'EC' || jwk.crv !== crv) return undefined;
    if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return undefined;
    const size = EC_COORD_BYTES[crv]!;
    if (!B64U.test(jwk.x) || !B64U.test(jwk.y) || b64uBytes(jwk.x) !== size || b64uBytes(jwk.y) !== size) {
      return undefined;
    }
    return { kty: 'EC', crv, x: jwk.x, y: jwk.y };
  }
  if (alg === 'EdDSA') {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return undefined;
    if (!B64U.test(jwk.x) || b64uBytes(jwk.x) !== 32) return undefined;
    return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  }
  return undefined;
}

/** Expected raw signature length for algorithms where it is fixed. */
export const SIGNATURE_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132, EdDSA: 64 };
