#!/usr/bin/env node
// HTTP benchmark (`pnpm bench:http`): req/s and server CPU µs per request of each scenario, as ratios to
// the framework's no-auth baseline, medians of alternating rounds. Then the reject scenarios: one app per
// framework serving GET /health and GET /items behind our middleware, loaded with requests it must reject
// (no header, expired token, forged signature with the published kid, a random kid per request), reported
// as server CPU µs per request and as a ratio to the same app's /health (target ≤ 2×).
//
// Scenario modules: bench/http/*.mjs, each exporting
//   framework: string, baseline: scenario name, targets?: [{ scenario, over, min }],
//   scenarios: { [name]: async (ctx) => ({ port, close? }) }
// ctx = { issuer, audience, jwksUri, listenNode(listener) }; every scenario serves GET /items on 127.0.0.1
// and authenticates the bearer token the load generator sends (RS256, local JWKS).
// Each server runs in its own child process (tsx, so scenarios may import workspace sources); autocannon
// runs here. Options: [framework…] --duration 5 --rounds 3 --connections 10 (or BENCH_* env vars);
// --suite accept|reject|all|dpop (BENCH_SUITE) and --scenarios 'name,name' (BENCH_SCENARIOS: accept
// scenarios and reject loads to run; the baselines always run) to save time. `dpop` runs only the
// baseline, 'ours, cache on' and 'ours, DPoP' of each framework.
// 'ours, DPoP': the server requires DPoP (http/lib/dpop.mjs); every request here sends the same
// DPoP-bound token with a fresh proof (its own jti), from a pool signed before each load starts (enough
// for the scenario's last req/s; if a load outruns it, more are signed on the fly and reported). The
// row is reported as the CPU µs per request DPoP adds over 'ours, cache on' (Bearer, cached token).
// Reject scenario modules also export rejectApp(ctx) => ({ port, close? }), and may export variants as
// rejectApps: { [label]: (ctx) => ({ port, close? }) } (reported as "framework (label)").
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startRedisServer } from '../scripts/demo/redis.mjs';
import { dpopClient } from './http/lib/dpop.mjs';
import { startIssuer } from './http/lib/keys.mjs';

// @auth/bench's directory: tsx reads its tsconfig.json, whose `paths` map @auth/* to their sources.
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const env = process.env;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: env.BENCH_DURATION ?? '5' },
    rounds: { type: 'string', default: env.BENCH_ROUNDS ?? '3' },
    connections: { type: 'string', default: env.BENCH_CONNECTIONS ?? '10' },
    warmup: { type: 'string', default: env.BENCH_WARMUP ?? '1' },
    suite: { type: 'string', default: env.BENCH_SUITE ?? 'all' },
    scenarios: { type: 'string', default: env.BENCH_SCENARIOS ?? '' },
  },
});
if (!['accept', 'reject', 'all', 'dpop'].includes(values.suite))
  throw new TypeError('--suite: accept, reject, all or dpop');
const DPOP = 'ours, DPoP';
const CACHE_ON = 'ours, cache on';
const only = values.scenarios.split(',').filter(Boolean);
/** CPU µs per request a cached token may add over no auth, per framework (issue: the glue's cost). */
const GLUE_MAX_MICROS = { fastify: 1, hono: 1, express: 2, 'nest-express': 2, 'nest-fastify': 2 };
/** CPU µs per request the Redis revocation check may add to a cached token (issue 16). */
const REVOCATION_MAX_MICROS = 1;
/** A rejected request may cost at most this many times the same app's /health. */
const REJECT_MAX_RATIO = 2;
// Scenario names may hold commas ('ours, cache on'): `|` separates names too.
const onlyNames = values.scenarios.split('|').map((n) => n.trim());
const wanted = (name, baseline) =>
  values.suite === 'dpop'
    ? name === baseline || name === CACHE_ON || name === DPOP
    : only.length === 0 || name === baseline || only.includes(name) || onlyNames.includes(name);
