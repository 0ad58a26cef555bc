#!/usr/bin/env node
// OpenTelemetry cost (`pnpm bench:otel`): in-process CPU per request of a cached token on a route with a
// scope requirement (one auth.authenticate and one auth.authorize per request), without a listener,
// with `openTelemetryListener(otel)` and no SDK registered, and with an SDK (tracer provider with an
// in-memory span exporter, meter provider with an in-memory metric exporter). One process, alternating
// rounds, medians; CPU time (process.cpuUsage), so other processes on the machine weigh less than on
// wall-clock figures. The in-process request is a lower bound of what the same request costs over HTTP
// (bench:http adds sockets and parsing), so "% of request" here bounds the bench:http share from above.
// Options: --rounds 9 --iterations 200000 (BENCH_ROUNDS, BENCH_ITERATIONS); framework suites run
// iterations / 50; --only binding|fastify|hono runs one suite.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as otel from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createAuthenticator, openTelemetryListener } from '@auth/core';
import { compileRouteRequirement, createAuthBinding, eventHubOf } from '@auth/core/internal';
import { fastifyAuth } from '@auth/fastify';
import { requireAuth, requireScopes } from '@auth/hono';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { startIssuer } from './http/lib/keys.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: process.env.BENCH_ROUNDS ?? '9' },
    iterations: { type: 'string', default: process.env.BENCH_ITERATIONS ?? '200000' },
    only: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const cpuNs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
};

// The SDK: registered only around the rounds of the SDK variant (the listener checks the global tracer
// provider per event). Metrics: the SDK variant's listener is made while a meter provider is global;
// the no-SDK listener after it is removed (the metrics API has no proxy: its meter stays a no-op).
otel.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 3_600_000,
});
otel.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const sdkListener = openTelemetryListener(otel);
otel.metrics.disable();
const noSdkListener = openTelemetryListener(otel);
const sdk = (on) => {
  if (on) otel.trace.setGlobalTracerProvider(tracerProvider);
  else otel.trace.disable();
  spans.reset();
};

const idp = await startIssuer();
const issuers = [{ issuer: idp.issuer, audience: idp.audience, jwksUri: idp.jwksUri }];
const headers = { authorization: `Bearer ${idp.token}` }; // scope read:items

// A first JWKS fetch can fail (a kept-alive socket the issuer closed meanwhile, a loaded machine): a
// 503, and the key source backs off for up to 1.5 s. Retry the warm-up after the backoff.
async function warm(status) {
  let last;
  for (let i = 0; i < 5; i++) {
    last = await status();
    if (last === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  throw new Error(`warm-up answered ${last}`);
}

let sink = 0;
async function binding({ also, ...extra }) {
  const auth = createAuthenticator({ issuers, ...extra });
  if (also !== undefined) eventHubOf(auth).add(also); // a second listener, as an adapter's logging adds
  const b = createAuthBinding(auth, { where: 'bench', requestOf: (r) => r, contextOf: () => ({}) });
  const route = compileRouteRequirement({ scopes: ['read:items'] }, { where: 'bench' });
  const request = { headers };
  await warm(async () => ((await b.run(request, route))?.subject === undefined ? 0 : 200)); // keys, cache
  return {
    run(n) {
      const t0 = cpuNs();
      for (let i = 0; i < n; i++) if (b.run(request, route) !== undefined) sink++;
      return (cpuNs() - t0) / n;
    },
    close: () => auth.close(),
  };
}

async function fastify(extra) {
  const app = Fastify();
  await app.register(fastifyAuth, { issuers, logger: false, ...extra });
  app.get('/items', { config: { auth: { scopes: ['read:items'] } } }, async () => []);
  await warm(async () => (await app.inject({ url: '/items', headers })).statusCode);
  return {
    async run(n) {
      const t0 = cpuNs();
      for (let i = 0; i < n; i++) await app.inject({ url: '/items', headers });
      return (cpuNs() - t0) / n;
    },
    close: () => app.close(),
  };
}

async function hono(extra) {
  const app = new Hono();
  const auth = requireAuth({ issuers, ...extra });
  app.get('/items', auth, requireScopes('read:items'), (c) => c.json([]));
  await warm(async () => (await app.request('/items', { headers })).status);
  return {
    async run(n) {
      const t0 = cpuNs();
      for (let i = 0; i < n; i++) await app.request('/items', { headers });
      return (cpuNs() - t0) / n;
    },
    close: () => {},
  };
}

// The first variant of each suite is its baseline: the adapter's default with no OpenTelemetry.
const variants = {
  'no listener': { options: {}, sdk: false },
  'onEvent: () => {}': { options: { onEvent: () => {} }, sdk: false },
  'otel listener, no SDK': { options: { onEvent: noSdkListener }, sdk: false },
  'otel listener, SDK + in-memory': { options: { onEvent: sdkListener }, sdk: true },
};
// Express and Hono log events to the console from `info` by default: one listener is always there, and
// the OpenTelemetry one is a second.
const bindingVariants = {
  ...variants,
  'one listener (Express/Hono default logging)': { options: { onEvent: () => {} }, sdk: false },
  'one listener + otel listener, no SDK': {
    options: { onEvent: () => {}, also: noSdkListener },
    sdk: false,
  },
};
// Hono (like Express) logs events to the console from `info` by default: someone always listens.
const honoVariants = {
  'default (console from info)': { options: {}, sdk: false },
  'default + otel listener, no SDK': { options: { onEvent: noSdkListener }, sdk: false },
  'default + otel listener, SDK + in-memory': { options: { onEvent: sdkListener }, sdk: true },
  'logger: false (no listener)': { options: { logger: false }, sdk: false },
};
const suites = [
  ['binding.run, cached token + requireScopes(read:items)', binding, iterations, bindingVariants],
  [
    'fastify inject (logger off: no listener by default), cached token + config.auth scopes [read:items]',
    fastify,
    Math.max(1, iterations / 50),
    variants,
  ],
  [
    'hono app.request, cached token + requireScopes(read:items)',
    hono,
    Math.max(1, iterations / 50),
    honoVariants,
  ],
];

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
console.log(`node ${process.version}, load average at start ${load()}`);
const results = {};
for (const [title, make, n, variants] of suites) {
  if (values.only !== undefined && !title.startsWith(values.only)) continue;
  const built = {};
  for (const [k, v] of Object.entries(variants)) built[k] = await make(v.options);
  const samples = Object.fromEntries(Object.keys(built).map((k) => [k, []]));
  for (const [k, v] of Object.entries(variants)) {
    sdk(v.sdk);
    await built[k].run(Math.max(1, n / 10)); // warm each variant's code paths
  }
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? Object.keys(built) : Object.keys(built).reverse();
    for (const k of order) {
      sdk(variants[k].sdk);
      samples[k].push(await built[k].run(n));
    }
  }
  sdk(false);
  const base = median(samples[Object.keys(variants)[0]]);
  results[title] = {};
  console.log(`\n${title} (${rounds} rounds × ${n}, CPU ns per request):`);
  console.table(
    Object.fromEntries(
      Object.entries(samples).map(([k, xs]) => {
        const m = median(xs);
        results[title][k] = m;
        return [
          k,
          {
            'CPU ns/req (median)': Math.round(m),
            'added ns': Math.round(m - base),
            '% of request': +((100 * (m - base)) / base).toFixed(2),
          },
        ];
      }),
    ),
  );
  for (const b of Object.values(built)) await b.close();
}
console.log(`\nload average at end ${load()}`);
await idp.close();
if (sink < 0) console.log(sink);
