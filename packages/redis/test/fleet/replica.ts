/**
 * One replica of the fleet tests, in its own process: a client-credentials source on the Redis token
 * store, `CONCURRENCY` concurrent getToken() calls when the parent says go, the distinct tokens back.
 * Its token requests carry `x-replica` so the endpoint knows who fetched.
 */
import { clientCredentials } from '@auth/core/client';
import { createClient, createCluster } from 'redis';
import { type RedisConnection, redisTokenStore } from '../../src/index.ts';

const env = process.env;
const id = env.REPLICA_ID ?? '?';
const urls = (env.REDIS_URLS ?? '').split(',');
const redis: RedisConnection =
  env.REDIS_CLUSTER === '1'
    ? await createCluster({ rootNodes: urls.map((url) => ({ url })) }).connect()
    : await createClient({ url: urls[0] }).connect();
const tokens = clientCredentials({
  tokenEndpoint: env.TOKEN_ENDPOINT ?? '',
  clientId: 'svc',
  clientSecret: 'x',
  allowInsecureRequests: true,
  store: redisTokenStore({
    redis,
    prefix: env.PREFIX ?? 'fleet:',
    lockTtlMs: Number(env.LOCK_TTL_MS ?? 5000),
    commandTimeoutMs: 2_000, // four processes starting at once on a loaded CI machine
  }),
  fetch: (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('x-replica', id);
    return fetch(input, { ...init, headers });
  },
});
process.on('message', async (message) => {
  if (message !== 'go') return;
  const n = Number(env.CONCURRENCY ?? 1000);
  const got = await Promise.all(Array.from({ length: n }, () => tokens.getToken()));
  process.send?.({ id, distinct: [...new Set(got)], calls: got.length, requests: tokens.stats.requests });
  process.exit(0);
});
process.send?.('ready');
