/**
 * OpenTelemetry with the real instrumentations (http + @fastify/otel) and the Node SDK: the auth spans
 * of one request through a real server (route config and a `fastify.requireScopes` hook) nest under
 * that request's HTTP server span: same trace, the server span an ancestor.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import * as otel from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';

// Before Fastify is loaded: the instrumentations patch modules as they are required.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const stop = registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const require = createRequire(import.meta.url);
const Fastify = require('fastify') as typeof import('fastify').default;
const FastifyOtelInstrumentation = require('@fastify/otel') as typeof import('@fastify/otel').default;
const fastifyOtel = new FastifyOtelInstrumentation();
fastifyOtel.setTracerProvider(provider);
const { spanAncestors } = await import('@auth/conformance');
const { openTelemetryListener } = await import('@auth/core');
const { fastifyAuth } = await import('../src/index.ts');
const { authOptions, token } = await import('./tokens.ts');

afterAll(async () => {
  stop();
  await provider.shutdown();
  otel.trace.disable();
  otel.context.disable();
});

describe('OpenTelemetry with the http instrumentation and @fastify/otel', () => {
  it('auth.authenticate and auth.authorize (allow and deny) nest under the HTTP server span of their request', async () => {
    const app = Fastify();
    await app.register(fastifyOtel.plugin());
    await app.register(fastifyAuth, { ...authOptions(), onEvent: openTelemetryListener(otel) });
    app.get('/config', { config: { auth: { scopes: ['read'] } } }, async () => []);
    app.get('/hook', { onRequest: app.requireScopes('write') }, async () => []);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const jwt = token({ scope: 'read' });
    const headers = { authorization: `Bearer ${jwt}` };
    try {
      // fetch (undici) is not instrumented here: each request's server span is a root.
      expect((await fetch(`${url}/config`, { headers })).status).toBe(200);
      expect((await fetch(`${url}/config`, { headers })).status).toBe(200); // cached token
      expect((await fetch(`${url}/hook`, { headers })).status).toBe(403);
    } finally {
      await app.close();
    }
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter(
      (s) => s.kind === otel.SpanKind.SERVER && s.instrumentationScope.name.includes('instrumentation-http'),
    );
    expect(servers).toHaveLength(3);
    const auths = spans.filter((s) => s.name === 'auth.authenticate' || s.name === 'auth.authorize');
    expect(auths).toHaveLength(6);
    for (const server of servers) {
      const own = auths.filter((s) => spanAncestors(s, spans).includes(server));
      expect(own.map((s) => s.name)).toEqual(['auth.authenticate', 'auth.authorize']);
      for (const s of own) expect(s.spanContext().traceId).toBe(server.spanContext().traceId);
    }
    const decisions = spans
      .filter((s) => s.name === 'auth.authorize')
      .map((s) => s.attributes['auth.decision']);
    expect(decisions).toEqual(['allow', 'allow', 'deny']);
    // @fastify/otel took part: its request span sits between the server and auth spans.
    expect(spanAncestors(auths[0]!, spans).map((s) => s.instrumentationScope.name)).toEqual([
      '@fastify/otel',
      '@opentelemetry/instrumentation-http',
    ]);
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const part of jwt.split('.')) expect(everything).not.toContain(part);
  });
});
