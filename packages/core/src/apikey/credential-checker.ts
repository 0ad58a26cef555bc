/**
 * The shared engine of both API-key authenticators: cached record lookup (TTL, single-flight per id),
 * then one SHA-256 of the presented secret and one constant-time comparison, on every path. An unknown
 * id is compared against a dummy digest, so it runs the same operations and fails with the same error
 * as a wrong secret.
 *
 * Found records and unknown ids live in two separate bounded LRU caches: a burst of bogus ids evicts
 * only other bogus ids, never a good record. Both are remembered for the same time by default, so
 * whether an id's second lookup is fast or slow says nothing about whether it exists.
 */
import { UnavailableError } from '../errors.ts';
import type { Clock, Principal } from '../types.ts';
import { DUMMY_DIGEST, primitives } from './digest.ts';
import { parseRecord } from './record.ts';
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
  /** Bound of each cache, found records and unknown ids (entries). */
  maxCacheEntries: number;
  issuer: string;
  clock: Clock;
}

export interface CredentialChecker {
  /** Resolves the principal, or undefined for wrong credentials (→ 401); throws UnavailableError (503). */
  check(id: string, secret: string): Promise<Principal | undefined>;
  clear(): void;
}

/**
 * A bounded LRU whose entries expire: a hit moves the entry to the young end but keeps its expiry
 * (a rotated or revoked key still takes effect within the TTL).
 */
class ExpiringLru<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  constructor(
    readonly max: number,
    readonly ttlMs: number,
  ) {}

  get(key: string, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, now: number): void {
    if (this.ttlMs <= 0 || this.max <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + this.ttlMs });
    // Map keeps insertion order, and a hit re-inserts: the first key is the least recently used.
    while (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}

const UNAVAILABLE = 'API key credentials cannot be checked right now';
/** Distinct ids looked up in the store at once; past it a new id is a 503 without a store call. */
const MAX_INFLIGHT = 1_024;
const RETRY_AFTER = 5;
const BALANCE = 'unknown-id';

export function createCredentialChecker(options: CheckerOptions): CredentialChecker {
  const { store, prefix, cacheTtlMs, negativeCacheTtlMs, maxCacheEntries, issuer, clock } = options;
  const records = new ExpiringLru<ParsedRecord>(maxCacheEntries, cacheTtlMs);
  const unknown = new ExpiringLru<true>(maxCacheEntries, negativeCacheTtlMs);
  const inflight = new Map<string, Promise<ParsedRecord | null>>();
  // Bumped by clear(): a lookup that started before it must not repopulate the emptied caches.
  let generation = 0;

  const remember = (key: string, value: ParsedRecord | null, started: number): void => {
    if (started !== generation) return;
    if (value === null) {
      records.delete(key);
      unknown.set(key, true, clock());
    } else {
      unknown.delete(key);
      records.set(key, value, clock());
    }
  };

  const load = async (id: string, key: string): Promise<ParsedRecord | null> => {
    const started = generation;
    let raw: unknown;
    try {
      raw = await store.get(key);
    } catch (cause) {
      throw new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', UNAVAILABLE, {
        retryAfterSeconds: RETRY_AFTER,
        cause,
      });
    }
    if (raw === undefined || raw === null) {
      // Parsing a found `token` record hashes it once: do the same work for an unknown id.
      await primitives.sha256(BALANCE);
      remember(key, null, started);
      return null;
    }
    try {
      const parsed = await parseRecord(raw, id, { issuer });
      remember(key, parsed, started);
      return parsed;
    } catch (cause) {
      // An unusable record (or a hash backend failing on it) is an operator error: fail closed with a
      // typed 503, never a bare error (a 500), and never cache it.
      throw new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', UNAVAILABLE, {
        retryAfterSeconds: RETRY_AFTER,
        cause,
      });
    }
  };

  const lookup = (id: string): Promise<ParsedRecord | null> | ParsedRecord | null => {
    const key = prefix + id;
    const now = clock();
    // Both caches are read on every lookup: a known and an unknown id cost the same.
    const hit = records.get(key, now);
    const miss = unknown.get(key, now);
    if (hit !== undefined) return hit;
    if (miss !== undefined) return null;
    let pending = inflight.get(key);
    if (pending === undefined) {
      // A store that hangs would otherwise keep one lookup per attacker-chosen id forever.
      if (inflight.size >= MAX_INFLIGHT) {
        return Promise.reject(
          new UnavailableError('ERR_AUTH_SECRET_STORE_UNAVAILABLE', UNAVAILABLE, {
            retryAfterSeconds: RETRY_AFTER,
          }),
        );
      }
      const started: Promise<ParsedRecord | null> = load(id, key).finally(() => {
        // clear() may have dropped this lookup and a newer one taken its place.
        if (inflight.get(key) === started) inflight.delete(key);
      });
      pending = started;
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
      if (record.expiresAtSeconds !== null && clock() >= record.expiresAtSeconds * 1000) return undefined;
      return record.principal;
    },
    clear(): void {
      generation++;
      records.clear();
      unknown.clear();
      inflight.clear();
    },
  };
}
