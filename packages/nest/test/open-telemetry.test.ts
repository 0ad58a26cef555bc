/**
 * OpenTelemetry with the real instrumentations (http, and @opentelemetry/instrumentation-nestjs-core
 * where it supports the Nest major: 4 to 11) and the Node SDK: the auth spans of one request through a
 * real Nest server (AuthGuard + ScopeGuard with `@Scopes`, test/support/scoped-controller.ts) nest under that request's HTTP server span,
 * on the Express and the Fastify platform: same trace, the server span an ancestor.
 */
import { createRequire } from 'node:module';
import * as otel from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

// Before node:http and Nest are loaded: the instrumentations patch modules as they are required.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const stop = registerInstrumentations({
  instrumentations: [new HttpInstrumentation(), new NestInstrumentation()],
});
createRequire(import.meta.url)('node:http');
const { hs256, spanAncestors } = await import('@auth/conformance');
const { openTelemetryListener } = await import('@auth/core');
const { AuthModule } = await import('../src/index.ts');
const { ScopedController } = await import('./support/scoped-controller.ts');
const { serve } = await import('./support/platforms.ts');

afterAll(async () => {
  stop();
  await provider.shutdown();
  otel.trace.disable();
  otel.context.disable();
});
beforeEach(() => exporter.reset());

describe('OpenTelemetry with the http and nestjs-core instrumentations', () => {
  for (const platform of ['express', 'fastify'] as const) {
    it(`${platform}: auth.authenticate and auth.authorize (allow and deny) nest under the HTTP server span of their request`, async () => {
      const server = await serve(
        platform,
        [AuthModule.forRoot({ ...hs256.authOptions(), logger: false, onEvent: openTelemetryListener(otel) })],
        [ScopedController],
      );
      const jwt = hs256.token({ scope: 'read' });
      const headers = { authorization: `Bearer ${jwt}` };
      try {
        // fetch (undici) is not instrumented here: each request's server span is a root.
        expect((await fetch(`${server.url}/read`, { headers })).status).toBe(200);
        expect((await fetch(`${server.url}/read`, { headers })).status).toBe(200); // cached token
        expect((await fetch(`${server.url}/write`, { headers })).status).toBe(403);
      } finally {
        await server.close();
      }
      const spans = exporter.getFinishedSpans();
      const servers = spans.filter(
        (s) =>
          s.kind === otel.SpanKind.SERVER && s.instrumentationScope.name.includes('instrumentation-http'),
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
      // Nest 11 (CommonJS, in the nestjs-core instrumentation's range): its handler span sits between
      // the server and the auth spans. Nest 12 (ESM-only, outside that range): the server span only.
      expect(spanAncestors(auths[0]!, spans).map((s) => s.instrumentationScope.name)).toEqual(
        process.env.EXPECTED_NEST_MAJOR === '11'
          ? ['@opentelemetry/instrumentation-nestjs-core', '@opentelemetry/instrumentation-http']
          : ['@opentelemetry/instrumentation-http'],
      );
      const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
      for (const part of jwt.split('.')) expect(everything).not.toContain(part);
    });
  }
});
