// The revocation scenarios of bench/http.mjs: a Redis revocation list (`@auth/redis`, local copy kept
// current by pub/sub) holding 10,000 revoked token ids, whose `check` is the authenticator's
// `customCheck`, so every request (token-cache hits included) is checked against it.
import { createRequire } from 'node:module';

/** `ctx.redisUrl`: the redis-server bench/http.mjs started. `prefix` keeps scenarios apart. */
export async function revocationCheck(ctx, prefix) {
  if (!ctx.redisUrl)
    throw new Error('revocation scenario: no redis-server (apt-get install -y redis-server)');
  const { redisRevocationList } = await import('@auth/redis');
  // node-redis is a dependency of @auth/redis: resolve it from there.
  const { createClient } = await import(
    createRequire(new URL('../../../packages/redis/package.json', import.meta.url)).resolve('redis')
  );
  const connect = () => createClient({ url: ctx.redisUrl, disableOfflineQueue: true }).connect();
  const redis = await connect();
  const subscriber = await connect();
  const list = await redisRevocationList({ redis, subscriber, prefix, commandTimeoutMs: 5_000 });
  const exp = Date.now() / 1000 + 3600;
  for (let i = 0; i < 10_000; i += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => list.revokeToken(`revoked-${i + j}`, exp)));
  }
  return {
    check: list.check,
    async close() {
      await list.close();
      subscriber.destroy();
      redis.destroy();
    },
  };
}

/** A scenario's server whose `close` also closes `extra`. */
export const closing = (started, extra) => ({
  ...started,
  close: async () => {
    await started.close?.();
    await extra.close();
  },
});
