/**
 * Fleet-wide brute-force limiting of failed credentials: a sliding window per key (an API-key id, a
 * client address), counted on Redis so every replica sees every failure. Over the limit: 429
 * `ERR_AUTH_RATE_LIMITED` with `Retry-After`. Redis unavailable: fails open, with a log line.
 */
import { AuthError, type Authenticator, ConfigurationError, isAuthError, type RequestLike } from '@auth/core';
import { readHeader } from '@auth/core/internal';
import { commander, type RedisStoreOptions, tag } from './connection.ts';

/**
 * Options of `redisFailureLimiter`.
 *
 * @example
 * const limiter = redisFailureLimiter({ redis, limit: 10, windowSeconds: 60 } satisfies RedisFailureLimiterOptions);
 */
export interface RedisFailureLimiterOptions extends RedisStoreOptions {
  /** Failures allowed per key within the window (default 10); the next attempt gets a 429. */
  limit?: number;
  /** Length of the sliding window in seconds (default 60). */
  windowSeconds?: number;
}

/**
 * @example
 * await limiter.guard([`key:${keyId}`, `ip:${req.ip}`], () => auth.authenticate(request));
 */
export interface FailureLimiter {
  /** Rejects with a 429 AuthError when any of `keys` (compared case-insensitively) is over its limit. */
  check(keys: readonly string[]): Promise<void>;
  /** Counts one failure against each of `keys`. */
  fail(keys: readonly string[]): Promise<void>;
  /** `check`, then `run`; a 401 from `run` (wrong credentials) counts as a failure of `keys`. */
  guard<T>(keys: readonly string[], run: () => Promise<T> | T): Promise<T>;
}

// KEYS: window. ARGV: now ms, window ms. Returns { failures in window, oldest failure ms }.
const COUNT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {redis.call('ZCARD', KEYS[1]), oldest[2] or '0'}`;

// KEYS: window. ARGV: now ms, window ms, unique member, cap. Adds one failure.
const ADD = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/**
 * A failed-credential limiter shared by the fleet (sorted sets on Redis, one per key).
 *
 * @example
 * const limiter = redisFailureLimiter({ redis, limit: 5, windowSeconds: 300 });
 * const principal = await limiter.guard([`key:${keyId}`, `ip:${address}`], () => keys.authenticate(request));
 */
export function redisFailureLimiter(options: RedisFailureLimiterOptions): FailureLimiter {
  const where = 'redisFailureLimiter()';
  const redis = commander(
    {
      ...options,
      onError: options.onError ?? ((e) => console.warn(`[@auth/redis] limiter fails open: ${e.message}`)),
    },
    where,
  );
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1)
    throw new ConfigurationError(`${where}: limit must be an integer >= 1`);
  const windowSeconds = options.windowSeconds ?? 60;
  if (typeof windowSeconds !== 'number' || !Number.isFinite(windowSeconds) || windowSeconds <= 0)
    throw new ConfigurationError(`${where}: windowSeconds must be a number > 0`);
  const windowMs = Math.ceil(windowSeconds * 1000);
  // Case-insensitive: a store may match ids in any case (envSecretStore's `normalize`, Windows env) and an
  // IPv6 address has several spellings; one counter per spelling would multiply the limit. Folding
  // costs nothing: anyone can already fail against any key.
  const keyOf = (k: string) => `${redis.prefix}limit:${tag(k.toLowerCase())}`;
  let seq = 0;
  const limiter: FailureLimiter = {
    async check(keys) {
      const now = Date.now();
      let retryAfterMs = 0;
      await Promise.all(
        keys.map(async (k) => {
          try {
            const [count, oldest] = (await redis.send(keyOf(k), [
              'EVAL',
              COUNT,
              '1',
              keyOf(k),
              String(now),
              String(windowMs),
            ])) as [number, string];
            if (count >= limit) retryAfterMs = Math.max(retryAfterMs, Number(oldest) + windowMs - now);
          } catch (error) {
            redis.onError(error as Error); // fail open: the limiter must not lock everyone out
          }
        }),
      );
      if (retryAfterMs > 0) {
        throw new AuthError('ERR_AUTH_RATE_LIMITED', 'Too many failed attempts', {
          status: 429,
          error: null,
          challenge: false,
          retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
        });
      }
    },
    async fail(keys) {
      const now = Date.now();
      await Promise.all(
        keys.map(async (k) => {
          try {
            const member = `${now}-${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
            await redis.send(keyOf(k), [
              'EVAL',
              ADD,
              '1',
              keyOf(k),
              String(now),
              String(windowMs),
              member,
              String(limit * 2),
            ]);
          } catch (error) {
            redis.onError(error as Error);
          }
        }),
      );
    },
    async guard(keys, run) {
      await limiter.check(keys);
      try {
        return await run();
      } catch (error) {
        // Branded check: an AuthError from another copy of @auth/core counts too.
        if (isAuthError(error) && error.status === 401) await limiter.fail(keys);
        throw error;
      }
    },
  };
  return limiter;
}

/**
 * `authenticator` behind `limiter`: each request's `keysOf(req)` (e.g. the presented key id, the
 * client address) is checked before the credentials, and a 401 counts one failure against each key. Over
 * the limit: 429 `ERR_AUTH_RATE_LIMITED` with `Retry-After`, which every adapter renders in the
 * contract's JSON shape. `keysOf` returning no keys (no credentials to count) skips the limiter.
 *
 * @example
 * const keys = limitFailures(apiKeyPairAuth({ store }), redisFailureLimiter({ redis, limit: 10 }), (req) => {
 *   const id = headerOf(req, 'x-principal-id');
 *   return id ? [`key:${id}`] : [];
 * });
 * app.get('/service', requireAuth(keys), handler);
 */
export function limitFailures(
  authenticator: Authenticator,
  limiter: FailureLimiter,
  keysOf: (req: RequestLike) => readonly string[],
): Authenticator {
  if (typeof authenticator?.authenticate !== 'function' || typeof authenticator.hasCredentials !== 'function')
    throw new ConfigurationError('limitFailures(): authenticator must be an Authenticator');
  if (typeof limiter?.guard !== 'function')
    throw new ConfigurationError('limitFailures(): limiter must be a FailureLimiter');
  if (typeof keysOf !== 'function')
    throw new ConfigurationError('limitFailures(): keysOf must be a function');
  return {
    realm: authenticator.realm,
    hasCredentials: (req) => authenticator.hasCredentials(req),
    async authenticate(req, options) {
      const keys = keysOf(req);
      if (keys.length === 0) return authenticator.authenticate(req, options);
      return limiter.guard(keys, () => authenticator.authenticate(req, options));
    },
    close: () => authenticator.close(),
  };
}

/**
 * The value of one request header, read as core's authenticators read it (names case-insensitive in a
 * header record of any spelling); undefined when absent or repeated (the authenticators refuse a
 * repeated credential header), for `limitFailures`' `keysOf`.
 *
 * @example
 * const id = headerOf(req, 'x-principal-id'); // string | undefined
 */
export function headerOf(req: RequestLike, name: string): string | undefined {
  const reading = readHeader(req, name.toLowerCase());
  return reading.repeated ? undefined : reading.value;
}
