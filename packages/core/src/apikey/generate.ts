/**
 * `generateApiKey`: a high-entropy key (`<id>.<secret>`, 256-bit secret) and the record to store,
 * which holds only `sha256:<digest>` of the secret. The key is returned once; only its owner keeps it.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { primitives, toBase64Url } from './digest.ts';
import type { ApiKeyRecord } from './record.ts';

/**
 * Options of `generateApiKey`.
 *
 * @example
 * const generated = await generateApiKey({ prefix: 'sk_live_', scopes: ['read:invoices'], expiresAtSeconds: 1_767_225_600 } satisfies GenerateApiKeyOptions);
 */
export interface GenerateApiKeyOptions {
  /** Prefix of the key id, e.g. `sk_live_` (letters, digits, `_`, `-`; at most 32). */
  prefix?: string;
  /** Principal identifier stored as the record's `id` (default: the key id). */
  subject?: string;
  scopes?: string[];
  groups?: string[];
  /** Seconds since the epoch after which the key stops working. */
  expiresAtSeconds?: number;
}

/**
 * What `generateApiKey` returns: the key for the client, and what to store.
 *
 * @example
 * const { key, id, record }: GeneratedApiKey = await generateApiKey({ prefix: 'sk_live_' });
 * store.set(id, record); // then hand `key` to the client, once
 */
export interface GeneratedApiKey {
  /** The full key to hand to the client once: `<id>.<secret>`. */
  key: string;
  /** The key id: the store key (after the authenticator's `prefix`). */
  id: string;
  /** What to store under `id` (JSON.stringify it for text stores). */
  record: ApiKeyRecord;
}

const PREFIX = /^[A-Za-z0-9_-]{0,32}$/;

function randomBase64Url(bytes: number): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * A new random API key and the record to store for it (a hash, never the secret).
 *
 * @example
 * const { key, id, record } = await generateApiKey({ prefix: 'sk_live_', scopes: ['read:invoices'] });
 * store.set(id, record); // hand `key` to the client once: only its hash is stored
 */
export async function generateApiKey(options: GenerateApiKeyOptions = {}): Promise<GeneratedApiKey> {
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new ConfigurationError('generateApiKey(): prefix must be at most 32 letters, digits, "_" or "-"');
  }
  if (options.subject !== undefined && (typeof options.subject !== 'string' || options.subject === '')) {
    throw new ConfigurationError('generateApiKey(): subject must be a non-empty string');
  }
  const id = prefix + randomBase64Url(16);
  const secret = randomBase64Url(32);
  const record: ApiKeyRecord = {
    hash: `sha256:${toBase64Url(await primitives.sha256(secret))}`,
  };
  if (options.subject !== undefined) record.id = options.subject;
  if (options.scopes !== undefined) record.scopes = [...options.scopes];
  if (options.groups !== undefined) record.groups = [...options.groups];
  if (options.expiresAtSeconds !== undefined) record.expiresAtSeconds = options.expiresAtSeconds;
  return { key: `${id}.${secret}`, id, record };
}
