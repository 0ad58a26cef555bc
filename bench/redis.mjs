// pnpm bench:redis — @auth/redis on a real redis-server started here on a free 127.0.0.1 port (sources
// imported through tsx, no build). Needs `redis-server` on PATH (apt-get install -y redis-server).
//  1. Fleet token count: 4 worker processes (bench/redis-worker.mjs, each with its own connections) ×
//     1,000 concurrent getToken() against a counting token endpoint → token requests (target 1).
//  2. Revocation cost per request: verify() of a cached token with customCheck = the revocation list's
//     check (10,000 revoked ids) vs the same verifier with an empty customCheck, rounds alternating,
//     median round; target ≤ 1 µs added.
//  3. Propagation across 4 processes: each worker holds the revocation list's local copy (pub/sub + version
//     poll); per round one worker revokes a jti and the 3 others check it every ms until they reject it.
//     Delay = from the revoke call on one process to the rejection on another (clocks: performance.timeOrigin
//     + now(), one machine); p50/p99/max over all (round, watcher) pairs (target p99 ≤ 100 ms).
//  4. Memory per entry (bench/redis-sizing.mjs): a session, a revoked jti / subject / sid (on Redis and in
//     each replica's local copy), an API-key record, a limiter entry, a replay id.
// Options: --ops=100000 (verify ops per round), --rounds=200 (propagation rounds).
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const { startRedis } = await import('../packages/redis/test/support/redis-server.ts');
const { measureSizing, printSizing } = await import('./redis-sizing.mjs');
const { redisRevocationList } = await import('../packages/redis/src/index.ts');
const { createVerifier } = await import('../packages/core/src/index.ts');
const { generateKeyPair, mintToken, startJwksServer } = await import('../packages/testing/src/index.ts');
// node-redis is a dependency of @auth/redis: resolve it from there.
const { createClient } = await import(
  createRequire(new URL('../packages/redis/package.json', import.meta.url)).resolve('redis')
);

const ROUNDS = 7;
const arg = (name, fallback) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const OPS = arg('ops', 100_000);
const PROPAGATION_ROUNDS = arg('rounds', 200);
const WORKERS = 4;
const loadAverage = () => loadavg()[0].toFixed(1);
console.log(`${availableParallelism()} cores, load average ${loadAverage()} at start`);
const server = await startRedis();
const clients = [];
const workers = [];
const connect = async () => {
  const c = await createClient({ url: server.url, disableOfflineQueue: true }).connect();
  clients.push(c);
  return c;
};

/** Resolves with the first message of `worker` that `match` accepts. */
const reply = (worker, match) =>
  new Promise((resolve, reject) => {
    const onMessage = (m) => {
      if (!match(m)) return;
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code) => reject(new Error(`bench worker exited (${code})`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });

try {
  // The token endpoint of part 1: counts requests, answers after 100 ms.
  let requests = 0;
  const idp = createServer((_req, res) => {
    requests++;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: `at-${requests}`, token_type: 'Bearer', expires_in: 3600 }));
    }, 100);
  });
  await new Promise((r) => idp.listen(0, '127.0.0.1', r));
  const env = {
    ...process.env,
    REDIS_URL: server.url,
    PREFIX: 'bench:',
    TOKEN_ENDPOINT: `http://127.0.0.1:${idp.address().port}/token`,
  };
  for (let i = 0; i < WORKERS; i++) {
    const worker = fork(fileURLToPath(new URL('./redis-worker.mjs', import.meta.url)), { env });
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => reply(w, (m) => m === 'ready')));

  // 1. Fleet token count, 4 processes.
  const distinct = await Promise.all(
    workers.map((w) => {
      const answer = reply(w, (m) => m?.tokens !== undefined);
      w.send({ tokens: 1000 });
      return answer;
    }),
  );
  const oneToken = distinct.every((d) => d.tokens === 1);
  console.log(
    `fleet token count: ${WORKERS} processes × 1,000 concurrent getToken() → ${requests} token request(s) (target 1)${oneToken ? ', one token everywhere' : `, distinct tokens per process: ${distinct.map((d) => d.tokens).join(', ')}`}`,
  );
  idp.close();

  // 2. Revocation cost per request (token-cache hits), in this process.
  const lists = [];
  for (let i = 0; i < 2; i++) {
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
  for (const list of lists) await list.close();

  // 3. Propagation across 4 processes: one revokes, the 3 others watch.
  const delays = [];
  const afterAck = [];
  const worst = [];
  for (let round = 0; round < PROPAGATION_ROUNDS; round++) {
    const jti = `prop-${round}`;
    const revoker = workers[round % WORKERS];
    const watchers = workers.filter((w) => w !== revoker);
    await Promise.all(
      watchers.map((w) => {
        const armed = reply(w, (m) => m?.watching === jti);
        w.send({ watch: jti });
        return armed;
      }),
    );
    const seen = watchers.map((w) => reply(w, (m) => m?.seen === jti));
    const acked = reply(revoker, (m) => m?.acked === jti);
    revoker.send({ revoke: jti });
    const [ack, ...sightings] = await Promise.all([acked, ...seen]);
    const round3 = sightings.map((s) => s.at - ack.start);
    delays.push(...round3);
    afterAck.push(...sightings.map((s) => Math.max(0, s.at - ack.at)));
    worst.push(Math.max(...round3));
  }
  const pct = (xs, p) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)].toFixed(2);
  };
  console.log(
    `revocation propagation, ${WORKERS} processes, ${PROPAGATION_ROUNDS} revocations × 3 watchers (${delays.length} samples), from the revoke call to the rejection on another process:`,
  );
  console.log(
    `  p50 ${pct(delays, 0.5)} ms, p99 ${pct(delays, 0.99)} ms, max ${pct(delays, 1)} ms (target p99 ≤ 100 ms); last of the 3 per round: p50 ${pct(worst, 0.5)} ms, p99 ${pct(worst, 0.99)} ms; after Redis acknowledged it: p50 ${pct(afterAck, 0.5)} ms, p99 ${pct(afterAck, 0.99)} ms`,
  );

  // 4. Memory per entry (the sizing table of packages/redis/README.md).
  const info = await (await connect()).sendCommand(['INFO', 'server']);
  printSizing(await measureSizing(server.url), /redis_version:(\S+)/.exec(info)?.[1] ?? '?');
  console.log(`load average ${loadAverage()} at the end`);
} finally {
  for (const w of workers) if (w.connected) w.send('stop');
  await Promise.all(workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : null)));
  for (const c of clients) c.destroy();
  await server.stop();
}
