#!/usr/bin/env node
/**
 * pnpm bench:keys — JWKS fetches under unknown-`kid` load, against a real JWKS server (@auth/testing's,
 * on 127.0.0.1) and a virtual clock, so 60 s of traffic take a few seconds of wall time.
 *
 * Each scenario sends RATE requests per virtual second for DURATION_S virtual seconds (in slices of
 * 10 ms whose requests run concurrently, so in-flight fetches are shared as under real load), each
 * token naming a random `kid`, and counts the requests that reached the JWKS endpoint:
 *
 * - storm: random kids only. The bound is 1 + duration / 5 s (≤ 13 for 60 s).
 * - rotation: the IdP publishes a new key one slice after the refetch at half time; from then on 1
 *   request in 10 carries a token signed by it. Prints how long after publication it was first
 *   accepted (bound: 5 s, the refetch interval).
 * - outage: the JWKS endpoint answers 500 for the middle third while the IdP rotates; new-key tokens
 *   (1 in 10) must get 503, never 401, and pass within 2 s of the endpoint's return.
 *
 * Plain Node: core's and @auth/testing's sources are bundled on the fly with esbuild (bench/tsconfig.json's
 * `paths` map both names to their sources).
 * Env: RATE (default 1,000), DURATION_S (default 60).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const coreDir = dirname(fileURLToPath(import.meta.resolve('@auth/core/package.json')));

// Tuning knobs for local runs (not build inputs).
const settings = { ...process.env };
const RATE = Number(settings.RATE ?? 1_000);
const DURATION_S = Number(settings.DURATION_S ?? 60);
const SLICE_MS = 10;

// ---- build core's verifier and the testing kit from source ----
const outdir = mkdtempSync(join(tmpdir(), 'auth-bench-keys-'));
await esbuild.build({
  stdin: {
    contents: [
      `export { createVerifier } from '@auth/core';`,
      `export { generateKeyPair, mintToken, startJwksServer } from '@auth/testing';`,
    ].join('\n'),
    resolveDir: benchDir,
    loader: 'ts',
  },
  tsconfig: join(benchDir, 'tsconfig.json'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: join(outdir, 'keys.mjs'),
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
const lib = await import(pathToFileURL(join(outdir, 'keys.mjs')).href);
rmSync(outdir, { recursive: true, force: true });

const AUDIENCE = 'api://bench-keys';
const [oldKey, newKey] = await Promise.all([
  lib.generateKeyPair('ES256', { kid: 'old' }),
  lib.generateKeyPair('ES256', { kid: 'rotated-in' }),
]);

/**
 * Runs one scenario. `at(ms)` is called at the start of each slice (publish keys, switch faults);
 * `pick(ms, i)` returns 'new' when request i at virtual time ms carries the new key's token.
 */
async function scenario(name, { at = () => {}, pick = () => 'random' } = {}) {
  const server = await lib.startJwksServer({ keys: [oldKey] });
  let now = Date.now();
  const clock = () => now;
  const verifier = lib.createVerifier({
    issuers: [{ issuer: server.issuer, audience: AUDIENCE, jwksUri: server.jwksUri }],
    clock,
    cacheSize: 0,
  });
  await verifier.hydrate();
  server.resetCounters();
  const start = now;
  const mint = (key) =>
    lib.mintToken({
      key,
      issuer: server.issuer,
      audience: AUDIENCE,
      subject: 'u',
      now: clock,
      expiresIn: 3 * 3600,
    });
  // Signatures are never checked for a kid that is not found: one signed token, many headers.
  const [h, p, s] = (await mint(oldKey)).split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString());
  const withKid = (kid) =>
    `${Buffer.from(JSON.stringify({ ...header, kid })).toString('base64url')}.${p}.${s}`;
  const newToken = await mint(newKey);

  const statuses = { random: new Map(), new: new Map() };
  const count = (kind, status) => statuses[kind].set(status, (statuses[kind].get(status) ?? 0) + 1);
  const fetchTimes = [];
  let firstNewAccepted;
  const perSlice = (RATE * SLICE_MS) / 1000;
  const wall0 = performance.now();
  for (let ms = 0; ms < DURATION_S * 1000; ms += SLICE_MS) {
    await at(ms, server);
    const before = server.counters.jwks;
    const pending = [];
    for (let i = 0; i < perSlice; i++) {
      now = start + ms + Math.floor((i * SLICE_MS) / perSlice);
      const kind = pick(ms, i);
      const token =
        kind === 'new' ? newToken : withKid(`random-${ms}-${i}-${Math.random().toString(36).slice(2)}`);
      pending.push(
        verifier.verify(token).then(
          () => {
            count(kind, 200);
            if (kind === 'new') firstNewAccepted ??= ms;
          },
          (e) => count(kind, e.status ?? 500),
        ),
      );
    }
    await Promise.all(pending);
    if (server.counters.jwks > before) fetchTimes.push(ms);
  }
  const wallMs = performance.now() - wall0;
  verifier.close();
  await server.close();
  const fmt = (m) => [...m].map(([k, v]) => `${k}×${v.toLocaleString('en-US')}`).join(' ') || '—';
  console.log(
    `\n${name}: ${(RATE * DURATION_S).toLocaleString('en-US')} requests over ${DURATION_S} s virtual (${(wallMs / 1000).toFixed(1)} s wall)`,
  );
  console.log(
    `  JWKS fetches: ${server.counters.jwks} (bound while the endpoint answers: 1 + ${DURATION_S} / 5 = ` +
      `${1 + DURATION_S / 5}), at s ${fetchTimes.map((t) => (t / 1000).toFixed(2)).join(', ')}`,
  );
  console.log(`  random kids: ${fmt(statuses.random)}`);
  if (statuses.new.size > 0) console.log(`  new-key token: ${fmt(statuses.new)}`);
  return { fetches: server.counters.jwks, fetchTimes, statuses, firstNewAccepted };
}

