/**
 * SHA-256 and a constant-time comparison for API keys. Both sides are hashed before comparing: the
 * digests always have the same length, so the comparison leaks neither the secret's length nor a
 * matching prefix.
 *
 * Backend, chosen once at load: on Node/Bun/Deno `process.getBuiltinModule('node:crypto').hash`
 * (synchronous, ~10x faster than WebCrypto's `subtle.digest` for short inputs); elsewhere (Workers,
 * browsers) WebCrypto. No static `node:` import, so the module stays edge-safe.
 *
 * The functions are reached through the `primitives` object so tests can count the calls that each
 * code path makes (unknown ids and wrong tokens must run the same operations).
 */

const encoder = new TextEncoder();

interface NodeHash {
  hash(algorithm: string, data: string, outputEncoding: 'buffer'): Uint8Array;
}

function nodeCrypto(): NodeHash | undefined {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:crypto') as Partial<NodeHash> | undefined;
    return typeof mod?.hash === 'function' ? (mod as NodeHash) : undefined;
  } catch {
    return undefined;
  }
}

const native = nodeCrypto();

async function webSha256(value: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
}

/** SHA-256 of a UTF-8 string: synchronous where node:crypto exists, a promise on WebCrypto. */
const sha256: (value: string) => Uint8Array | Promise<Uint8Array> =
  native === undefined ? webSha256 : (value) => native.hash('sha256', value, 'buffer');

/** Which backend hashes (reported by the benchmark). */
export const DIGEST_BACKEND: 'node:crypto' | 'webcrypto' = native === undefined ? 'webcrypto' : 'node:crypto';

/** Constant-time equality of two byte arrays; differing lengths are unequal (digests never differ). */
function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export const primitives = { sha256, webSha256, timingSafeEqual };

/** A fixed digest compared against when the id is unknown, so that path does the same work. */
export const DUMMY_DIGEST: Uint8Array = new Uint8Array(32).fill(0xa5);

const B64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes unpadded base64url; undefined when the text is not canonical base64url. */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!B64URL.test(text) || text.length % 4 === 1) return undefined;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64Url(bytes) === text ? bytes : undefined;
}
