import { toAuthError, type AuthError, type Authenticator, type Principal } from '@auth/core';
import { toRequestLike, type NestRequest } from './request.ts';

// Marks a request both guards have seen, so `APP_GUARD` + `@UseGuards(AuthGuard, ScopeGuard)` authenticate once.
const DONE = Symbol.for('@auth/nest.authenticated');

/** Any failure as an AuthError in the authenticator's realm (never a 500 for what a client sent). */
export function authFailure(authenticator: Authenticator, error: unknown): AuthError {
  const err = toAuthError(error);
  err.realm = authenticator.realm;
  return err;
}

/** Authenticates once per request and sets `request.auth` (undefined for an optional route without credentials). */
export async function authenticateRequest(
  authenticator: Authenticator,
  req: NestRequest,
  optional: boolean,
): Promise<Principal | undefined> {
  if (req[DONE] === true) return req.auth;
  let principal: Principal | undefined;
  try {
    principal = await authenticator.authenticate(
      toRequestLike(req),
      optional ? { optional: true } : undefined,
    );
  } catch (error) {
    throw authFailure(authenticator, error);
  }
  req.auth = principal;
  req[DONE] = true;
  return principal;
}
