import {
  MissingTokenError,
  toAuthError,
  type AuthError,
  type Authenticator,
  type Principal,
} from '@auth/core';
import { toRequestLike, type NestRequest } from './request.ts';

/**
 * What one authenticator concluded (or is concluding) about a request, per mode. Promises, so fields
 * resolved concurrently (GraphQL queries) wait for one authentication instead of each running theirs.
 */
interface Outcome {
  required?: Promise<Principal | undefined>;
  /** Resolves undefined when the request carried no credentials. */
  optional?: Promise<Principal | undefined>;
}

// One request can pass several guards and routes: `APP_GUARD` + `@UseGuards(AuthGuard, ScopeGuard)`,
// and every resolver of a GraphQL operation (they share `req`). Remember each authenticator's outcome
// per mode, so the work is done once, while a route never inherits what another authenticator or an
// `@OptionalAuth()` route concluded. Kept off the request object: nothing the client or another
// middleware sets on `req` can look like an outcome.
const outcomes = new WeakMap<object, Map<Authenticator, Outcome>>();

// The principal each route (handler) got on a request. GraphQL resolves fields concurrently on one
// `req`, so `req.auth` holds whichever guard ran last; `@Principal()` reads its own route's entry.
const routePrincipals = new WeakMap<object, Map<Function, Principal | undefined>>();

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

/** Any failure as an AuthError in the authenticator's realm (never a 500 for what a client sent). */
export function authFailure(authenticator: Authenticator, error: unknown): AuthError {
  const err = toAuthError(error);
  err.realm = authenticator.realm;
  return err;
}

function remembered(req: NestRequest, authenticator: Authenticator): Outcome {
  let byAuthenticator = outcomes.get(req);
  if (byAuthenticator === undefined) {
    byAuthenticator = new Map();
    outcomes.set(req, byAuthenticator);
  }
  let outcome = byAuthenticator.get(authenticator);
  if (outcome === undefined) {
    outcome = {};
    byAuthenticator.set(authenticator, outcome);
  }
  return outcome;
}

async function run(
  authenticator: Authenticator,
  req: NestRequest,
  optional: boolean,
): Promise<Principal | undefined> {
  try {
    return await authenticator.authenticate(toRequestLike(req), optional ? { optional: true } : undefined);
  } catch (error) {
    throw authFailure(authenticator, error);
  }
}

/** The authenticator's answer for this request in this mode, computed once. */
async function settle(
  authenticator: Authenticator,
  req: NestRequest,
  optional: boolean,
): Promise<Principal | undefined> {
  const outcome = remembered(req, authenticator);
  // A principal found in either mode serves both; "no credentials" and failures stay with their mode
  // (no credentials is fine for an optional route, a 401 for a required one).
  const other = optional ? outcome.required : outcome.optional;
  if (other !== undefined) {
    const principal = await other.catch(() => undefined);
    if (principal !== undefined) return principal;
  }
  if (optional) outcome.optional ??= run(authenticator, req, true);
  else outcome.required ??= run(authenticator, req, false);
  return optional ? outcome.optional : outcome.required;
}

/**
 * Authenticates `req` with `authenticator` (once per request, authenticator and mode) for the route
 * `handler`, and sets `request.auth`. Optional mode resolves undefined when there are no credentials; required mode
 * always resolves a principal or throws, whatever ran on this request before.
 */
export async function authenticateRequest(
  authenticator: Authenticator,
  req: NestRequest,
  optional: boolean,
  handler: Function,
): Promise<Principal | undefined> {
  const principal = await settle(authenticator, req, optional);
  // An authenticator that answers "nobody" in required mode must not open a protected route.
  if (principal === undefined && !optional) throw authFailure(authenticator, new MissingTokenError());
  let byHandler = routePrincipals.get(req);
  if (byHandler === undefined) {
    byHandler = new Map();
    routePrincipals.set(req, byHandler);
  }
  byHandler.set(handler, principal);
  // For interceptors and middleware; on GraphQL, the last route authenticated on this request.
  req.auth = principal;
  return principal;
}
