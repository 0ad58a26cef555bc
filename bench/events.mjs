#!/usr/bin/env node
// Auth-event cost (`pnpm bench:events`): one process, alternating rounds, median ns per request on the
// hot path (a cached token through the binding layer, and a Fastify route through `inject`) with nobody
// listening, with an `onEvent` listener, and with the adapter's default logger routing.
// Options: --rounds 7 --iterations 200000 (BENCH_ROUNDS, BENCH_ITERATIONS).
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createAuthenticator } from '@auth/core';
import { compileRouteRequirement, createAuthBinding } from '@auth/core/internal';
import { fastifyAuth } from '@auth/fastify';
import Fastify from 'fastify';
import { startIssuer } from './http/lib/keys.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '7' },
    iterations: { type: 'string', default: process.env.BENCH_ITERATIONS ?? '200000' },
  },
});
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const idp = await startIssuer();
const issuers = [{ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri }];
const request = { headers: { authorization: `Bearer ${idp.token}` } };
const route = compileRouteRequirement(true, { where: 'bench' });

let sink = 0;
async function binding(extra) {
  const auth = createAuthenticator({ issuers, ...extra });
  const b = createAuthBinding(auth, { where: 'bench', requestOf: (r) => r, contextOf: () => ({}) });
  await b.run(request, route); // warm: keys fetched, token cached
  return {
    run(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) if (b.run(request, route) !== undefined) sink++;
      return ((performance.now() - t0) * 1e6) / n;
    },
    close: () => auth.close(),
  };
}

async function fastify(extra) {
  const app = Fastify();
  await app.register(fastifyAuth, { issuers, defaultAuth: 'required', ...extra });
  app.get('/items', async () => []);
  await app.inject({ url: '/items', headers: request.headers });
  return {
    async run(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await app.inject({ url: '/items', headers: request.headers });
      return ((performance.now() - t0) * 1e6) / n;
    },
    close: () => app.close(),
  };
}

const suites = [
  [
    'binding, cached token',
    binding,
    iterations,
    {
      'no listener': {},
      'onEvent (noop)': { onEvent: () => {} },
    },
  ],
  [
    'fastify inject, cached token',
    fastify,
    Math.max(1, iterations / 100),
    {
      'logger: false (no listener)': { logger: false },
      'default (Fastify logger off)': {},
      'onEvent (noop)': { logger: false, onEvent: () => {} },
    },
  ],
];

for (const [title, make, n, variants] of suites) {
  const built = Object.fromEntries(
    await Promise.all(Object.entries(variants).map(async ([k, v]) => [k, await make(v)])),
  );
  const samples = Object.fromEntries(Object.keys(built).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? Object.keys(built) : Object.keys(built).reverse();
    for (const k of order) samples[k].push(await built[k].run(n));
  }
  const base = median(samples[Object.keys(built)[0]]);
  console.log(`\n${title} (${rounds} rounds × ${n}):`);
  console.table(
    Object.fromEntries(
      Object.entries(samples).map(([k, xs]) => [
        k,
        { 'ns/req (median)': Math.round(median(xs)), 'vs no listener': +(median(xs) / base).toFixed(3) },
      ]),
    ),
  );
  for (const b of Object.values(built)) await b.close();
}
await idp.close();
if (sink < 0) console.log(sink);
