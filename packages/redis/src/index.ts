export {
  type RedisClusterLike,
  type RedisConnection,
  type RedisNodeLike,
  type RedisStoreOptions,
  RedisUnavailableError,
} from './connection.ts';
export {
  type RedisTokenStore,
  type RedisTokenStoreOptions,
  type RedisTokenStoreStats,
  redisTokenStore,
} from './token-store.ts';
export {
  type FailureLimiter,
  headerOf,
  limitFailures,
  type RedisFailureLimiterOptions,
  redisFailureLimiter,
} from './failure-limiter.ts';
export { type RedisJwksCacheStoreOptions, redisJwksCacheStore } from './jwks-cache-store.ts';
export { type ReplayStore, redisReplayStore } from './replay-store.ts';
export { type RedisSecretStore, redisSecretStore } from './secret-store.ts';
export { type RedisSessionStoreOptions, redisSessionStore } from './session-store.ts';
export {
  type RedisRevocationList,
  type RedisRevocationOptions,
  type RedisSubscriberLike,
  redisRevocationList,
} from './revocation.ts';
