import {
  MissingTokenError,
  toAuthError,
  type AuthError,
  type Authenticator,
  type Principal,
} from '@auth/core';
import { toRequestLike, type NestRequest } from './request.ts';

/** What one authenticator concluded about a request, per mode: a required-mode principal serves both. */
interface Outcome {
  required?: Principal;
  /** Optional mode: the principal, or undefined when the request carried no credentials. */
  optional?: { principal: Principal | undefined };
}

// One request can pass several guards and routes: `APP_GUARD` + `@UseGuards(AuthGuard, ScopeGuard)`,
// and every resolver of a GraphQL operation (they share `req`). Remember each authenticator's outcome
// per mode, so the work is done once, while a route never inherits what another authenticator or an
// `@OptionalAuth()` route concluded. Kept off the request object: nothing the client or another
// middleware sets on `req` can look like an outcome.
const outcomes = new WeakMap<object, Map<Authenticator, Outcome>>();

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

/**
 * Authenticates `req` with `authenticator` (once per request, authenticator and mode) and sets
 * `request.auth`. Optional mode resolves undefined when there are no credentials; required mode
 * always resolves a principal or throws, whatever ran on this request before.
 */
export async function authenticateRequest(
  authenticator: Authenticator,
  req: NestRequest,
  optional: boolean,
): Promise<Principal | undefined> {
  const outcome = remembered(req, authenticator);
  let principal: Principal | undefined = outcome.required;
  if (principal === undefined && optional && outcome.optional !== undefined) {
    principal = outcome.optional.principal;
  } else if (principal === undefined) {
    try {
      principal = await authenticator.authenticate(
        toRequestLike(req),
        optional ? { optional: true } : undefined,
      );
    } catch (error) {
      throw authFailure(authenticator, error);
    }
    if (principal !== undefined) outcome.required = principal;
    else if (optional) outcome.optional = { principal: undefined };
  }
  // An authenticator that answers "nobody" in required mode must not open a protected route.
  if (principal === undefined && !optional) throw authFailure(authenticator, new MissingTokenError());
  // The principal of the route being run (GraphQL runs several routes on one request).
  req.auth = principal;
  return principal;
}
