/**
 * OpenTelemetry from the event stream: spans and metrics through the `@opentelemetry/api` object the
 * application passes in (this package imports no OpenTelemetry module, so it costs nothing where none
 * is used). With the API but no SDK registered the listener does no span or metric work at all (one
 * check of the global tracer provider per event), so installing it before the SDK costs nearly nothing.
 * Spans start in the active context, so they nest under the HTTP server span of the framework's
 * instrumentation. No attribute carries token material: codes, issuers, kids, policy names, URLs and
 * statuses only.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthEvent } from './events.ts';

// Issuers whose JWKS age is reported: the verifier's own bound on resolved issuers (RESOLVED_ISSUERS_MAX),
// not imported so that this listener pulls in no verification code.
const MAX_ISSUERS = 1_000;

/**
 * The parts of `@opentelemetry/api` used here (structural, so no import of the package).
 *
 * @example
 * import * as otel from '@opentelemetry/api';
 * const api: OpenTelemetryApi = otel;
 */
export interface OpenTelemetryApi {
  trace: {
    getTracer(name: string, version?: string): OtelTracer;
    /** Read per event to skip span work while no SDK is registered (optional). */
    getTracerProvider?(): unknown;
  };
  metrics: { getMeter(name: string, version?: string): OtelMeter };
  /** The API's own classes, used to recognise its no-op tracer provider and meter (optional). */
  ProxyTracerProvider?: new () => { getDelegate(): unknown };
  createNoopMeter?: () => unknown;
}

interface OtelSpan {
  setAttributes(attributes: Record<string, string | number | boolean | string[]>): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}
interface OtelTracer {
  startSpan(
    name: string,
    options?: { startTime?: number; attributes?: Record<string, unknown>; kind?: number },
  ): OtelSpan;
}
interface OtelMeter {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    add(value: number, attributes?: Record<string, string | number | boolean>): void;
  };
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    record(value: number, attributes?: Record<string, string | number | boolean>): void;
  };
  createObservableGauge(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    addCallback(
      cb: (result: { observe(value: number, attributes?: Record<string, string>): void }) => void,
    ): void;
  };
}

const ERROR = 2; // SpanStatusCode.ERROR

/**
 * An `onEvent` listener recording spans (`auth.authenticate`, `auth.authorize`, `auth.jwks.fetch`,
 * `auth.token.fetch`) and metrics (see the Observability section and docs/observability.md).
 *
 * @example
 * import * as otel from '@opentelemetry/api';
 * const auth = createAuthenticator({ issuers, onEvent: openTelemetryListener(otel) });
 */
