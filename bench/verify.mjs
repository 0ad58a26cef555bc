#!/usr/bin/env node
/**
 * pnpm bench:verify — token verification throughput against the floor and other libraries.
 *
 * Floor: base64url decode + JSON.parse (header, payload) + crypto.verify with a cached KeyObject.
 * Contenders: @auth/core createVerifier with `signatureVerification: 'sync'` (token cache off / on; and
 * cache off with the default 'threadpool' as an extra line, `pool*`, CPU counted across threads), jose jwtVerify, aws-jwt-verify verifySync,
 * fast-jwt createVerifier. Each figure is the median of ROUNDS timed rounds after a warm-up, printed as
 * operations per CPU-second and as a ratio to the floor. Then JWKS fetch counts for a 1,000-request cold burst and a
 * 1,000 unknown-kid storm, and heap after many distinct tokens with the cache on.
 *
 * Plain Node: core's sources are bundled on the fly with esbuild, `#crypto` → node backend. The libraries
 * compared against are devDependencies of @auth/bench.
 * Env: ROUND_MS (default 250), ROUNDS (default 5), ALGS (default RS256,ES256,EdDSA), HEAP_TOKENS
 * (default 1,000,000), HEAP_BUDGET_MS (default 55,000: the heap run stops early, and says so, past it).
 */
import { createHmac, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JwtVerifier } from 'aws-jwt-verify';
import * as esbuild from 'esbuild';
import fastJwt from 'fast-jwt';
import * as jose from 'jose';

// @auth/core by name (a workspace:* dependency); the entry bundled below is internal, so it is read from sources.
const coreDir = dirname(fileURLToPath(import.meta.resolve('@auth/core/package.json')));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// Tuning knobs for local runs (not build inputs).
const settings = { ...process.env };
const ROUND_MS = Number(settings.ROUND_MS ?? 250);
const ROUNDS = Math.max(5, Number(settings.ROUNDS ?? 5));
const HEAP_TOKENS = Number(settings.HEAP_TOKENS ?? 1_000_000);
const HEAP_BUDGET_MS = Number(settings.HEAP_BUDGET_MS ?? 55_000);
const ALGS = (settings.ALGS ?? 'RS256,ES256,EdDSA').split(',');

// ---- build core's verifier from source ----
const outdir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
await esbuild.build({
  entryPoints: [join(coreDir, 'src/verify/bench-entry.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: join(outdir, 'core.mjs'),
  logLevel: 'error',
  plugins: [
    {
      name: 'crypto-node',
      setup(build) {
        build.onResolve({ filter: /^#crypto$/ }, () => ({
          path: join(coreDir, 'src/verify/crypto/node.ts'),
        }));
      },
    },
  ],
});
const core = await import(pathToFileURL(join(outdir, 'core.mjs')).href);
rmSync(outdir, { recursive: true, force: true });

// ---- fixtures ----
const ISSUER = 'https://issuer.bench.example';
const AUDIENCE = 'api://bench';
const now = Math.floor(Date.now() / 1000);
const b64u = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const DIGEST = { RS256: 'sha256', ES256: 'sha256', EdDSA: null };

function makeKey(alg, kid) {
  const pair =
    alg === 'RS256'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  return { alg, kid, ...pair, jwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

function mint(key, claims = {}) {
  const input = `${b64u({ alg: key.alg, kid: key.kid, typ: 'JWT' })}.${b64u({
    iss: ISSUER,
    sub: 'user-1',
    aud: AUDIENCE,
    iat: now,
    exp: now + 3600,
    scope: 'read:items write:items',
    client_id: 'bench-client',
    ...claims,
  })}`;
  const opts = key.alg === 'ES256' ? { key: key.privateKey, dsaEncoding: 'ieee-p1363' } : key.privateKey;
  return `${input}.${sign(DIGEST[key.alg], Buffer.from(input), opts).toString('base64url')}`;
}

const memoryFetch = (getKeys, counter = { n: 0 }, delayMs = 0) =>
  Object.assign(
    async () => {
      counter.n++;
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return new Response(JSON.stringify({ keys: getKeys() }), {
        headers: { 'content-type': 'application/json' },
      });
    },
    { counter },
  );

// ---- measurement ----
/**
 * One timed round of `fn` (sync or promise-returning, awaited in sequence): operations per CPU second of
 * this process (process.cpuUsage), which stays meaningful on a machine shared with other work, where
 * wall-clock rates swing with the scheduler. Thread-pool work (WebCrypto) is counted too.
 */
async function round(fn, isAsync) {
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + ROUND_MS;
  while (performance.now() < end) {
    if (isAsync) for (let i = 0; i < 50; i++) await fn();
    else for (let i = 0; i < 50; i++) fn();
    ops += 50;
  }
  const { user, system } = process.cpuUsage(cpu0);
  return (ops * 1e6) / (user + system);
}

/**
 * Rounds interleave the contenders (floor, ours, jose, …, floor, ours, …) so that load from other
 * processes hits all of them alike; the median per contender is reported.
 */
async function measureAll(contenders) {
  for (const c of contenders) await round(c.fn, c.isAsync); // warm-up
  const samples = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < contenders.length; i++)
      samples[i].push(await round(contenders[i].fn, contenders[i].isAsync));
  }
  return samples.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]);
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(12);
const rows = [];

