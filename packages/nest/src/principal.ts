import type { Principal as CorePrincipal } from '@auth/core';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { guardsSettled, routePrincipal } from './authenticate-request.ts';
import { httpRequest } from './request.ts';
import { routeOf } from './route-requirements.ts';

/**
 * The authenticated principal, typed from core's `Register` (augment it to type `claims`).
 * Same name as the decorator, so a handler reads `@Principal() user: Principal`.
 */
export type Principal = CorePrincipal;

// Route metadata only: the Reflector needs no injection.
const reflector = new Reflector();

/**
 * The principal of this route: what the guards settled for its handler on this request (on GraphQL,
 * fields share `req` and `req.auth` holds the last one), nothing on a `@Public()` route or on a route
 * no guard of ours settled while they settled others on this request, else `req.auth` (set by your own
 * guard or middleware).
 */
function currentPrincipal(ctx: ExecutionContext): CorePrincipal | undefined {
  const req = httpRequest(ctx);
  if (req === undefined) return undefined;
  const settled = routePrincipal(req, ctx.getHandler());
  if (settled !== undefined) return settled.principal;
  if (routeOf(reflector, ctx).requirement.mode === 'public') return undefined;
  // Our guards settled other routes of this request (GraphQL fields share it), not this one: their
  // principal in `req.auth` was never checked for this route.
  if (guardsSettled(req)) return undefined;
  return req.auth ?? undefined;
}

const principalParam = createParamDecorator(
  (field: keyof CorePrincipal | undefined, ctx: ExecutionContext) => {
    const principal = currentPrincipal(ctx);
    return field === undefined ? principal : principal?.[field];
  },
);

/**
 * `@Principal()` injects the route's principal, `request.auth`: `undefined` (never `null`) on
 * `@Public()` routes and on `@OptionalAuth()` routes without credentials. `@Principal('subject')`
 * injects one field.
 */
export function Principal(field?: keyof CorePrincipal): ParameterDecorator {
  return principalParam(field);
}