export function openTelemetryListener(
  api: OpenTelemetryApi,
  options: { clock?: () => number } = {},
): (event: AuthEvent) => void {
  if (typeof api?.trace?.getTracer !== 'function' || typeof api?.metrics?.getMeter !== 'function') {
    throw new ConfigurationError(
      'openTelemetryListener: pass the @opentelemetry/api module (import * as otel from ...)',
    );
  }
  const clock = options.clock ?? Date.now;
  const tracer = api.trace.getTracer('@auth/core');
  const meter = api.metrics.getMeter('@auth/core');
  // The API without an SDK: a meter obtained now stays a no-op for good (the metrics API has no proxy);
  // the tracer is a proxy that starts recording once an SDK registers, so that is checked per event.
  const metering = typeof api.createNoopMeter !== 'function' || meter !== api.createNoopMeter();
  const tracing = noopTracingCheck(api);
  const outcomes = meter.createCounter('auth.outcomes', {
    description: 'Authentication and authorization outcomes by code',
  });
  const verifyTime = meter.createHistogram('auth.verify.duration', {
    description: 'Time to authenticate a request',
    unit: 'ms',
  });
  const cacheRequests = meter.createCounter('auth.token_cache.requests', {
    description: 'Verified-token cache lookups by result (hit ratio = hit / all)',
  });
  const refreshes = meter.createCounter('auth.token.refreshes', {
    description: 'Client token refreshes by outcome',
  });
  const pdpTime = meter.createHistogram('auth.policy.duration', {
    description:
      'Time of authorization decisions (allowed, denied, or a decision point that could not answer)',
    unit: 'ms',
  });
  const jwksFetched = new Map<string, number>();
  meter
    .createObservableGauge('auth.jwks.age', { description: "Age of each issuer's installed JWKS", unit: 's' })
    .addCallback((result) => {
      const now = clock();
      for (const [issuer, at] of jwksFetched) result.observe((now - at) / 1000, { 'auth.issuer': issuer });
    });

  let recording = false;
  const span = (
    name: string,
    durationMs: number | undefined,
    attributes: Record<string, string | number | boolean | string[]>,
    error?: string,
  ): void => {
    if (!recording) return;
    const end = clock();
    const s = tracer.startSpan(name, { startTime: end - (durationMs ?? 0) });
    s.setAttributes(attributes);
    if (error !== undefined) s.setStatus({ code: ERROR, message: error });
    s.end(end);
  };

  return (event) => {
    recording = tracing();
    if (!recording && !metering) return; // no SDK: nothing would be recorded
    switch (event.type) {
      case 'auth.authorized':
        outcomes.add(1, { 'auth.outcome': 'success', 'auth.stage': 'authorize' });
        pdpTime.record(event.durationMs, { 'auth.outcome': 'success', 'auth.policy': event.policy });
        span('auth.authorize', event.durationMs, {
          'auth.decision': 'allow',
          'auth.policy': event.policy,
          'auth.issuer': event.issuer,
        });
        return;
      case 'auth.success': {
        const cache = event.cached ? 'hit' : 'miss';
        outcomes.add(1, { 'auth.outcome': 'success', 'auth.stage': 'authenticate' });
        if (event.method === 'bearer') cacheRequests.add(1, { 'auth.cache.result': cache });
        verifyTime.record(event.durationMs ?? 0, { 'auth.cache.result': cache, 'auth.method': event.method });
        span('auth.authenticate', event.durationMs, {
          'auth.method': event.method,
          'auth.issuer': event.issuer,
          'auth.cache.result': cache,
        });
        return;
      }
      case 'auth.failure':
      case 'apikey.rejected': {
        const stage = event.type === 'auth.failure' ? event.stage : 'authenticate';
        outcomes.add(1, { 'auth.outcome': 'failure', 'auth.stage': stage, 'error.type': event.code });
        const policy = event.type === 'auth.failure' ? event.policy : undefined;
        if (stage === 'authorize')
          pdpTime.record(event.durationMs ?? 0, {
            'auth.outcome': 'failure',
            'error.type': event.code,
            ...(policy === undefined ? {} : { 'auth.policy': policy }),
          });
        const detail = event.type === 'auth.failure' ? event.detail : undefined;
        const attributes: Record<string, string | number> = {
          'error.type': event.code,
          'http.response.status_code': event.status,
        };
        if (stage === 'authorize') attributes['auth.decision'] = 'deny';
        if (policy !== undefined) attributes['auth.policy'] = policy;
        if (typeof detail?.claim === 'string') attributes['auth.claim'] = detail.claim;
        if (typeof detail?.kid === 'string') attributes['auth.kid'] = detail.kid;
        span(
          stage === 'authorize' ? 'auth.authorize' : 'auth.authenticate',
          event.durationMs,
          attributes,
          event.code,
        );
        return;
      }
      case 'keys.refreshed':
        // Most recently refreshed last; bounded like the verifier's own issuer list (a resolver's
        // evicted tenants would otherwise stay here, and in the gauge's series, for good).
        jwksFetched.delete(event.issuer);
        if (jwksFetched.size >= MAX_ISSUERS) jwksFetched.delete(jwksFetched.keys().next().value as string);
        jwksFetched.set(event.issuer, clock());
        if (!event.fromStore)
          span('auth.jwks.fetch', event.durationMs, {
            'http.request.method': 'GET',
            ...urlAttributes(event.jwksUri),
            'auth.issuer': event.issuer,
            'auth.jwks.keys': event.keyCount,
          });
        return;
      case 'keys.unavailable':
        span(
          'auth.jwks.fetch',
          event.durationMs,
          {
            'http.request.method': 'GET',
            ...urlAttributes(event.url ?? event.jwksUri),
            'auth.issuer': event.issuer,
            ...(event.httpStatus === undefined ? {} : { 'http.response.status_code': event.httpStatus }),
            'error.type': event.httpStatus === undefined ? 'fetch_failed' : String(event.httpStatus),
          },
          event.reason,
        );
        return;
      case 'token.refreshed':
        refreshes.add(1, { 'auth.outcome': 'success' });
        span('auth.token.fetch', event.durationMs, {
          'http.request.method': 'POST',
          ...urlAttributes(event.source),
          'auth.attempts': event.attempts,
        });
        return;
      case 'token.refresh_failed':
        refreshes.add(1, { 'auth.outcome': 'failure', 'error.type': event.code });
        span(
          'auth.token.fetch',
          event.durationMs,
          {
            'http.request.method': 'POST',
            ...urlAttributes(event.source),
            'error.type': event.code,
            ...(event.httpStatus === undefined ? {} : { 'http.response.status_code': event.httpStatus }),
          },
          event.code,
        );
        return;
      case 'policy.unavailable':
        pdpTime.record(event.durationMs, { 'error.type': event.code });
        return;
      case 'keys.rotated':
        return;
    }
  };
}

/**
 * Whether spans would be recorded: false while the API's global tracer provider is its proxy without a
 * delegate (no SDK registered). Without the API's `ProxyTracerProvider` / `getTracerProvider` to tell,
 * always true.
 */
function noopTracingCheck(api: OpenTelemetryApi): () => boolean {
  const getProvider = api.trace.getTracerProvider;
  if (typeof getProvider !== 'function' || typeof api.ProxyTracerProvider !== 'function') return () => true;
  let noop: unknown;
  try {
    noop = new api.ProxyTracerProvider().getDelegate();
  } catch {
    return () => true;
  }
  const trace = api.trace;
  return () => {
    const provider = getProvider.call(trace) as { getDelegate?: () => unknown } | undefined;
    return typeof provider?.getDelegate !== 'function' || provider.getDelegate() !== noop;
  };
}

/** `server.address` / `server.port` / `url.full` of a URL (no credentials: userinfo and query dropped). */
function urlAttributes(value: string | undefined): Record<string, string | number> {
  if (value === undefined) return {};
  try {
    const url = new URL(value);
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return {
      'server.address': url.hostname,
      'server.port': port,
      'url.full': `${url.origin}${url.pathname}`,
    };
  } catch {
    return {};
  }
}
