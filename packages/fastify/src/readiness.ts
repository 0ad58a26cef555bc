import type { Authenticator, Verifier } from '@auth/core';
import { type ReadinessSource, readinessResponse, readinessSources } from '@auth/core/internal';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getState } from './state.ts';

const WHERE = '@auth/fastify readinessHandler()';

/**
 * A `GET /ready` handler (the contract's readiness probe): 200 `{ ready: true }` once every issuer has
 * usable keys, else 503 `{ ready: false }`; never cached. Without arguments it reads the authenticator
 * of the `fastifyAuth` registration in the route's scope (register `/ready` where the plugin is, or in
 * a child scope); with arguments, those authenticators or verifiers. A route with neither answers 503
 * and logs an error once. A wrong argument is a TypeError here.
 *
 * @example
 * ```ts
 * await app.register(fastifyAuth, { issuers, startup: 'warn' });
 * app.get('/ready', readinessHandler());
 * ```
 */
export function readinessHandler(
  ...sources: ReadinessSource[]
): (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  const given = readinessSources(sources, WHERE, { allowNone: true });
  let reported = false;
  return async function readinessHandler(request, reply) {
    let checked: (Authenticator | Verifier)[] = given;
    if (checked.length === 0) {
      // `this` is the route's scope; a wrapper that calls the handler without it has none.
      const state = typeof this === 'object' && this !== null ? getState(this) : undefined;
      if (state === undefined) {
        if (!reported) {
          reported = true;
          request.log.error(
            `${WHERE}: no fastifyAuth registration in the scope of ${request.routeOptions.url}`,
          );
        }
        return reply.code(503).header('cache-control', 'no-store').send({ ready: false });
      }
      checked = [state.binding.authenticator];
    }
    const { status, headers, body } = readinessResponse(checked);
    return reply.code(status).headers(headers).send(body);
  };
}
