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