for (const alg of ALGS) {
  const key = makeKey(alg, `${alg}-1`);
  const token = mint(key);
  const keyObject = createPublicKey({ key: key.jwk, format: 'jwk' });
  const floorOpts = alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject;
  const floor = () => {
    const [h, p, s] = token.split('.');
    JSON.parse(Buffer.from(h, 'base64url').toString());
    JSON.parse(Buffer.from(p, 'base64url').toString());
    if (!verify(DIGEST[alg], Buffer.from(`${h}.${p}`), floorOpts, Buffer.from(s, 'base64url')))
      throw new Error('floor');
  };

  const issuerConfig = { issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks`, algorithms: [alg] };
  // The sync path measures the verifier itself; the default under HTTP load is the thread pool (README).
  const oursOff = core.createVerifier({
    issuers: [issuerConfig],
    cacheSize: 0,
    signatureVerification: 'sync',
    fetch: memoryFetch(() => [key.jwk]),
  });
  const oursOn = core.createVerifier({
    issuers: [issuerConfig],
    signatureVerification: 'sync',
    fetch: memoryFetch(() => [key.jwk]),
  });
  // Extra line: the default mode, signature checks on libuv's thread pool, one awaited call at a time:
  // each call pays the hop (thread wake-ups), which concurrent HTTP requests amortise.
  const oursPool = core.createVerifier({
    issuers: [issuerConfig],
    cacheSize: 0,
    signatureVerification: 'threadpool',
    fetch: memoryFetch(() => [key.jwk]),
  });
  await oursOff.hydrate();
  await oursOn.hydrate();
  await oursPool.hydrate();
  await oursOff.verify(token);
  await oursPool.verify(token);

  const joseKey = await jose.importJWK(key.jwk, alg);
  const joseVerify = () =>
    jose.jwtVerify(token, joseKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: [alg] });
  await joseVerify();

  const aws = JwtVerifier.create({ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks` });
  aws.cacheJwks({ keys: [key.jwk] });
  aws.verifySync(token);

  const fast = fastJwt.createVerifier({
    key: key.publicKey.export({ format: 'pem', type: 'spki' }),
    algorithms: [alg],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    cache: false,
  });
  fast(token);

  const contenders = [
    { name: 'floor', fn: floor, isAsync: false },
    { name: 'ours, cache off', fn: () => oursOff.verify(token), isAsync: true },
    { name: 'ours, cache on', fn: () => oursOn.verify(token), isAsync: true },
    { name: 'ours, off, pool*', fn: () => oursPool.verify(token), isAsync: true },
    { name: 'jose jwtVerify', fn: joseVerify, isAsync: true },
    { name: 'aws-jwt-verify', fn: () => aws.verifySync(token), isAsync: false },
    { name: 'fast-jwt', fn: () => fast(token), isAsync: false },
  ];
  const medians = await measureAll(contenders);
  const floorOps = medians[0];
  const entries = contenders.map((c, i) => [c.name, medians[i]]);
  console.log(`\n${alg}`);
  for (const [name, ops] of entries) {
    console.log(
      `  ${name.padEnd(18)} ${fmt(ops)} ops/cpu-s  ${(ops / floorOps).toFixed(2).padStart(6)}x floor`,
    );
    rows.push({ alg, name, ops, ratio: ops / floorOps });
  }
  oursOff.close();
  oursOn.close();
  oursPool.close();
}

