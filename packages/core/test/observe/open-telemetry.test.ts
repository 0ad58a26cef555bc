/**
 * OpenTelemetry from the event stream, with the SDK's in-memory exporters: an authentication span
 * nested under the active (HTTP server) span, a JWKS fetch span with the URL attributes, outcome and
 * cache metrics, and no token material in any attribute.
 */
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
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { compileRouteRequirement } from '../../src/binding/route-requirement.ts';
import type { RequestLike } from '../../src/types.ts';
import { openTelemetryListener } from '../../src/observe/open-telemetry.ts';
import { generateKeyPair } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

const spans = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const contextManager = new AsyncLocalStorageContextManager().enable();
otel.context.setGlobalContextManager(contextManager);
otel.trace.setGlobalTracerProvider(tracerProvider);
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
const meterProvider = new MeterProvider({ readers: [reader] });
otel.metrics.setGlobalMeterProvider(meterProvider);
afterAll(async () => {
  otel.trace.disable();
  otel.metrics.disable();
  otel.context.disable();
});

const ISS = 'https://issuer.otel.test';
const key = await generateKeyPair('RS256', { kid: 'o1' });

describe('OpenTelemetry listener', () => {
  it('spans nest under the active server span; metrics count outcomes and cache hits; no token bytes', async () => {
    const auth = createAuthenticator({
      issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }],
      fetch: async () => Response.json({ keys: [key.publicJwk] }),
      onEvent: openTelemetryListener(otel),
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(key, { iss: ISS, sub: 'u', aud: 'api', iat: now, exp: now + 600 });
    const bad = signToken(key, { iss: ISS, sub: 'u', aud: 'other', iat: now, exp: now + 600 });
    const server = otel.trace.getTracer('test').startSpan('GET /items', { kind: otel.SpanKind.SERVER });
    await otel.context.with(otel.trace.setSpan(otel.context.active(), server), async () => {
      await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
      await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
      await auth.authenticate({ headers: { authorization: `Bearer ${bad}` } }).catch(() => {});
    });
    server.end();
    const finished = spans.getFinishedSpans();
    const byName = (n: string) => finished.filter((s) => s.name === n);
    const serverId = server.spanContext().spanId;
    expect(byName('auth.authenticate')).toHaveLength(3);
    for (const s of [...byName('auth.authenticate'), ...byName('auth.jwks.fetch')]) {
      expect(s.parentSpanContext?.spanId).toBe(serverId);
    }
    expect(byName('auth.jwks.fetch')[0]!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': 'issuer.otel.test',
      'auth.issuer': ISS,
    });
    const failed = byName('auth.authenticate').find((s) => s.status.code === otel.SpanStatusCode.ERROR)!;
    expect(failed.attributes).toMatchObject({
      'error.type': 'ERR_AUTH_INVALID_AUDIENCE',
      'auth.claim': 'aud',
    });
    await reader.forceFlush();
    const metrics = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics));
    const points = (name: string) => metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
    expect(
      points('auth.token_cache.requests').map((p) => [p.attributes['auth.cache.result'], p.value]),
    ).toEqual(
      expect.arrayContaining([
        ['miss', 1],
        ['hit', 1],
      ]),
    );
    expect(
      points('auth.outcomes').find((p) => p.attributes['error.type'] === 'ERR_AUTH_INVALID_AUDIENCE')?.value,
    ).toBe(1);
    expect(points('auth.jwks.age')).toHaveLength(1);
    expect(points('auth.verify.duration').length).toBeGreaterThan(0);
    const everything = JSON.stringify([finished.map((s) => [s.name, s.attributes, s.status]), metrics]);
    for (const t of [token, bad]) for (const part of t.split('.')) expect(everything).not.toContain(part);
    auth.close();
  });

  it('auth.authorize spans for allowed and denied decisions, with the policy, under the server span', async () => {
    const auth = createAuthenticator({
      issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }],
      fetch: async () => Response.json({ keys: [key.publicJwk] }),
      onEvent: openTelemetryListener(otel),
    });
    const binding = createAuthBinding<RequestLike>(auth, {
      where: 'test',
      requestOf: (r) => r,
      contextOf: () => ({}),
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(key, { iss: ISS, sub: 'u', aud: 'api', iat: now, exp: now + 600, scope: 'read' });
    const request = { headers: { authorization: `Bearer ${token}` } };
    spans.reset();
    const server = otel.trace.getTracer('test').startSpan('GET /items', { kind: otel.SpanKind.SERVER });
    await otel.context.with(otel.trace.setSpan(otel.context.active(), server), async () => {
      await binding.run(request, compileRouteRequirement({ scopes: ['read'] }, { where: 't' }));
      await binding.run(request, compileRouteRequirement({ scopes: ['write'] }, { where: 't' }));
    });
    server.end();
    const authorize = spans.getFinishedSpans().filter((s) => s.name === 'auth.authorize');
    expect(authorize.map((s) => s.attributes)).toEqual([
      { 'auth.decision': 'allow', 'auth.policy': 'requireScopes', 'auth.issuer': ISS },
      {
        'auth.decision': 'deny',
        'auth.policy': 'requireScopes',
        'error.type': 'ERR_AUTH_INSUFFICIENT_SCOPE',
        'http.response.status_code': 403,
      },
    ]);
    expect(authorize.map((s) => s.status.code)).toEqual([
      otel.SpanStatusCode.UNSET,
      otel.SpanStatusCode.ERROR,
    ]);
    for (const s of authorize) {
      expect(s.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(s.spanContext().traceId).toBe(server.spanContext().traceId);
    }
    const everything = JSON.stringify(spans.getFinishedSpans().map((s) => [s.attributes, s.status]));
    for (const part of token.split('.')) expect(everything).not.toContain(part);
    auth.close();
  });

  it('with no SDK registered, starts no span (the provider is checked per event); spans start once one registers', () => {
    // The API's own proxy provider, without then with a delegate, behind a tracer that counts.
    const proxy = new otel.ProxyTracerProvider();
    const started: string[] = [];
    const tracer = {
      startSpan: (name: string) => {
        started.push(name);
        return { setAttributes: () => {}, setStatus: () => {}, end: () => {} };
      },
    };
    let metered = 0;
    const api = {
      trace: { getTracer: () => tracer, getTracerProvider: () => proxy },
      metrics: otel.metrics,
      ProxyTracerProvider: otel.ProxyTracerProvider,
      createNoopMeter: () => {
        metered++;
        return otel.createNoopMeter();
      },
    };
    otel.metrics.disable(); // the meter obtained now is the API's no-op meter
    const listener = openTelemetryListener(api as never);
    otel.metrics.setGlobalMeterProvider(meterProvider);
    const event = {
      type: 'auth.authorized',
      at: 0,
      policy: 'p',
      subject: 's',
      issuer: ISS,
      durationMs: 1,
    } as const;
    listener(event);
    expect(started).toEqual([]);
    expect(metered).toBe(1); // checked once, at creation
    proxy.setDelegate(tracerProvider);
    listener(event);
    expect(started).toEqual(['auth.authorize']);
  });

  it('refuses something that is not the API module', () => {
    expect(() => openTelemetryListener({} as never)).toThrow(TypeError);
  });
});
