/**
 * WebCrypto backend (Workers, Deno, browsers, Bun, Node without node:crypto conditions): the same
 * interface as node.ts on `crypto.subtle`. Chosen by the package `imports` map, never per call.
 */
import type { Algorithm, AsymmetricAlgorithm, SymmetricAlgorithm } from '../options.ts';
import type { CryptoBackend, KeyHandle, PublicJwk } from './types.ts';

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new TypeError('WebCrypto (crypto.subtle) is not available in this runtime');
  return s;
};

const HASH: Record<string, string> = { '256': 'SHA-256', '384': 'SHA-384', '512': 'SHA-512' };
const CURVE_ALG: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

function importParams(alg: AsymmetricAlgorithm): RsaHashedImportParams | EcKeyImportParams | Algorithm_ {
  const bits = alg.slice(2);
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5', hash: HASH[bits]! };
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', hash: HASH[bits]! };
  if (alg.startsWith('ES')) return { name: 'ECDSA', namedCurve: CURVE_ALG[alg]! };
  return { name: 'Ed25519' };
}
type Algorithm_ = { name: string };

function verifyParams(alg: Algorithm): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  const bits = alg.slice(2);
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5' };
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', saltLength: Number(bits) / 8 };
  if (alg.startsWith('ES')) return { name: 'ECDSA', hash: HASH[bits]! };
  if (alg.startsWith('HS')) return { name: 'HMAC' };
  return { name: 'Ed25519' };
}

interface WebKey {
  alg: Algorithm;
  key: CryptoKey;
  params: AlgorithmIdentifier | RsaPssParams | EcdsaParams;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Uint8Array(128).fill(255);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** bytes → unpadded base64url without Buffer or btoa. */
export function encodeBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** base64url → bytes without Buffer or atob (the input was already checked to be canonical). */
export function decodeBase64url(s: string): Uint8Array {
  const len = s.length;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const n =
      (LOOKUP[s.charCodeAt(i)]! << 18) |
      (LOOKUP[s.charCodeAt(i + 1)]! << 12) |
      (LOOKUP[s.charCodeAt(i + 2)]! << 6) |
      LOOKUP[s.charCodeAt(i + 3)]!;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = len - i;
  if (rest >= 2) {
    const n = (LOOKUP[s.charCodeAt(i)]! << 18) | (LOOKUP[s.charCodeAt(i + 1)]! << 12);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = ((n | (LOOKUP[s.charCodeAt(i + 2)]! << 6)) >> 8) & 255;
  }
  return out.subarray(0, o);
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export const backend: CryptoBackend = {
  name: 'web',
  decode: decodeBase64url,
  encode: encodeBase64url,
  async sha256Base64url(text) {
    return encodeBase64url(new Uint8Array(await subtle().digest('SHA-256', encoder.encode(text))));
  },
  utf8(bytes) {
    return decoder.decode(bytes);
  },
  async importPublicKey(jwk: PublicJwk, alg: AsymmetricAlgorithm): Promise<KeyHandle> {
    const key = await subtle().importKey('jwk', jwk as JsonWebKey, importParams(alg), false, ['verify']);
    const handle: WebKey = { alg, key, params: verifyParams(alg) };
    return handle;
  },
  async importSecret(secret: Uint8Array, alg: SymmetricAlgorithm): Promise<KeyHandle> {
    const key = await subtle().importKey(
      'raw',
      secret as BufferSource,
      { name: 'HMAC', hash: HASH[alg.slice(2)]! },
      false,
      ['verify'],
    );
    const handle: WebKey = { alg, key, params: verifyParams(alg) };
    return handle;
  },
  async verify(alg, key, signingInput, signature) {
    const k = key as WebKey;
    if (k.alg !== alg) return false;
    const data = encoder.encode(signingInput);
    // A finished check hands its slot straight to the next waiter, so arrivals cannot overtake it.
    if (inFlight >= webVerifyLimit.maxInFlight) await new Promise<void>((resolve) => waiting.push(resolve));
    else inFlight++;
    try {
      return await subtle().verify(k.params, k.key, signature as BufferSource, data);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else inFlight--;
    }
  },
};

/** libuv's pool size as Node reads it (default 4); elsewhere the same default. */
function poolSize(): number {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.UV_THREADPOOL_SIZE;
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4;
}

/**
 * At most `maxInFlight` `subtle.verify` calls run at once (process-wide); the rest wait here in FIFO
 * order. On Node, WebCrypto runs each check on libuv's pool, which fs, dns and zlib share: unbounded,
 * a flood of forged tokens would queue there and stall them. Same bound as the node:crypto backend.
 *
 * @example
 * webVerifyLimit.maxInFlight; // 8 with the default UV_THREADPOOL_SIZE of 4
 */
export const webVerifyLimit = { maxInFlight: 2 * poolSize() };
let inFlight = 0;
const waiting: (() => void)[] = [];
