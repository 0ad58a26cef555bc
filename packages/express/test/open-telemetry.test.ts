/**
 * OpenTelemetry with the real instrumentations (http + express) and the Node SDK: the auth spans of one
 * request through a real server (`requireAuth` then the separate `requireScopes` middleware) nest
 * under that request's HTTP server span: same trace, the server span an ancestor.
 */
import { createRequire } from 'node:module';
import * as otel from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, describe, expect, it } from 'vitest';

// Before Express is loaded: the instrumentations patch modules as they are required.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const stop = registerInstrumentations({
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
const require = createRequire(import.meta.url);
const express = require('express') as typeof import('express');
const { spanAncestors } = await import('@auth/conformance');
const { openTelemetryListener } = await import('@auth/core');
const { authErrorHandler, requireAuth, requireScopes } = await import('../src/index.ts');
const { listen, startIssuer } = await import('./helpers.ts');

afterAll(async () => {
  stop();
  await provider.shutdown();
  otel.trace.disable();
  otel.context.disable();
});

describe('OpenTelemetry with the http and express instrumentations', () => {
  it('auth.authenticate and auth.authorize (allow and deny) nest under the HTTP server span of their request', async () => {
    const issuer = await startIssuer();
    const app = express();
    const auth = requireAuth({ ...issuer.options, logger: false, onEvent: openTelemetryListener(otel) });
    app.get('/read', auth, requireScopes('read'), (_req, res) => {
      res.json([]);
    });
    app.get('/write', auth, requireScopes('write'), (_req, res) => {
      res.json([]);
    });
    app.use(authErrorHandler());
    const server = await listen(app);
    const token = await issuer.token({ scope: 'read' });
    try {
      const headers = { authorization: `Bearer ${token}` };
      // fetch (undici) is not instrumented here: each request's server span is a root.
      expect((await fetch(`${server.url}/read`, { headers })).status).toBe(200);
      expect((await fetch(`${server.url}/read`, { headers })).status).toBe(200); // cached token
      expect((await fetch(`${server.url}/write`, { headers })).status).toBe(403);
    } finally {
      await server.close();
      await issuer.close();
    }
    const spans = exporter.getFinishedSpans();
    const servers = spans.filter(
      (s) => s.kind === otel.SpanKind.SERVER && s.instrumentationScope.name.includes('instrumentation-http'),
    );
    const appServers = servers.filter(
      (s) => !String(s.attributes['url.path'] ?? s.attributes['http.target']).includes('jwks'),
    );
    expect(appServers).toHaveLength(3);
    const auths = spans.filter((s) => s.name === 'auth.authenticate' || s.name === 'auth.authorize');
    expect(auths.map((s) => s.name).sort()).toEqual([
      'auth.authenticate',
      'auth.authenticate',
      'auth.authenticate',
      'auth.authorize',
      'auth.authorize',
      'auth.authorize',
    ]);
    for (const server of appServers) {
      const own = auths.filter((s) => spanAncestors(s, spans).includes(server));
      expect(own.map((s) => s.name)).toEqual(['auth.authenticate', 'auth.authorize']);
      for (const s of own) expect(s.spanContext().traceId).toBe(server.spanContext().traceId);
    }
    const decisions = spans
      .filter((s) => s.name === 'auth.authorize')
      .map((s) => s.attributes['auth.decision']);
    expect(decisions).toEqual(['allow', 'allow', 'deny']);
    const jwks = spans.find((s) => s.name === 'auth.jwks.fetch');
    expect(jwks && spanAncestors(jwks, spans)).toContain(appServers[0]);
    // Express's instrumentation took part: its middleware spans sit between the server and auth spans.
    const first = auths.find((s) => s.name === 'auth.authenticate')!;
    expect(spanAncestors(first, spans).map((s) => s.instrumentationScope.name)).toEqual([
      '@opentelemetry/instrumentation-express',
      '@opentelemetry/instrumentation-http',
    ]);
    const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const part of token.split('.')) expect(everything).not.toContain(part);
  });
});
