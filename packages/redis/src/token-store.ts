/**
 * The client token cache of a fleet: one token set per store key on Redis, and a lock so that one
 * replica grants per expiry while the others wait for the set it stores.
 *
 * Lock: `SET lock NX PX ttl` in a script that also bumps a fencing counter; the holder renews it
 * while its grant runs (so a dead holder's lock lapses after `lockTtlMs`) and stores its set with a
 * script that checks it still owns the lock and that no newer fence wrote before it.
 */
import { ConfigurationError } from '@auth/core';
import { randomUUID } from 'node:crypto';
import type { TokenSet, TokenStore, TokenStoreAcquired, TokenStoreLease } from '@auth/core/client';
import { commander, type RedisStoreOptions, RedisUnavailableError, tag } from './connection.ts';

/**
 * Options of `redisTokenStore`.
 *
 * @example
 * const store = redisTokenStore({ redis, lockTtlMs: 5_000, waitMs: 15_000 } satisfies RedisTokenStoreOptions);
 */
export interface RedisTokenStoreOptions extends RedisStoreOptions {
  /** How long a lock outlives its holder in ms (default 5 000): a killed replica's lock lapses after this. */
  lockTtlMs?: number;
  /** How long a replica waits for another one's grant before failing, in ms (default 30 000). */
  waitMs?: number;
  /** Poll interval of a waiting replica in ms (default 25, plus up to as much jitter). */
  pollMs?: number;
  /** Seconds a set with a refresh token stays on Redis (default 30 days); sets without one expire with their access token. */
  refreshTokenTtlSeconds?: number;
}

// KEYS: lock, tokens, fence counter. ARGV: owner, ttl. Returns { fence or 0, stored set or nil }.
const ACQUIRE = `
local stored = redis.call('GET', KEYS[2])
local held = redis.call('GET', KEYS[1])
if held then
  -- A retried acquire whose first reply was lost: the lock is already ours.
  if string.sub(held, 1, #ARGV[1] + 1) == ARGV[1] .. '/' then return {tonumber(string.sub(held, #ARGV[1] + 2)), stored} end
  return {0, stored}
end
local fence = redis.call('INCR', KEYS[3])
redis.call('SET', KEYS[1], ARGV[1] .. '/' .. fence, 'PX', ARGV[2])
return {fence, stored}`;

// KEYS: lock, tokens, last written fence. ARGV: owner/fence, fence, set JSON, ttl ms (0: none).
const COMMIT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[2]) then return 0 end
if ARGV[4] == '0' then redis.call('SET', KEYS[2], ARGV[3]) else redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
redis.call('SET', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[1])
return 1`;

// KEYS: lock. ARGV: owner/fence, ttl. Renews (1) or releases (ttl 0) a lock only its owner holds.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

// KEYS: lock. ARGV: owner. Deletes the lock if any fence of this owner holds it.
const DROP_OWNER = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[1] + 1) == ARGV[1] .. '/' then redis.call('DEL', KEYS[1]) return 1 end
return 0`;

/**
 * Counters of a Redis token store (observability, tests, benchmarks).
 *
 * @example
 * const { leases, waits, fallbacks } = store.stats;
 */
export interface RedisTokenStoreStats {
  /** Locks this process won (it granted). */
  leases: number;
  /** Times this process waited and then used a set another replica stored. */
  waits: number;
  /** Commits refused because the lock had been lost (fencing). */
  fenced: number;
  /** Grants run without the fleet lock because Redis was unavailable (per-process single flight). */
  fallbacks: number;
}

/**
 * A `TokenStore` that also implements the fleet lock (`acquire`).
 *
 * @example
 * const store: RedisTokenStore = redisTokenStore({ redis });
 * console.log(store.stats.leases);
 */
export interface RedisTokenStore extends TokenStore {
  acquire(key: string, usable: (tokens: TokenSet) => boolean): Promise<TokenStoreAcquired>;
  readonly stats: RedisTokenStoreStats;
}

/**
 * Token sets on Redis for every replica of a service, with one grant per expiry for the whole fleet.
 * When Redis is unavailable the store falls back to what the process has (per-process single flight)
 * and reports the failure to `onError`: tokens keep flowing, only the sharing stops.
 *
 * @example
 * import { createClient } from 'redis';
 * import { clientCredentials } from '@auth/core/client';
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const tokens = clientCredentials({ issuer, clientId: 'orders', clientSecret, store: redisTokenStore({ redis }) });
 */