const half = (DURATION_S * 1000) / 2;
const third = Math.round(DURATION_S / 3) * 1000;
// One slice after the refetch at half time: the case of a key published right after another refetch.
const published = half + SLICE_MS;

const storm = await scenario('storm (random kids only)');

const rotation = await scenario(
  `rotation (new key published at ${published / 1000} s, just after a refetch; 1 request in 10 uses it)`,
  {
    at: (ms, server) => {
      if (ms === published) server.setKeys([oldKey, newKey]);
    },
    pick: (ms, i) => (ms >= published && i % 10 === 0 ? 'new' : 'random'),
  },
);
const rotationDelay = rotation.firstNewAccepted - published;
console.log(`  new key first accepted ${(rotationDelay / 1000).toFixed(2)} s after publication (bound 5 s)`);

// The IdP rotates while its JWKS endpoint is unreachable from here. New-key tokens arrive from 5 s into
// the outage, once no successful fetch is recent enough to answer 401 for them.
const outage = await scenario(
  `outage (JWKS answers 500 from ${third / 1000} s to ${(2 * third) / 1000} s, new key published at its start, ` +
    `its tokens sent from ${(third + 5_000) / 1000} s)`,
  {
    at: (ms, server) => {
      if (ms === third) {
        server.setKeys([oldKey, newKey]);
        server.fail('error500');
      }
      if (ms === 2 * third) server.fail(null);
    },
    pick: (ms, i) => (ms >= third + 5_000 && i % 10 === 0 ? 'new' : 'random'),
  },
);
const new401 = outage.statuses.new.get(401) ?? 0;
const outageFetches = outage.fetchTimes.filter((t) => t >= third && t < 2 * third).length;
const recovery = outage.firstNewAccepted - 2 * third;
console.log(
  `  new key: ${outage.statuses.new.get(503) ?? 0} × 503 during the outage, ${new401} × 401, first accepted ` +
    `${(recovery / 1000).toFixed(2)} s after the endpoint came back (bound 2 s)`,
);
console.log(
  `  ${outageFetches} of the fetches were failed attempts during the ${(third / 1000).toFixed(0)} s outage ` +
    '(failure backoff 0.5 s, 1 s, then 0.75–1.5 s: the unknown-kid bound holds while the endpoint answers)',
);

const bound = 1 + DURATION_S / 5;
const failures = [];
if (storm.fetches > bound) failures.push(`storm: ${storm.fetches} fetches > ${bound}`);
if (rotation.fetches > bound) failures.push(`rotation: ${rotation.fetches} fetches > ${bound}`);
if (!(rotationDelay <= 5_000)) failures.push('rotation: new key not accepted within 5 s');
if (new401 > 0) failures.push(`outage: ${new401} new-key requests got 401`);
if (!(recovery <= 2_000)) failures.push('outage: new key not accepted within 2 s of the return');
if (failures.length > 0) {
  console.error(`\nFAILED: ${failures.join('; ')}`);
  process.exitCode = 1;
}
