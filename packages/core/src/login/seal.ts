import { ConfigurationError } from '../configuration-error.ts';
/**
 * Sealed values: AES-256-GCM (WebCrypto, so Node, Deno, Bun and Workers alike) under a key chosen by
 * id, so keys rotate without logging everyone out: the first key seals, every listed key unseals.
 *
 * Format: `<kid>.<iv>.<ciphertext+tag>` (base64url). The additional data binds the key id and a
 * purpose (the cookie's role), so a login-state cookie can never be replayed as a session cookie.
 * Each key is derived with HKDF-SHA256 from the configured secret (any length >= 32 bytes).
 */

/**
 * @example
 * const cookieKeys: SealKey[] = [{ id: '2026-12', secret: process.env.COOKIE_SECRET! }];
 */
export interface SealKey {
  /** A short id stored with each sealed value (letters, digits, `_`, `-`). */
  id: string;
  /** At least 32 bytes of entropy: a random string or bytes. */
  secret: string | Uint8Array;
}

/**
 * @example
 * const sealer: Sealer = createSealer(cookieKeys);
 */
export interface Sealer {
  seal(purpose: string, plaintext: string): Promise<string>;
  /** The plaintext, or undefined for anything tampered, truncated, or sealed with an unknown key. */
  unseal(purpose: string, sealed: string): Promise<string | undefined>;
}

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// Node, Bun and Deno (with node compat) decode base64url natively ten times faster than a JS loop:
// every request that reads a session cookie goes through here. atob/btoa elsewhere (Workers).
const NativeBuffer = (
  globalThis as {
    Buffer?: {
      from(input: string, encoding: 'base64url'): Uint8Array<ArrayBuffer>;
      from(input: Uint8Array): { toString(encoding: 'base64url'): string };
    };
  }
).Buffer;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  if (NativeBuffer) return NativeBuffer.from(bytes).toString('base64url');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of unpadded base64url text, or undefined for anything else. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  // Strict first: Buffer skips characters outside the alphabet instead of refusing them.
  if (text.length % 4 === 1 || !BASE64URL.test(text)) return undefined;
  if (NativeBuffer) return NativeBuffer.from(text, 'base64url');
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Checks the keys (TypeError at setup) and returns a sealer.
 *
 * @example
 * ```ts
 * const sealer = createSealer([{ id: '2025-06', secret: process.env.SESSION_SECRET! }]);
 * const v = await sealer.seal('session', JSON.stringify(data));
 * ```
 */
export function createSealer(keys: readonly SealKey[]): Sealer {
  if (!Array.isArray(keys) || keys.length === 0)
    throw new ConfigurationError('keys must be a non-empty array');
  const ids = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'object' || key === null)
      throw new ConfigurationError('each key must be { id, secret }');
    if (typeof key.id !== 'string' || !KID.test(key.id))
      throw new ConfigurationError('key id must be 1-32 letters, digits, _ or -');
    if (ids.has(key.id)) throw new ConfigurationError(`duplicate key id "${key.id}"`);
    ids.add(key.id);
    const bytes = typeof key.secret === 'string' ? encoder.encode(key.secret) : key.secret;
    if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32)
      throw new ConfigurationError(`key "${key.id}": secret must be at least 32 bytes (value not shown)`);
  }
  const derived = new Map<string, Promise<CryptoKey>>();
  // Resolved keys, so the per-request path awaits nothing but the cipher itself.
  const ready = new Map<string, CryptoKey>();
  const keyFor = (id: string): CryptoKey | Promise<CryptoKey> | undefined => {
    const done = ready.get(id);
    if (done) return done;
    let pending = derived.get(id);
    if (pending) return pending;
    const key = keys.find((k) => k.id === id);
    if (!key) return undefined;
    pending = derive(key).then((k) => {
      ready.set(id, k);
      return k;
    });
    derived.set(id, pending);
    return pending;
  };
  const current = (keys[0] as SealKey).id;
  const aads = new Map<string, Uint8Array<ArrayBuffer>>();
  const aad = (kid: string, purpose: string) => {
    const label = `${kid}.${purpose}`;
    let bytes = aads.get(label);
    if (bytes === undefined) {
      bytes = encoder.encode(label);
      // purposes carry a login state: bound the cache rather than keep one entry per attempt
      if (aads.size < 64 && !purpose.startsWith('login:')) aads.set(label, bytes);
    }
    return bytes;
  };

  return {
    async seal(purpose, plaintext) {
      const handle = keyFor(current) as CryptoKey | Promise<CryptoKey>;
      const key = handle instanceof Promise ? await handle : handle;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt(
          { name: 'AES-GCM', iv, additionalData: aad(current, purpose) },
          key,
          encoder.encode(plaintext),
        ),
      );
      return `${current}.${toBase64url(iv)}.${toBase64url(sealed)}`;
    },
    async unseal(purpose, sealed) {
      if (typeof sealed !== 'string') return undefined;
      const parts = sealed.split('.');
      if (parts.length !== 3) return undefined;
      const [kid, ivText, dataText] = parts as [string, string, string];
      const pending = keyFor(kid);
      if (!pending) return undefined; // a retired key: treated as no session
      const iv = fromBase64url(ivText);
      const data = fromBase64url(dataText);
      if (iv?.length !== 12 || !data || data.length < 16) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv, additionalData: aad(kid, purpose) },
          pending instanceof Promise ? await pending : pending,
          data,
        );
        return decoder.decode(plain);
      } catch {
        return undefined; // tampered or truncated
      }
    },
  };
}

async function derive(key: SealKey): Promise<CryptoKey> {
  const raw = typeof key.secret === 'string' ? encoder.encode(key.secret) : new Uint8Array(key.secret);
  const base = await crypto.subtle.importKey('raw', raw, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: encoder.encode(`@auth/core/login ${key.id}`),
      info: encoder.encode('session cookie AES-256-GCM'),
    },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
