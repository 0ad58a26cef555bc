import type { Principal } from '@auth/core';
import type { RouteAuthConfig } from './route-config.ts';
import type { AuthHook } from './hooks.ts';
import type { FastifyAuthorizers } from './plugin.ts';

// Declaration merging: `request.auth`, the instance decorators and `config.auth` are typed for every
// app that imports @auth/fastify. The principal's claims follow core's `Register` interface.
declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The verified principal; `undefined` before authentication or on an optional route without
     * credentials (the same value as `req.auth` in @auth/express and `c.var.auth` in @auth/hono).
     */
    auth: Principal | undefined;
  }
  interface FastifyInstance extends FastifyAuthorizers {
    /** Hook (onRequest/preHandler): a valid token is required; sets `request.auth`. */
    authenticate: AuthHook;
    /** Hook: no credentials → `request.auth` stays `undefined`; bad credentials → 401. */
    optionalAuth: AuthHook;
  }
  interface FastifyContextConfig {
    /** Declarative protection of this route (see @auth/fastify's README). */
    auth?: RouteAuthConfig;
  }
}
