import type { Authenticator, EnvLike } from '@auth/core';
import type { TokenStore } from '@auth/core/client';
import { cookieName, cookieSettings, createSealer, type WebLoginConfig } from '@auth/core/login';
import {
  type FailureLimiter,
  headerOf,
  limitFailures,
  type RedisRevocationList,
  redisFailureLimiter,
  redisRevocationList,
  redisSessionStore,
  redisTokenStore,
} from '@auth/redis';
import { createClient } from 'redis';

/** The fleet's shared state on Redis (`REDIS_URL`), for replicas of one demo app. */
export interface DemoFleet {
  /** The client tokens of `GET /items/upstream`: one token request per expiry for the whole fleet. */
  tokenStore: TokenStore;
  /** Revoked tokens, subjects and sessions; `revocations.check` is the authenticators' `customCheck`. */
  revocations: RedisRevocationList;
  /** Failed API keys, counted per key id across the fleet (`FLEET_LIMIT` per `FLEET_WINDOW_SECONDS`). */
  limiter: FailureLimiter;
  /** `web` with its login sessions on Redis (id in the cookie), so any replica serves any session. */
  withSessions(web: WebLoginConfig): WebLoginConfig;
  close(): Promise<void>;
}

const positive = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`${name} must be an integer >= 1`);
  return n;
};

/**
 * The fleet state when `REDIS_URL` is set (undefined otherwise: the demo keeps its in-memory state).
 * `REDIS_PREFIX` (default `demo:`) separates apps sharing one Redis; `FLEET_LIMIT` (default 5) and
 * `FLEET_WINDOW_SECONDS` (default 60) set the failed-API-key limiter.
 */
export async function demoFleetFromEnv(env: EnvLike): Promise<DemoFleet | undefined> {
  const url = env.REDIS_URL;
  if (!url) return undefined;
  const prefix = env.REDIS_PREFIX || 'demo:';
  const limit = positive('FLEET_LIMIT', env.FLEET_LIMIT, 5);
  const windowSeconds = positive('FLEET_WINDOW_SECONDS', env.FLEET_WINDOW_SECONDS, 60);
  // disableOfflineQueue: a command sent while Redis is down fails at once (each store has a deadline).
  const redis = createClient({ url, disableOfflineQueue: true });
  redis.on('error', (e: Error) => console.warn(`redis: ${e.message}`)); // node-redis reconnects by itself
  await redis.connect();
  const subscriber = redis.duplicate();
  subscriber.on('error', (e: Error) => console.warn(`redis subscriber: ${e.message}`));
  await subscriber.connect();
  const revocations = await redisRevocationList({ redis, subscriber, prefix });
  return {
    tokenStore: redisTokenStore({ redis, prefix }),
    revocations,
    limiter: redisFailureLimiter({ redis, prefix, limit, windowSeconds }),
    withSessions(web) {
      const settings = cookieSettings(web.redirectUri, web.cookie);
      const store = redisSessionStore({
        redis,
        prefix,
        settings,
        name: cookieName(web.cookieName ?? 'session', settings),
        sealer: createSealer(web.cookieKeys),
        idleLifetimeSeconds: web.idleLifetimeSeconds,
        absoluteLifetimeSeconds: web.absoluteLifetimeSeconds,
      });
      return { ...web, store };
    },
    async close() {
      await revocations.close();
      subscriber.destroy();
      redis.destroy();
    },
  };
}

/**
 * `authenticator` behind the fleet's failed-credential limiter, keyed by the presented key id
 * (`idHeader`): over the limit every attempt with that id gets 429 `ERR_AUTH_RATE_LIMITED` with
 * `Retry-After`, on every replica, before the key is checked.
 */
export function limitApiKeyFailures(
  authenticator: Authenticator,
  limiter: FailureLimiter,
  idHeader = 'x-principal-id',
): Authenticator {
  return limitFailures(authenticator, limiter, (req) => {
    const id = headerOf(req, idHeader);
    return id === undefined ? [] : [`key:${id}`];
  });
}