const duration = Number(values.duration);
const rounds = Math.max(1, Number(values.rounds));
const connections = Number(values.connections);
const warmup = Number(values.warmup);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const children = new Set();
function stopAll() {
  for (const child of children) child.kill();
}
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

function startServer(modulePath, scenario, ctx) {
  const child = fork(
    fileURLToPath(new URL('./http/lib/server-child.mjs', import.meta.url)),
    [modulePath, scenario],
    {
      cwd: benchDir,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: `${benchDir}tsconfig.json`, BENCH_CTX: JSON.stringify(ctx) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  children.add(child);
  const ask = (message, key) =>
    new Promise((resolve, reject) => {
      const onExit = (code) => reject(new Error(`${scenario}: server exited (${code})`));
      const onMessage = (m) => {
        if (m?.[key] !== undefined) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(m[key]);
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      if (message) child.send(message);
    });
  return ask(null, 'port').then((port) => ({
    port,
    cpu: () => ask('cpu', 'cpu'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send('stop');
        children.delete(child);
      }),
  }));
}

/**
 * `token`: a string, a function called per request, undefined (no Authorization header), or
 * `{ headers() }` (DPoP: the headers of each request).
 */
function load(port, token, seconds, path = '/items') {
  const bearer = (t) => ({ authorization: `Bearer ${t}` });
  const perRequest =
    typeof token === 'function'
      ? () => bearer(token())
      : typeof token === 'object'
        ? token.headers
        : undefined;
  return autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    headers: typeof token === 'string' ? bearer(token) : {},
    ...(perRequest
      ? {
          requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...perRequest() } }) }],
        }
      : {}),
    connections,
    duration: seconds,
  });
}

/** One load run; `status` counts the responses with the expected status (others are `unexpected`). */
async function measure(server, token, path, status = 200) {
  const before = await server.cpu();
  const result = await load(server.port, token, duration, path);
  const after = await server.cpu();
  const cpuMicros = after.user - before.user + (after.system - before.system);
  const requests = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const expected = result.statusCodeStats?.[status]?.count ?? 0;
  return {
    rps: result.requests.average,
    cpuPerRequest: requests > 0 ? cpuMicros / requests : Number.NaN,
    non2xx: result.non2xx,
    unexpected: requests - expected,
    errors: result.errors + result.timeouts,
  };
}

