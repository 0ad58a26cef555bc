// One replica of `pnpm bench:redis` (bench/redis.mjs forks four), in its own process with its own Redis
// connections: a client-credentials source on the Redis token store and a revocation list (local copy,
// pub/sub). IPC from the parent:
//   { tokens: n }        → n concurrent getToken(); answers { tokens: distinct token count }
//   { watch: jti }       → checks the jti every ms until the copy rejects it; answers { seen: jti, at }
//   { revoke: jti }      → revokeToken(jti); answers { acked: jti, start, at } once Redis acknowledged it
// `at` is epoch milliseconds with sub-ms precision (performance.timeOrigin + now()), comparable across
// processes on one machine.
import { createRequire } from 'node:module';

const { redisRevocationList, redisTokenStore } = await import('../packages/redis/src/index.ts');
const { clientCredentials } = await import('../packages/core/src/client/index.ts');
const { createClient } = await import(
  createRequire(new URL('../packages/redis/package.json', import.meta.url)).resolve('redis')
);

const { REDIS_URL, TOKEN_ENDPOINT, PREFIX } = process.env;
const connect = () => createClient({ url: REDIS_URL, disableOfflineQueue: true }).connect();
const redis = await connect();
const subscriber = await connect();
const tokens = clientCredentials({
  tokenEndpoint: TOKEN_ENDPOINT,
  clientId: 'svc',
  clientSecret: 'x',
  allowInsecureRequests: true,
  store: redisTokenStore({ redis: await connect(), prefix: PREFIX, commandTimeoutMs: 5_000 }),
});
const list = await redisRevocationList({ redis, subscriber, prefix: PREFIX, commandTimeoutMs: 5_000 });
const now = () => performance.timeOrigin + performance.now();

const revoked = (jti) => {
  try {
    list.check({ subject: 'u', claims: { jti } });
    return false;
  } catch {
    return true;
  }
};

process.on('message', async (m) => {
  if (m.tokens) {
    const got = await Promise.all(Array.from({ length: m.tokens }, () => tokens.getToken()));
    process.send({ tokens: new Set(got).size });
  } else if (m.watch) {
    process.send({ watching: m.watch });
    while (!revoked(m.watch)) await new Promise((r) => setTimeout(r, 1));
    process.send({ seen: m.watch, at: now() });
  } else if (m.revoke) {
    const start = now();
    await list.revokeToken(m.revoke, Date.now() / 1000 + 60);
    process.send({ acked: m.revoke, start, at: now() });
  } else if (m === 'stop') {
    await list.close();
    process.exit(0);
  }
});
process.send('ready');