export function redisTokenStore(options: RedisTokenStoreOptions): RedisTokenStore {
  const where = 'redisTokenStore()';
  const redis = commander(options, where);
  const ms = (name: string, value: number | undefined, fallback: number): number => {
    const v = value ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new ConfigurationError(`${where}: ${name} must be a number > 0`);
    return v;
  };
  const lockTtlMs = Math.ceil(ms('lockTtlMs', options.lockTtlMs, 5_000));
  const waitMs = ms('waitMs', options.waitMs, 30_000);
  const pollMs = ms('pollMs', options.pollMs, 25);
  const refreshTtlMs = ms('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds, 30 * 86_400) * 1000;
  const stats: RedisTokenStoreStats = { leases: 0, waits: 0, fenced: 0, fallbacks: 0 };
  const keys = (key: string) => {
    const base = `${redis.prefix}token:${tag(key)}`;
    return { tokens: base, lock: `${base}:lock`, fence: `${base}:fence`, written: `${base}:written` };
  };
  const ttlOf = (set: TokenSet): number =>
    set.refreshToken !== undefined
      ? Math.round(refreshTtlMs)
      : Math.max(1, Math.ceil((Number.isFinite(set.expiresAtMs) ? set.expiresAtMs : 0) - Date.now()) + 1_000);

  const fallbackLease = (key: string): TokenStoreLease => {
    stats.fallbacks++;
    return {
      commit: async (set) => {
        await store.set(key, set);
        return true;
      },
      release: async () => undefined,
    };
  };

  const store: RedisTokenStore = {
    stats,
    async get(key) {
      try {
        return parse(await redis.send(keys(key).tokens, ['GET', keys(key).tokens]));
      } catch (error) {
        redis.onError(asError(error));
        return undefined;
      }
    },
    async set(key, tokens) {
      const k = keys(key);
      try {
        await redis.send(k.tokens, ['SET', k.tokens, JSON.stringify(tokens), 'PX', String(ttlOf(tokens))]);
      } catch (error) {
        redis.onError(asError(error));
      }
    },
    async delete(key) {
      const k = keys(key);
      try {
        await redis.send(k.tokens, ['DEL', k.tokens]);
      } catch (error) {
        redis.onError(asError(error));
      }
    },
    async acquire(key, usable) {
      const k = keys(key);
      const owner = randomUUID();
      const giveUpAt = Date.now() + waitMs;
      let waited = false;
      for (;;) {
        let reply: unknown;
        const acquireArgs = ['EVAL', ACQUIRE, '3', k.lock, k.tokens, k.fence, owner, String(lockTtlMs)];
        try {
          // One retry before giving up on the fleet lock: a slow reply is not yet an outage.
          reply = await redis.send(k.tokens, acquireArgs).catch(() => redis.send(k.tokens, acquireArgs));
        } catch (error) {
          // Redis down: grant without the fleet lock (the token source still runs one grant per process).
          redis.onError(asError(error));
          // A paused server may still run the timed-out acquire later: drop that orphan lock right after
          // it (same connection, same order), or the fleet would wait out its TTL.
          redis.send(k.lock, ['EVAL', DROP_OWNER, '1', k.lock, owner]).catch(() => undefined);
          return { lease: fallbackLease(key) };
        }
        const [fence, raw] = reply as [number, string | null];
        const stored = parse(raw);
        if (stored && usable(stored)) {
          if (fence > 0) await release(k.lock, `${owner}/${fence}`);
          if (waited) stats.waits++;
          return { tokens: stored };
        }
        if (fence > 0) {
          stats.leases++;
          return { tokens: stored, lease: lease(k, `${owner}/${fence}`, fence) };
        }
        if (Date.now() >= giveUpAt) {
          throw new RedisUnavailableError('token lock', `another replica held it for more than ${waitMs} ms`);
        }
        waited = true;
        await sleep(pollMs + Math.random() * pollMs);
      }
    },
  };

  async function release(lockKey: string, owner: string): Promise<void> {
    try {
      await redis.send(lockKey, ['EVAL', RENEW, '1', lockKey, owner, '0']);
    } catch (error) {
      redis.onError(asError(error)); // the lock lapses by itself
    }
  }

  function lease(k: ReturnType<typeof keys>, owner: string, fence: number): TokenStoreLease {
    // Renew while the grant runs: only a dead (or cut-off) holder lets the lock lapse.
    const renew = setInterval(
      () => {
        redis.send(k.lock, ['EVAL', RENEW, '1', k.lock, owner, String(lockTtlMs)]).catch(() => undefined);
      },
      Math.max(10, Math.floor(lockTtlMs / 3)),
    );
    renew.unref?.();
    let done = false;
    const finish = () => {
      done = true;
      clearInterval(renew);
    };
    return {
      async commit(set) {
        if (done) return false;
        finish();
        try {
          const ok = await redis.send(k.tokens, [
            'EVAL',
            COMMIT,
            '3',
            k.lock,
            k.tokens,
            k.written,
            owner,
            String(fence),
            JSON.stringify(set),
            String(ttlOf(set)),
          ]);
          if (ok === 1) return true;
          stats.fenced++;
          return false;
        } catch (error) {
          redis.onError(asError(error));
          return false;
        }
      },
      async release() {
        if (done) return;
        finish();
        await release(k.lock, owner);
      },
    };
  }

  return store;
}

function parse(raw: unknown): TokenSet | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const set = JSON.parse(raw) as TokenSet;
    return set && typeof set === 'object' && typeof set.accessToken === 'string' ? set : undefined;
  } catch {
    return undefined;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new RedisUnavailableError('command', 'unknown failure');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
