/**
 * OpenTelemetry with the real http instrumentation and the Node SDK, Hono served by @hono/node-server:
 * the auth spans of one request (`requireAuth` then the separate `requireScopes` middleware) nest under
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

// Before node:http is required by the server: the instrumentation patches it as it is required.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const stop = registerInstrumentations({ instrumentations: [new HttpInstrumentation()] });
const require = createRequire(import.meta.url);
require('node:http');
const { serve } = require('@hono/node-server') as typeof import('@hono/node-server');
const { Hono } = await import('hono');
const { spanAncestors } = await import('@auth/conformance');
const { openTelemetryListener } = await import('@auth/core');
const { requireAuth, requireScopes } = await import('../src/index.ts');
const { authOptions, token } = await import('./tokens.ts');

afterAll(async () => {
  stop();
  await provider.shutdown();
  otel.trace.disable();
  otel.context.disable();
});

describe('OpenTelemetry with the http instrumentation, Hono on @hono/node-server', () => {
  it('auth.authenticate and auth.authorize (allow and deny) nest under the HTTP server span of their request', async () => {
    const app = new Hono();
    const auth = requireAuth({ ...authOptions(), logger: false, onEvent: openTelemetryListener(otel) });
    app.get('/read', auth, requireScopes('read'), (c) => c.json([]));
    app.get('/write', auth, requireScopes('write'), (c) => c.json([]));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const jwt = token({ scope: 'read' });
    const headers = { authorization: `Bearer ${jwt}` };
    try {
      // fetch (undici) is not instrumented here: each request's server span is a root.
      expect((await fetch(`${url}/read`, { headers })).status).toBe(200);
      expect((await fetch(`${url}/read`, { headers })).status).toBe(200); // cached token
      expect((await fetch(`${url}/write`, { headers })).status).toBe(403);
    } finally {
      await new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      });
    }
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter((s) => s.kind === otel.SpanKind.SERVER);
    expect(servers).toHaveLength(3);
    const auths = spans.filter((s) => s.name === 'auth.authenticate' || s.name === 'auth.authorize');
    expect(auths).toHaveLength(6);
    for (const server of servers) {
      const own = auths.filter((s) => spanAncestors(s, spans).includes(server));
      expect(own.map((s) => s.name)).toEqual(['auth.authenticate', 'auth.authorize']);
      for (const s of own) {
        expect(s.spanContext().traceId).toBe(server.spanContext().traceId);
        expect(s.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      }
    }
    const decisions = spans
      .filter((s) => s.name === 'auth.authorize')
      .map((s) => s.attributes['auth.decision']);
    expect(decisions).toEqual(['allow', 'allow', 'deny']);
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const part of jwt.split('.')) expect(everything).not.toContain(part);
  });
});
