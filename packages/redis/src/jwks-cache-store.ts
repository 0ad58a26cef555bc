/**
 * The JWKS cache of a fleet: one fetch per issuer and TTL instead of one per replica. An entry is
 * bound to the URI it was fetched from (and, with `integrityKey`, HMAC-signed), so a key written
 * under another URI, or by anyone without the key, is never trusted.
 */
import { ConfigurationError } from '@auth/core';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { JwksCacheEntry, JwksCacheStore } from '@auth/core';
import { commander, type RedisStoreOptions, tag } from './connection.ts';

/**
 * Options of `redisJwksCacheStore`.
 *
 * @example
 * const store = redisJwksCacheStore({ redis, integrityKey: process.env.JWKS_CACHE_KEY } satisfies RedisJwksCacheStoreOptions);
 */
export interface RedisJwksCacheStoreOptions extends RedisStoreOptions {
  /**
   * A secret (≥ 32 characters) shared by the replicas: entries are HMAC-SHA256 signed with it and an
   * entry whose signature does not match is ignored (someone who can write to Redis cannot plant keys).
   */
  integrityKey?: string;
  /** How long an entry stays on Redis past its expiry, in seconds (default 3600): the stale copy core may serve. */
  staleSeconds?: number;
}

interface Stored {
  uri: string;
  entry: JwksCacheEntry;
  mac?: string;
}

/**
 * A `JwksCacheStore` on Redis for `createVerifier({ jwks: { store } })`. Redis errors and bad entries
 * read as a miss: the verifier then fetches from the configured URL (core ignores store failures).
 *
 * @example
 * const verifier = createVerifier({ issuers, jwks: { store: redisJwksCacheStore({ redis }) } });
 */
export function redisJwksCacheStore(options: RedisJwksCacheStoreOptions): JwksCacheStore {
  const where = 'redisJwksCacheStore()';
  const redis = commander(options, where);
  const { integrityKey } = options;
  if (integrityKey !== undefined && (typeof integrityKey !== 'string' || integrityKey.length < 32))
    throw new ConfigurationError(`${where}: integrityKey must be a string of at least 32 characters`);
  const staleSeconds = options.staleSeconds ?? 3600;
  if (typeof staleSeconds !== 'number' || !Number.isFinite(staleSeconds) || staleSeconds < 0)
    throw new ConfigurationError(`${where}: staleSeconds must be a number >= 0`);
  const keyOf = (uri: string) => `${redis.prefix}jwks:${tag(uri)}`;
  const mac = (uri: string, entry: JwksCacheEntry) =>
    integrityKey === undefined
      ? undefined
      : createHmac('sha256', integrityKey)
          .update(JSON.stringify([uri, entry]))
          .digest('base64url');
  return {
    async get(uri) {
      let raw: unknown;
      try {
        raw = await redis.send(keyOf(uri), ['GET', keyOf(uri)]);
      } catch (error) {
        redis.onError(error as Error);
        return undefined;
      }
      if (typeof raw !== 'string') return undefined;
      let stored: Stored;
      try {
        stored = JSON.parse(raw) as Stored;
      } catch {
        return undefined;
      }
      const { entry } = stored ?? {};
      if (stored?.uri !== uri || !entry || !Array.isArray(entry.keys)) return undefined;
      const expected = mac(uri, entry);
      if (expected !== undefined) {
        const got = Buffer.from(String(stored.mac ?? ''));
        const want = Buffer.from(expected);
        if (got.length !== want.length || !timingSafeEqual(got, want)) {
          redis.onError(new Error(`${where}: an entry with a bad signature was ignored`));
          return undefined;
        }
      }
      return entry;
    },
    async set(uri, entry) {
      const stored: Stored = { uri, entry };
      const signature = mac(uri, entry);
      if (signature !== undefined) stored.mac = signature;
      const ttlMs =
        Math.max(1000, Math.ceil(entry.expiresAtMs - Date.now())) + Math.round(staleSeconds * 1000);
      try {
        await redis.send(keyOf(uri), ['SET', keyOf(uri), JSON.stringify(stored), 'PX', String(ttlMs)]);
      } catch (error) {
        redis.onError(error as Error);
      }
    },
  };
}
