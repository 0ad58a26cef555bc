/** Setup validation shared by the API-key authenticators (TypeErrors naming the option). */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthEventListener } from '../observe/events.ts';
import { validateRealm } from '../authenticator.ts';
import type { Clock } from '../types.ts';
import { createCredentialChecker } from './credential-checker.ts';
import type { CredentialChecker } from './credential-checker.ts';
import type { SecretStore } from './store.ts';

/**
 * Options both API-key authenticators accept.
 *
 * @example
 * const common: ApiKeyCommonOptions = { store: memorySecretStore(), cacheTtlMs: 30_000, realm: 'orders' };
 */
export interface ApiKeyCommonOptions {
  /** Where records live. */
  store: SecretStore;
  /** Prepended to the key id for the store lookup (default ''). */
  prefix?: string;
  /** How long a found record is cached, in ms (default 60 000; 0 disables). */
  cacheTtlMs?: number;
  /**
   * How long an unknown id is remembered, in ms (default: `cacheTtlMs`; 0 disables). A different
   * value than `cacheTtlMs` lets a client tell, by timing a repeated lookup, which ids exist.
   */
  negativeCacheTtlMs?: number;
  /** Bound of each cache (found records, unknown ids), in entries, least recently used evicted (default 10 000). */
  maxCacheEntries?: number;
  /** Realm of the challenge (default `api`). */
  realm?: string;
  /** `principal.issuer` of API-key principals (default `urn:auth:api-key`). */
  issuer?: string;
  /** Injected clock (ms). */
  clock?: Clock;
  /** Receives this authenticator's events (`auth.success`, `apikey.rejected`): see Observability. */
  onEvent?: AuthEventListener;
  /** Print one line per event to stderr (default: `AUTH_DEBUG=1` in the environment). */
  debug?: boolean;
}

/**
 * `principal.issuer` of API-key principals unless `issuer` is set; exported as `API_KEY_ISSUER`.
 *
 * @example
 * principal.issuer === API_KEY_ISSUER; // true for an API-key principal without `issuer` set
 */
export const DEFAULT_ISSUER = 'urn:auth:api-key';

/**
 * Key ids: what may reach a store. Anything else is rejected before any lookup.
 *
 * @example
 * API_KEY_ID.test('sk_live_4f9a'); // true: letters, digits, `_` and `-`, at most 128
 */
export const KEY_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Presented secrets: visible ASCII but the comma (Fetch joins repeated headers with ", "), bounded. */
export const SECRET = /^[\x21-\x2b\x2d-\x7e]{1,1024}$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

function duration(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a non-negative number of milliseconds`);
  }
  return value;
}

export function headerName(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    throw new ConfigurationError(`${name} must be a header name (letters, digits and dashes)`);
  }
  const lower = value.toLowerCase();
  if (lower === 'authorization') throw new ConfigurationError(`${name} must not be the Authorization header`);
  return lower;
}

export interface CommonSettings {
  realm: string;
  checker: CredentialChecker;
}

/** Reads the options both API-key authenticators share; their callers have checked the option names. */
export function commonSettings(fn: string, options: ApiKeyCommonOptions): CommonSettings {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError(`${fn}(): options are required`);
  const { store } = options;
  if (store === null || typeof store !== 'object' || typeof store.get !== 'function') {
    throw new ConfigurationError(
      `${fn}(): store must be a SecretStore ({ get(id): Promise<string | undefined> })`,
    );
  }
  const prefix = options.prefix ?? '';
  if (typeof prefix !== 'string' || prefix.length > 256 || CONTROL.test(prefix)) {
    throw new ConfigurationError(`${fn}(): prefix must be a string without control characters`);
  }
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  if (typeof issuer !== 'string' || issuer === '' || CONTROL.test(issuer)) {
    throw new ConfigurationError(`${fn}(): issuer must be a non-empty string`);
  }
  const maxCacheEntries = options.maxCacheEntries ?? 10_000;
  if (!Number.isSafeInteger(maxCacheEntries) || maxCacheEntries < 0) {
    throw new ConfigurationError(`${fn}(): maxCacheEntries must be a non-negative integer`);
  }
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function') throw new ConfigurationError(`${fn}(): clock must be a function`);
  const cacheTtlMs = duration(options.cacheTtlMs, `${fn}(): cacheTtlMs`, 60_000);
  return {
    realm: validateRealm(options.realm, `${fn}(): realm`),
    checker: createCredentialChecker({
      store,
      prefix,
      cacheTtlMs,
      negativeCacheTtlMs: duration(options.negativeCacheTtlMs, `${fn}(): negativeCacheTtlMs`, cacheTtlMs),
      maxCacheEntries,
      issuer,
      clock,
    }),
  };
}
