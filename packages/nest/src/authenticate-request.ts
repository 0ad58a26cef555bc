import { type AuthError, isAuthError, type Principal } from '@auth/core';
import type { AuthBinding, AuthOutcome, RouteRequirement } from '@auth/core/internal';
import type { NestRequest } from './request.ts';

// The principal each route (handler) got on a request. GraphQL resolves fields concurrently on one
// `req`, so `req.auth` holds whichever guard ran last; `@Principal()` reads its own route's entry.
const routePrincipals = new WeakMap<object, Map<Function, Principal | undefined>>();

// Errors our guards threw, already in their binding's realm; the filter renders any other AuthError
// (thrown by a controller, a pipe…) in the module's realm.
const guardErrors = new WeakSet<AuthError>();

/**
 * Whether a guard of this package settled any route on `req` (then `req.auth` is one of theirs).
 *
 * @example
 * if (guardsSettled(req) && routePrincipal(req, handler) === undefined) return undefined;
 */
export function guardsSettled(req: object): boolean {
  return routePrincipals.has(req);
}

/**
 * What a guard settled for `handler` on `req`: `{ principal }` (undefined when the route ran without
 * credentials), or undefined when no guard of this package ran for it.
 */
export function routePrincipal(
  req: object,
  handler: Function,
): { principal: Principal | undefined } | undefined {
  const byHandler = routePrincipals.get(req);
  return byHandler?.has(handler) ? { principal: byHandler.get(handler) } : undefined;
}

/** Whether one of our guards threw this error (it carries its binding's realm). */
export function isGuardError(error: AuthError): boolean {
  return guardErrors.has(error);
}

function conclude(req: NestRequest, handler: Function, outcome: AuthOutcome): true {
  if (isAuthError(outcome)) {
    guardErrors.add(outcome);
    throw outcome;
  }
  let byHandler = routePrincipals.get(req);
  if (byHandler === undefined) {
    byHandler = new Map();
    routePrincipals.set(req, byHandler);
  }
  byHandler.set(handler, outcome);
  // For interceptors and middleware; on GraphQL, the last route authenticated on this request.
  req.auth = outcome;
  return true;
}

/**
 * Runs `requirement` for the route `handler` (the binding authenticates once per request and mode) and
 * sets `request.auth`. Synchronous when the token was cached; throws (or rejects with) the AuthError.
 */
export function guardRoute(
  binding: AuthBinding<NestRequest>,
  req: NestRequest,
  requirement: RouteRequirement,
  handler: Function,
): true | Promise<true> {
  const outcome = binding.run(req, requirement);
  return outcome instanceof Promise
    ? outcome.then((o: AuthOutcome) => conclude(req, handler, o))
    : conclude(req, handler, outcome);
}