const moduleDir = fileURLToPath(new URL('./http/', import.meta.url));
// BENCH_MODULES: extra scenario modules (absolute paths, comma-separated), e.g. for a one-off comparison.
const modules = readdirSync(moduleDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()
  .map((f) => `${moduleDir}${f}`)
  .concat((env.BENCH_MODULES ?? '').split(',').filter(Boolean));

const issuer = await startIssuer();
// The DPoP client: one key, its bound token, proofs made per load (each jti is single-use per server).
const dpop = dpopClient();
const dpopToken = issuer.boundToken(dpop.jkt);
const dpopRate = {};
const dpopExtra = { signedDuringLoad: 0 };
/** DPoP credentials for one load of `seconds`: proofs for the scenario's best req/s so far, +30 %. */
function dpopCredentials(key, seconds) {
  let pool = dpop.proofs(Math.ceil((dpopRate[key] ?? 3000) * seconds * 1.3) + 500, dpopToken);
  let next = 0;
  return {
    headers() {
      if (next >= pool.length) {
        pool = dpop.proofs(500, dpopToken);
        next = 0;
        dpopExtra.signedDuringLoad += 500;
      }
      return { authorization: `DPoP ${dpopToken}`, dpop: pool[next++] };
    },
  };
}
const ctx = { issuer: issuer.issuer, audience: issuer.audience, jwksUri: issuer.jwksUri };
// The revocation scenarios (modules' `needsRedis`) share one redis-server, when one can be started.
let redis;
if (values.suite !== 'reject') {
  try {
    redis = await startRedisServer();
    ctx.redisUrl = redis.url;
  } catch (error) {
    console.log(`no redis-server (${error.message.split('\n')[0]}): revocation scenarios skipped`);
  }
}
const report = {
  date: new Date().toISOString(),
  node: process.version,
  duration,
  rounds,
  connections,
  frameworks: {},
  rejects: {},
};
let failed = false;
// Other processes on the machine skew req/s: say how busy it was.
const loadAverage = () => loadavg()[0].toFixed(1);
report.loadStart = loadavg()[0];
console.log(`${availableParallelism()} cores, load average ${loadAverage()} at start`);

try {
  for (const modulePath of modules) {
    const mod = await import(modulePath);
    if (positionals.length > 0 && !positionals.includes(mod.framework)) continue;
    try {
      if (values.suite !== 'reject') report.frameworks[mod.framework] = await runFramework(modulePath, mod);
      if ((values.suite === 'reject' || values.suite === 'all') && mod.rejectApp) {
        for (const label of ['', ...Object.keys(mod.rejectApps ?? {})]) {
          const name = label ? `${mod.framework} (${label})` : mod.framework;
          report.rejects[name] = await runRejects(modulePath, name, label);
        }
      }
    } catch (error) {
      // One broken scenario module must not hide the others' figures.
      failed = true;
      stopAll();
      console.log(`  ERROR ${mod.framework}: ${error instanceof Error ? error.message : error}`);
    }
  }
} finally {
  stopAll();
  await issuer.close();
  await redis?.stop();
}

/** Starts every scenario server of one module, runs the alternating rounds and prints the table. */
async function runFramework(modulePath, mod) {
  const names = Object.keys(mod.scenarios).filter(
    (n) => wanted(n, mod.baseline) && (ctx.redisUrl || !mod.needsRedis?.includes(n)),
  );
  console.log(
    `\n${mod.framework}: ${names.length} scenarios, ${rounds} rounds × ${duration} s, ${connections} connections`,
  );
  const servers = {};
  for (const name of names) servers[name] = await startServer(modulePath, name, ctx);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const key = (name) => `${mod.framework}/${name}`;
  const credentials = (name, seconds) => (name === DPOP ? dpopCredentials(key(name), seconds) : issuer.token);
  // Warm-up: JIT, JWKS fetch, caches.
  for (const name of names) {
    const result = await load(servers[name].port, credentials(name, warmup), warmup);
    if (name === DPOP) dpopRate[key(name)] = result.requests.average;
  }
  for (let round = 0; round < rounds; round++) {
    // Alternate the order each round so drift (thermal, neighbours) does not favour one scenario.
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const sample = await measure(servers[name], credentials(name, duration));
      if (name === DPOP) dpopRate[key(name)] = Math.max(dpopRate[key(name)] ?? 0, sample.rps);
      samples[name].push(sample);
      process.stdout.write(`  round ${round + 1} ${name}: ${Math.round(sample.rps)} req/s\n`);
    }
  }
  await Promise.all(names.map((n) => servers[n].stop()));

  const rows = {};
  for (const name of names) {
    const s = samples[name];
    rows[name] = {
      rps: median(s.map((x) => x.rps)),
      cpuPerRequest: median(s.map((x) => x.cpuPerRequest)),
      non2xx: s.reduce((a, x) => a + x.non2xx, 0),
      errors: s.reduce((a, x) => a + x.errors, 0),
    };
  }
  const base = rows[mod.baseline];
  console.log(`\n${mod.framework} (medians)`);
  console.table(
    Object.fromEntries(
      names.map((n) => [
        n,
        {
          'req/s': Math.round(rows[n].rps),
          'vs no-auth': +(rows[n].rps / base.rps).toFixed(2),
          'CPU µs/req': +rows[n].cpuPerRequest.toFixed(1),
          'CPU vs no-auth': +(rows[n].cpuPerRequest / base.cpuPerRequest).toFixed(2),
          'non-2xx': rows[n].non2xx,
        },
      ]),
    ),
  );
  // Two views of each target: req/s (what the target names) and requests per server CPU-second, which
  // stays meaningful when other processes compete for the cores (a busy machine skews req/s).
  const checks = (mod.targets ?? [])
    .filter((t) => rows[t.scenario] && rows[t.over])
    .map((t) => {
      const ratio = rows[t.scenario].rps / rows[t.over].rps;
      const cpuRatio = rows[t.over].cpuPerRequest / rows[t.scenario].cpuPerRequest;
      return { ...t, ratio: +ratio.toFixed(2), cpuRatio: +cpuRatio.toFixed(2), pass: ratio >= t.min };
    });
  for (const c of checks) {
    console.log(
      `  ${c.pass ? 'PASS' : 'MISS'} ${c.scenario} / ${c.over}: req/s ${c.ratio}, req per CPU-s ${c.cpuRatio} (target ≥ ${c.min})`,
    );
  }
  // The glue's own cost: CPU µs a cached token adds per request over the same framework without auth
  // (core's cached path itself is ~0.4 µs; the rest is the adapter).
  const glueMax = GLUE_MAX_MICROS[mod.framework];
  if (rows['ours, cache on'] && glueMax !== undefined) {
    const added = rows['ours, cache on'].cpuPerRequest - base.cpuPerRequest;
    checks.push({ scenario: 'glue', added: +added.toFixed(2), max: glueMax, pass: added <= glueMax });
    console.log(
      `  ${added <= glueMax ? 'PASS' : 'MISS'} glue: a cached token adds ${added.toFixed(2)} µs CPU/request over no auth (target ≤ ${glueMax})`,
    );
  }
  // The Redis revocation check's cost: CPU µs it adds per request to a cached token (same app without it).
  const revocation = rows['ours, cache on, revocation'];
  if (revocation && rows['ours, cache on']) {
    const added = revocation.cpuPerRequest - rows['ours, cache on'].cpuPerRequest;
    const pass = added <= REVOCATION_MAX_MICROS;
    checks.push({ scenario: 'revocation', added: +added.toFixed(2), max: REVOCATION_MAX_MICROS, pass });
    console.log(
      `  ${pass ? 'PASS' : 'MISS'} revocation: the Redis revocation check adds ${added.toFixed(2)} µs CPU/request to a cached token (target ≤ ${REVOCATION_MAX_MICROS})`,
    );
  }
  // DPoP's cost: what a fresh proof per request (and the bound token, never cached) adds over Bearer
  // with a cached token. No target; bench:dpop holds the proof verification's own target.
  if (rows[DPOP] && rows[CACHE_ON]) {
    const added = rows[DPOP].cpuPerRequest - rows[CACHE_ON].cpuPerRequest;
    checks.push({ scenario: 'dpop', addedOverCacheOn: +added.toFixed(1) });
    console.log(
      `  DPoP adds ${added.toFixed(1)} µs CPU/request over '${CACHE_ON}' (${rows[DPOP].cpuPerRequest.toFixed(1)} vs ${rows[CACHE_ON].cpuPerRequest.toFixed(1)})`,
    );
  }
  for (const n of names) {
    if (rows[n].non2xx > 0 || rows[n].errors > 0) {
      failed = true;
      console.log(`  ERROR ${n}: ${rows[n].non2xx} non-2xx responses, ${rows[n].errors} errors`);
    }
  }
  return { rows, checks };
}

