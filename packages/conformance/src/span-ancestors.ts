/** The parts of an OpenTelemetry SDK `ReadableSpan` read here (structural: no OpenTelemetry import). */
export interface SpanLike {
  spanContext(): { spanId: string };
  readonly parentSpanContext?: { spanId: string } | undefined;
}

/**
 * The ancestors of `span` among `all` (an in-memory exporter's finished spans), nearest first: what the
 * adapters' OpenTelemetry tests walk to find the HTTP server span above an auth span.
 *
 * @example
 * const spans = exporter.getFinishedSpans();
 * expect(spanAncestors(authSpan, spans)).toContain(serverSpan);
 */
export function spanAncestors<S extends SpanLike>(span: S, all: readonly S[]): S[] {
  const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
  const chain: S[] = [];
  for (let p = span.parentSpanContext; p !== undefined; ) {
    const parent = byId.get(p.spanId);
    if (parent === undefined || chain.includes(parent)) break;
    chain.push(parent);
    p = parent.parentSpanContext;
  }
  return chain;
}
