/**
 * The shared engine of both API-key authenticators: cached record lookup (TTL, brief negative cache,
 * single-flight per id), then one SHA-256 of the presented secret and one constant-time comparison,
 * on every path. An unknown id is compared against a dummy digest, so it runs the same operations
 * and fails with the same error as a wrong secret.
 */
import { UnavailableError } from '../errors.ts';
import type { Clock, Principal } from '../types.ts';
import { DUMMY_DIGEST, primitives } from './digest.ts';
import { MalformedRecordError, parseRecord } from './record.ts';
import type { ParsedRecord } from './record.ts';
import type { SecretStore } from './store.ts';

export interface CheckerOptions {
  store: SecretStore;
  /** Prepended to the id for the store lookup (e.g. `prod/api-keys/`). */
  prefix: string;
  /** How long a found record is cached (ms). */
  cacheTtlMs: number;
  /** How long an unknown id is remembered (ms). */
  negativeCacheTtlMs: number;
  /** Bound of the cache (entries). */
  maxCacheEntries: number;
  issuer: string;
  clock: Clock;
}

export interface CredentialChecker {
  /** Resolves the principal, or undefined for wrong credentials (→ 401); throws UnavailableError (503). */
  check(id: string, secret: string): Promise<Principal | undefined>;
  clear(): void;
}

interface CacheEntry {
  value: ParsedRecord | null;
  expires: number;
}

const UNAVAILABLE = 'API key credentials cannot be checked right now';
const RETRY_AFTER = 5;
const BALANCE = 'unknown-id';

export function createCredentialChecker(options: CheckerOptions): CredentialChecker {
  const { store, prefix, cacheTtlMs, negativeCacheTtlMs, maxCacheEntries, issuer, clock } = options;
  const cache = new Map<string, CacheEntry>();
  const inflight = new Map<string, Promise<ParsedRecord | null>>();

  const remember = (key: string, value: ParsedRecord | null): void => {
    const ttl = value === null ? negativeCacheTtlMs : cacheTtlMs;
    if (ttl <= 0 || maxCacheEntries <= 0) return;
    cache.delete(key);
    cache.set(key, { value, expires: clock() + ttl });
    // Map keeps insertion order: evict the oldest entries beyond the bound.
    while (cache.size > maxCacheEntries) cache.delete(cache.keys().next().value as string);
  };

  const load = async (id: string, key: string): Promise<ParsedRecord | null> => {
    let raw: unknown;
    try {
      raw = await store.get(key);
    } catch (cause) {
      throw new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', UNAVAILABLE, {
        retryAfter: RETRY_AFTER,
        cause,
      });
    }
    if (raw === undefined || raw === null) {
      // Parsing a found `token` record hashes it once: do the same work for an unknown id.
      await primitives.sha256(BALANCE);
      remember(key, null);
      return null;
    }
    try {
      const parsed = await parseRecord(raw, id, { issuer });
      remember(key, parsed);
      return parsed;
    } catch (cause) {
      if (!(cause instanceof MalformedRecordError)) throw cause;
      // An unusable record is an operator error: fail closed with 503 and never cache it.
      throw new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', UNAVAILABLE, {
        retryAfter: RETRY_AFTER,
        cause,
      });
    }
  };

  const lookup = (id: string): Promise<ParsedRecord | null> | ParsedRecord | null => {
    const key = prefix + id;
    const hit = cache.get(key);
    if (hit !== undefined) {
      if (hit.expires > clock()) return hit.value;
      cache.delete(key);
    }
    let pending = inflight.get(key);
    if (pending === undefined) {
      pending = load(id, key).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };

  return {
    async check(id: string, secret: string): Promise<Principal | undefined> {
      const found = lookup(id);
      const record = found instanceof Promise ? await found : found;
      const hashed = primitives.sha256(secret);
      const presented = hashed instanceof Uint8Array ? hashed : await hashed;
      const equal = primitives.timingSafeEqual(presented, record === null ? DUMMY_DIGEST : record.digest);
      if (record === null || !equal) return undefined;
      if (record.expiresAt !== null && clock() >= record.expiresAt * 1000) return undefined;
      return record.principal;
    },
    clear(): void {
      cache.clear();
    },
  };
}
