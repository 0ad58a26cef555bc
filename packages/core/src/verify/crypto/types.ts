/**
 * The signature backend interface. `node.ts` (node:crypto, synchronous) and `web.ts` (WebCrypto) implement
 * it; the package `imports` map (#crypto) picks one by export conditions, once, at module resolution.
 * Every method may return a value or a promise: callers stay synchronous when the backend is.
 */
import type { Algorithm, AsymmetricAlgorithm, SymmetricAlgorithm } from '../options.ts';

/** A public key checked against its algorithm, as the backend holds it (KeyObject or CryptoKey). */
export type KeyHandle = unknown;

/** A JWK reduced to the members needed to import it (kty/crv already checked against the alg). */
export interface PublicJwk {
  kty: 'RSA' | 'EC' | 'OKP';
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface CryptoBackend {
  readonly name: 'node' | 'web';
  /** base64url (already checked canonical) → bytes. */
  decode(segment: string): Uint8Array;
  /** bytes → unpadded base64url. */
  encode(bytes: Uint8Array): string;
  /** Unpadded base64url SHA-256 of the UTF-8 bytes of `text` (DPoP `ath` and RFC 7638 thumbprints). */
  sha256Base64url(text: string): string | Promise<string>;
  /** Strict UTF-8 decoding; throws on invalid sequences; keeps a BOM (so JSON.parse rejects it). */
  utf8(bytes: Uint8Array): string;
  /** Imports a public key for `alg`; throws (or rejects) when the key material is invalid. */
  importPublicKey(jwk: PublicJwk, alg: AsymmetricAlgorithm): KeyHandle | Promise<KeyHandle>;
  importSecret(secret: Uint8Array, alg: SymmetricAlgorithm): KeyHandle | Promise<KeyHandle>;
  /**
   * Like `verify`, off the calling thread where the runtime offers it (node: libuv's thread pool).
   * Absent when the backend has no such mode (WebCrypto is already asynchronous).
   */
  verifyOffThread?(
    alg: Algorithm,
    key: KeyHandle,
    signingInput: string,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** Verifies `signature` over the ASCII `signingInput` (`header.payload`). */
  verify(
    alg: Algorithm,
    key: KeyHandle,
    signingInput: string,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
}
