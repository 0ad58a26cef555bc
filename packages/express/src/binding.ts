import {
  type AuthBinding,
  type AuthOutcome,
  authorizePrincipal,
  createAuthBinding,
  isBearerCredentials,
} from '@auth/core/internal';
import { type AuthError, DEFAULT_REALM, isAuthError, type Policy, type PolicyContext } from '@auth/core';
import express, { type NextFunction, type Request, type Response } from 'express';

// The framework-specific pieces: how Express's request reads for core, its policy context, and where
// the realm of the authenticating middleware is kept for the authorization middleware after it.

/** Express's request already has what core reads: headers, rawHeaders, url, method, body. */
const requestOf = (req: Request): Request => req;

/** Route params (e.g. `orgId`), method and path. Express 5 types wildcard params as string[]. */
export const contextOf = (req: Request): PolicyContext => ({
  params: req.params as PolicyContext['params'],
  method: req.method,
  path: req.path,
});

/** One binding per `requireAuth()` / `optionalAuth()` call. */
export function bind(source: unknown, where: string): AuthBinding<Request> {
  return createAuthBinding<Request>(source, { where, requestOf, contextOf });
}

// The realm of the authenticating middleware, remembered on the request so a later authorization
// middleware renders the same challenge. The default realm needs no note: no extra property then.
const REALM = Symbol('@auth/express.realm');
type WithRealm = Request & { [REALM]?: string };

export function rememberRealm(req: Request, realm: string): void {
  if (realm !== DEFAULT_REALM || REALM in req) (req as WithRealm)[REALM] = realm;
}

export function realmOf(req: Request): string {
  return (req as WithRealm)[REALM] ?? DEFAULT_REALM;
}

/** Applies a policy to `req.auth` in the remembered realm. */
export function authorizeRequest(req: Request, policy: Policy): AuthOutcome | Promise<AuthOutcome> {
  return authorizePrincipal(req.auth, policy, () => contextOf(req), realmOf(req));
}

/** Continues the chain with an outcome: an AuthError goes to `next(err)`, anything else to `next()`. */
export function settle(
  outcome: AuthOutcome | Promise<AuthOutcome>,
  next: NextFunction,
  onPrincipal?: (outcome: Exclude<AuthOutcome, AuthError>) => void,
): void {
  const finish = (o: AuthOutcome): void => {
    if (isAuthError(o)) return next(o);
    onPrincipal?.(o);
    next();
  };
  // `.then` rather than async/await: Express 4 does not catch rejected promises (a run never rejects).
  if (outcome instanceof Promise) outcome.then(finish);
  else finish(outcome);
}

// RFC 6750 §2: a header token beside an `access_token` form parameter is a 400 even when body tokens
// are off, so an unparsed form body that comes with a Bearer header is read first (bounded like
// Express's own parser; later parsers see it parsed and skip). Nothing is read for other requests.
const formParser = express.urlencoded({ extended: false, limit: '100kb' });
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export function withFormBody(req: Request, res: Response, next: NextFunction, run: () => void): void {
  const type = req.headers['content-type'];
  const authorization = req.headers.authorization;
  if (
    req.body !== undefined ||
    req.method === 'GET' ||
    req.method === 'HEAD' ||
    typeof type !== 'string' ||
    !FORM.test(type) ||
    typeof authorization !== 'string' ||
    !isBearerCredentials(authorization)
  ) {
    run();
    return;
  }
  formParser(req, res, (error?: unknown) => (error ? next(error) : run()));
}
