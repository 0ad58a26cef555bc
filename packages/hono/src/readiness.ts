import { type ReadinessSource, readinessResponse, readinessSources } from '@auth/core/internal';
import type { Context } from 'hono';

/**
 * A `GET /ready` handler (the contract's readiness probe): 200 `{ ready: true }` once every issuer of
 * the given middlewares (or authenticators, verifiers) has usable keys, else 503 `{ ready: false }`;
 * never cached. A wrong argument is a TypeError here, not a probe that is always ready.
 *
 * @example
 * ```ts
 * const auth = requireAuth({ issuers, startup: 'warn' });
 * app.get('/ready', readinessHandler(auth));
 * app.use('/api/*', auth);
 * ```
 */
export function readinessHandler(...sources: ReadinessSource[]): (c: Context) => Response {
  const checked = readinessSources(sources, '@auth/hono readinessHandler()');
  return (c) => {
    const { status, headers, body } = readinessResponse(checked);
    return c.json(body, status, headers);
  };
}
