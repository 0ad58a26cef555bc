import { type ReadinessSource, readinessResponse, readinessSources } from '@auth/core/internal';
import type { RequestHandler } from 'express';

/**
 * A `GET /ready` handler (the contract's readiness probe): 200 `{ ready: true }` once every issuer of
 * the given middlewares (or authenticators, verifiers) has usable keys, else 503 `{ ready: false }`;
 * never cached. A wrong argument is a TypeError here, not a probe that is always ready.
 *
 * @example
 * ```ts
 * const auth = requireAuth({ issuers, startup: 'warn' });
 * app.get('/ready', readinessHandler(auth));
 * app.use('/api', auth);
 * ```
 */
export function readinessHandler(...sources: ReadinessSource[]): RequestHandler {
  const checked = readinessSources(sources, '@auth/express readinessHandler()');
  return function readinessHandler(_req, res) {
    const { status, headers, body } = readinessResponse(checked);
    res.status(status).set(headers).json(body);
  };
}