/** The reject loads: path, token (string, per-request function or none) and the status they must get. */
function rejectLoads() {
  const all = {
    health: { path: '/health', status: 200 },
    'no header': { path: '/items', status: 401 },
    expired: { path: '/items', token: issuer.expiredToken, status: 401 },
    'forged, known kid': { path: '/items', token: issuer.forgedToken, status: 401 },
    'random kid': { path: '/items', token: issuer.randomKidToken, status: 401 },
  };
  return Object.fromEntries(Object.entries(all).filter(([n]) => wanted(n, 'health')));
}

/** One reject app per framework, every load against it in alternating rounds, CPU ratios to /health. */
async function runRejects(modulePath, framework, label) {
  const loads = rejectLoads();
  const names = Object.keys(loads);
  console.log(
    `\n${framework} rejects: ${names.length} loads, ${rounds} rounds × ${duration} s, ${connections} connections`,
  );
  const server = await startServer(modulePath, label ? `@reject:${label}` : '@reject', ctx);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await load(server.port, loads[name].token, warmup, loads[name].path);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const { token, path, status } = loads[name];
      const sample = await measure(server, token, path, status);
      samples[name].push(sample);
      process.stdout.write(
        `  round ${round + 1} ${name}: ${sample.cpuPerRequest.toFixed(1)} µs/req, ${Math.round(sample.rps)} req/s\n`,
      );
    }
  }
  await server.stop();
  const rows = {};
  for (const name of names) {
    const s = samples[name];
    rows[name] = {
      rps: median(s.map((x) => x.rps)),
      cpuPerRequest: median(s.map((x) => x.cpuPerRequest)),
      unexpected: s.reduce((a, x) => a + x.unexpected, 0),
      errors: s.reduce((a, x) => a + x.errors, 0),
    };
    rows[name].vsHealth = rows[name].cpuPerRequest / rows.health.cpuPerRequest;
  }
  console.log(`\n${framework} rejects (medians)`);
  console.table(
    Object.fromEntries(
      names.map((n) => [
        n,
        {
          status: loads[n].status,
          'CPU µs/req': +rows[n].cpuPerRequest.toFixed(1),
          'CPU vs /health': +rows[n].vsHealth.toFixed(2),
          'req/s': Math.round(rows[n].rps),
        },
      ]),
    ),
  );
  const checks = names
    .filter((n) => n !== 'health')
    .map((n) => ({
      scenario: n,
      cpuRatio: +rows[n].vsHealth.toFixed(2),
      pass: rows[n].vsHealth <= REJECT_MAX_RATIO,
    }));
  for (const c of checks) {
    console.log(
      `  ${c.pass ? 'PASS' : 'MISS'} ${c.scenario}: CPU ${c.cpuRatio}× /health (target ≤ ${REJECT_MAX_RATIO})`,
    );
  }
  for (const n of names) {
    if (rows[n].unexpected > 0 || rows[n].errors > 0) {
      failed = true;
      console.log(
        `  ERROR ${n}: ${rows[n].unexpected} responses other than ${loads[n].status}, ${rows[n].errors} errors`,
      );
    }
  }
  return { rows, checks };
}

