// pnpm bench:redis — @auth/redis on a real redis-server started here on a free 127.0.0.1 port (sources
// imported through tsx, no build). Needs `redis-server` on PATH (apt-get install -y redis-server).
//  1. Fleet token count: 4 sources on 4 connections × 1,000 concurrent getToken() → token requests (target 1).
//     (The 4-process proof is packages/redis/test/fleet.test.ts.)
//  2. Revocation cost per request: verify() of a cached token with customCheck = the revocation list's
//     check (10,000 revoked ids) vs the same verifier with an empty customCheck, rounds alternating,
//     median round; target ≤ 1 µs added.
//  3. Propagation: a revocation on one replica until the 3 others reject it, p50/p99 (target p99 ≤ 100 ms).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const { startRedis } = await import('../packages/redis/test/support/redis-server.ts');
const { redisTokenStore, redisRevocationList } = await import('../packages/redis/src/index.ts');
const { clientCredentials } = await import('../packages/core/src/client/index.ts');
const { createVerifier } = await import('../packages/core/src/index.ts');
const { generateKeyPair, mintToken, startJwksServer } = await import('../packages/testing/src/index.ts');
// node-redis is a dependency of @auth/redis: resolve it from there.
const { createClient } = await import(
  createRequire(new URL('../packages/redis/package.json', import.meta.url)).resolve('redis')
);

const ROUNDS = 7;
const OPS = Number(process.argv.find((a) => a.startsWith('--ops='))?.slice(6) ?? 100_000);
const server = await startRedis();
const clients = [];
const connect = async () => {
  const c = await createClient({ url: server.url, disableOfflineQueue: true }).connect();
  clients.push(c);
  return c;
};

try {
  // 1. Fleet token count.
  let requests = 0;
  const idp = createServer((_req, res) => {
    requests++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `at-${requests}`, token_type: 'Bearer', expires_in: 3600 }));
    }, 100);
  });
  await new Promise((r) => idp.listen(0, '127.0.0.1', r));
  const tokenEndpoint = `http://127.0.0.1:${idp.address().port}/token`;
  const sources = await Promise.all(
    [0, 1, 2, 3].map(async () =>
      clientCredentials({
        tokenEndpoint,
        clientId: 'svc',
        clientSecret: 'x',
        allowInsecureRequests: true,
        store: redisTokenStore({ redis: await connect(), prefix: 'bench:', commandTimeoutMs: 5_000 }),
      }),
    ),
  );
  await Promise.all(sources.flatMap((s) => Array.from({ length: 1000 }, () => s.getToken())));
  console.log(
    `fleet token count: 4 sources × 1,000 concurrent getToken() → ${requests} token request(s) (target 1)`,
  );
  idp.close();

  // 2. Revocation cost per request (token-cache hits).
  const lists = [];
  for (let i = 0; i < 4; i++) {
    const redis = await connect();
    const subscriber = await connect();
    lists.push(await redisRevocationList({ redis, subscriber, prefix: 'bench:', commandTimeoutMs: 5_000 }));
  }
  for (let i = 0; i < 10_000; i += 100) {
    await Promise.all(
      Array.from({ length: 100 }, (_, j) =>
        lists[0].revokeToken(`revoked-${i + j}`, Date.now() / 1000 + 3600),
      ),
    );
  }
  const key = await generateKeyPair('ES256', { kid: 'k1' });
  const jwks = await startJwksServer({ keys: [key.publicJwk] });
  const issuers = [
    { issuer: 'https://idp.test', audience: 'api', jwksUri: jwks.jwksUri, algorithms: ['ES256'] },
  ];
  const baseline = createVerifier({ issuers, customCheck: () => {} });
  const revoking = createVerifier({ issuers, customCheck: lists[1].check });
  const token = await mintToken({
    key,
    issuer: 'https://idp.test',
    audience: 'api',
    claims: { jti: 'live', sid: 's1' },
  });
  const candidates = [() => baseline.verify(token), () => revoking.verify(token)];
  for (const fn of candidates) for (let i = 0; i < 2000; i++) await fn(); // warm-up (and cache the token)
  const times = candidates.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [j, fn] of candidates.entries()) {
      const t = performance.now();
      for (let i = 0; i < OPS; i++) await fn();
      times[j].push(((performance.now() - t) * 1000) / OPS);
    }
  }
  const [base, withRevocation] = times.map((l) => l.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]);
  console.log(`verify() of a cached token, ${OPS} ops × ${ROUNDS} alternating rounds, median:`);
  console.log(`  empty customCheck (baseline)          ${base.toFixed(3)} µs/op`);
  console.log(`  revocation check (10,000 revoked ids) ${withRevocation.toFixed(3)} µs/op`);
  console.log(
    `  added per request: ${((withRevocation - base) * 1000).toFixed(0)} ns (target ≤ 1,000 ns); ratio ${(withRevocation / base).toFixed(3)}×`,
  );
  baseline.close?.();
  revoking.close?.();
  await jwks.close();

  // 3. Propagation across replicas.
  const delays = [];
  for (let i = 0; i < 200; i++) {
    const jti = `prop-${i}`;
    await lists[0].revokeToken(jti, Date.now() / 1000 + 60);
    const t = performance.now();
    for (const list of lists.slice(1)) {
      for (;;) {
        try {
          list.check({ subject: 'u', claims: { jti } });
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    delays.push(performance.now() - t);
  }
  delays.sort((a, b) => a - b);
  const pct = (p) => delays[Math.ceil(delays.length * p) - 1].toFixed(2);
  console.log(
    `revocation propagation to 3 replicas (200 revocations, one process): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (target p99 ≤ 100 ms)`,
  );
  for (const list of lists) await list.close();
} finally {
  for (const c of clients) c.destroy();
  await server.stop();
}