// ---- token-cache data structure: the Map LRU we ship vs lru-cache (same workload) ----
{
  const keys = Array.from({ length: 20_000 }, (_, i) =>
    createHmac('sha256', 'k').update(String(i)).digest('base64'),
  );
  // The Map-reinsertion LRU we measured first (and rejected), against lru-cache, which TokenCache wraps.
  const map = new Map();
  const mapLru = {
    get(k) {
      const v = map.get(k);
      if (v !== undefined) {
        map.delete(k);
        map.set(k, v);
      }
      return v;
    },
    set(k, v) {
      map.set(k, v);
      if (map.size > 10_000) map.delete(map.keys().next().value);
    },
  };
  const lru = new core.TokenCache(10_000);
  let i = 0;
  const [mapOps, lruOps] = await measureAll([
    {
      fn: () => {
        const k = keys[i++ % 20_000];
        if (mapLru.get(k) === undefined) mapLru.set(k, i);
      },
      isAsync: false,
    },
    {
      fn: () => {
        const k = keys[i++ % 20_000];
        if (lru.get(k) === undefined) lru.set(k, i);
      },
      isAsync: false,
    },
  ]);
  console.log(
    `\ntoken cache get/set (50% hit): Map LRU ${fmt(mapOps)} ops/cpu-s, lru-cache (shipped) ${fmt(lruOps)} ops/cpu-s`,
  );
}

// ---- JWKS fetch counts ----
{
  const key = makeKey('RS256', 'burst-1');
  const token = mint(key);
  const counter = { n: 0 };
  const v = core.createVerifier({
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks` }],
    cacheSize: 0,
    fetch: memoryFetch(() => [key.jwk], counter, 20),
  });
  const results = await Promise.allSettled(Array.from({ length: 1000 }, () => v.verify(token)));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  console.log(`\ncold burst: 1,000 concurrent verifications → ${counter.n} JWKS fetch(es), ${ok} verified`);
  rows.push({ name: 'cold burst fetches', value: counter.n });

  const stormCounter = { n: 0 };
  const s = core.createVerifier({
    issuers: [{ issuer: ISSUER, audience: AUDIENCE, jwksUri: `${ISSUER}/jwks` }],
    cacheSize: 0,
    fetch: memoryFetch(() => [key.jwk], stormCounter, 20),
  });
  await s.hydrate();
  const before = stormCounter.n;
  const forged = Array.from({ length: 1000 }, (_, i) => mint({ ...key, kid: `unknown-${i}` }));
  const storm = await Promise.allSettled(forged.map((t) => s.verify(t)));
  const rejected = storm.filter((r) => r.status === 'rejected').length;
  console.log(
    `unknown-kid storm: 1,000 unknown kids → ${stormCounter.n - before} JWKS fetch(es), ${rejected} rejected`,
  );
  rows.push({ name: 'storm fetches', value: stormCounter.n - before });
  v.close();
  s.close();
}

// ---- heap with many distinct tokens ----
// HS256 keeps minting and verifying cheap, so a million tokens fit the time budget; the cache under test
// is the same whatever the algorithm.
{
  const secret = 'bench-secret-bench-secret-bench-secret!';
  const v = core.createVerifier({ issuers: [{ issuer: ISSUER, audience: AUDIENCE, secret }] });
  const head = b64u({ alg: 'HS256', typ: 'JWT' });
  const mintHs = (n) => {
    const input = `${head}.${b64u({ iss: ISSUER, sub: 'user-1', aud: AUDIENCE, iat: now, exp: now + 3600, jti: `t-${n}` })}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  gc();
  const base = process.memoryUsage().heapUsed;
  const started = performance.now();
  const budgetMs = HEAP_BUDGET_MS;
  let n = 0;
  let peak = 0;
  for (; n < HEAP_TOKENS; n++) {
    await v.verify(mintHs(n));
    if (n % 25_000 === 0) {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      if (n > 0 && performance.now() - started > budgetMs) break;
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const line =
    `heap: ${n.toLocaleString('en-US')} distinct tokens verified with the cache on (size 10,000)` +
    `${n < HEAP_TOKENS ? ` [stopped by the ${budgetMs / 1000}s time budget]` : ''}: heapUsed ` +
    `${(base / 2 ** 20).toFixed(1)} MiB before, ${(after / 2 ** 20).toFixed(1)} MiB after (after GC), ` +
    `${(peak / 2 ** 20).toFixed(1)} MiB peak sampled`;
  console.log(`\n${line}`);
  v.close();
}
