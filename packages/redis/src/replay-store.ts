/**
 * A fleet-wide "seen once" store for one-time identifiers (a DPoP proof's `jti`, a logout token's
 * `jti`, a nonce): set-if-absent with the identifier's remaining lifetime as TTL.
 */
import { commander, type RedisStoreOptions, RedisUnavailableError } from './connection.ts';
import { AuthError } from '@auth/core';

/**
 * The replay-store interface: `claim` resolves true the first time an id is seen (in its lifetime)
 * and false for every replay, on any replica. Errors reject (fail closed: a proof that cannot be
 * checked is refused with 503 `ERR_AUTH_STATE_UNAVAILABLE`).
 *
 * @example
 * const fresh: boolean = await replay.claim(`dpop:${jti}`, 60);
 * if (!fresh) throw new Error('proof replayed');
 */
export interface ReplayStore {
  claim(id: string, lifetimeSeconds: number): Promise<boolean>;
}

/**
 * A `ReplayStore` on Redis (`SET id 1 NX EX lifetime`).
 *
 * @example
 * const replay = redisReplayStore({ redis });
 * if (!(await replay.claim(proof.jti, 60))) throw new Error('DPoP proof replayed');
 */
export function redisReplayStore(options: RedisStoreOptions): ReplayStore {
  const redis = commander(options, 'redisReplayStore()');
  return {
    async claim(id, lifetimeSeconds) {
      if (typeof id !== 'string' || id === '' || id.length > 1024)
        throw new TypeError('claim(): id must be a non-empty string');
      if (typeof lifetimeSeconds !== 'number' || !Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0)
        throw new TypeError('claim(): lifetimeSeconds must be a number > 0');
      const key = `${redis.prefix}replay:${id}`;
      try {
        const reply = await redis.send(key, [
          'SET',
          key,
          '1',
          'NX',
          'PX',
          String(Math.ceil(lifetimeSeconds * 1000)),
        ]);
        return reply === 'OK';
      } catch (cause) {
        throw stateUnavailable('replay store', cause);
      }
    },
  };
}

/** 503 `ERR_AUTH_STATE_UNAVAILABLE` with `Retry-After`, for a decision that needs Redis. */
export function stateUnavailable(what: string, cause: unknown): AuthError {
  return new AuthError('ERR_AUTH_STATE_UNAVAILABLE', `The ${what} is unavailable`, {
    status: 503,
    error: null,
    challenge: false,
    retryAfterSeconds: 5,
    cause: cause instanceof RedisUnavailableError ? cause : undefined,
  });
}