report.loadEnd = loadavg()[0];
if (dpopExtra.signedDuringLoad > 0) {
  report.dpopProofsSignedDuringLoad = dpopExtra.signedDuringLoad;
  console.log(`note: ${dpopExtra.signedDuringLoad} DPoP proofs were signed during loads (pool outrun)`);
}
// Side by side: the CPU a request costs with no auth, Bearer with a cached token, and DPoP.
const dpopRows = Object.entries(report.frameworks).filter(([, f]) => f.rows[DPOP] && f.rows[CACHE_ON]);
if (dpopRows.length > 0) {
  console.log('\nDPoP per framework (server CPU µs/request, medians)');
  console.table(
    Object.fromEntries(
      dpopRows.map(([name, f]) => [
        name,
        {
          'no auth': +(f.rows['no auth']?.cpuPerRequest ?? Number.NaN).toFixed(1),
          [CACHE_ON]: +f.rows[CACHE_ON].cpuPerRequest.toFixed(1),
          [DPOP]: +f.rows[DPOP].cpuPerRequest.toFixed(1),
          'DPoP adds': +(f.rows[DPOP].cpuPerRequest - f.rows[CACHE_ON].cpuPerRequest).toFixed(1),
          'DPoP req/s': Math.round(f.rows[DPOP].rps),
        },
      ]),
    ),
  );
}
console.log(`load average ${loadAverage()} at the end`);
mkdirSync(`${benchDir}results`, { recursive: true });
writeFileSync(`${benchDir}results/http.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nJWKS fetches: ${issuer.counters.jwks}; results in bench/results/http.json`);
process.exit(failed ? 1 : 0);
