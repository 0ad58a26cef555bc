/**
 * The OpenTelemetry listener's per-issuer state (the `auth.jwks.age` gauge) is bounded: a multi-tenant
 * resolver that accepts many issuers over time (the verifier keeps at most RESOLVED_ISSUERS_MAX of them)
 * does not grow the listener, or the gauge's series, without end.
 */
import { describe, expect, it } from 'vitest';
import { openTelemetryListener } from '../../src/observe/open-telemetry.ts';
import { RESOLVED_ISSUERS_MAX } from '../../src/verify/issuer-registry.ts';

/** A minimal API: records what the gauge observes; every instrument else is inert. */
function fakeApi() {
  const callbacks: Array<(r: { observe(v: number, a: Record<string, string>): void }) => void> = [];
  const inert = { add: () => {}, record: () => {} };
  const meter = {
    createCounter: () => inert,
    createHistogram: () => inert,
    createObservableGauge: () => ({ addCallback: (cb: (typeof callbacks)[number]) => callbacks.push(cb) }),
  };
  const span = { setAttributes: () => {}, setStatus: () => {}, end: () => {} };
  const api = {
    trace: { getTracer: () => ({ startSpan: () => span }) },
    metrics: { getMeter: () => meter },
  };
  const observed = () => {
    const seen: string[] = [];
    for (const cb of callbacks) cb({ observe: (_v, a) => seen.push(a['auth.issuer']!) });
    return seen;
  };
  return { api, observed };
}

describe('openTelemetryListener bounds', () => {
  it('keeps the JWKS age of at most RESOLVED_ISSUERS_MAX issuers, the most recently refreshed', () => {
    const { api, observed } = fakeApi();
    const listener = openTelemetryListener(api as never, { clock: () => 1_000 });
    const total = RESOLVED_ISSUERS_MAX + 500;
    for (let i = 0; i < total; i++)
      listener({
        type: 'keys.refreshed',
        at: 0,
        issuer: `https://tenant-${i}.idp.test`,
        jwksUri: `https://tenant-${i}.idp.test/jwks`,
        keyCount: 1,
        kids: ['k'],
        fromStore: false,
        durationMs: 1,
      });
    const seen = observed();
    expect(seen).toHaveLength(RESOLVED_ISSUERS_MAX);
    expect(seen).toContain(`https://tenant-${total - 1}.idp.test`);
    expect(seen).not.toContain('https://tenant-0.idp.test');
  });
});
