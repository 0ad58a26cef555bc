import {
  type AdapterStartup,
  type AuthBinding,
  type AuthOutcome,
  attachEventLogging,
  authorizePrincipal,
  consoleLines,
  createAuthBinding,
  type EventHub,
  isBearerCredentials,
  LOGGING_KEYS,
  readStartupOptions,
  STARTUP_KEYS,
  startAuthentication,
  startupLog,
} from '@auth/core/internal';
import { DEFAULT_REALM, isAuthError, type Policy, type PolicyContext } from '@auth/core';
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

/**
 * One binding per `requireAuth()` / `optionalAuth()` call, and its start-up (the `startup` option:
 * keys fetched now, awaited by the app through the middleware's `ready()`).
 */
export function bind(
  source: unknown,
  where: string,
): { binding: AuthBinding<Request>; startup: AdapterStartup } {
  const settings = readStartupOptions(source, where);
  const binding = createAuthBinding<Request>(source, {
    where,
    requestOf,
    contextOf,
    adapterKeys: [...LOGGING_KEYS, ...STARTUP_KEYS],
  });
  // Events to the `logger` option, else one line per event on the console from `info` up.
  attachEventLogging(binding.authenticator, source, { where, sink: consoleLines });
  const startup = startAuthentication(binding.authenticator, settings, {
    where,
    log: startupLog(source, consoleLines),
  });
  return { binding, startup };
}

// The realm of the authenticating middleware, remembered on the request so a later authorization
// middleware renders the same challenge, and its event hub, so that middleware's decisions reach the
// same listeners. The default realm and a hub nobody listens to need no note: no extra property then.
const REALM = Symbol('@auth/express.realm');
const EVENTS = Symbol('@auth/express.events');
type WithRealm = Request & { [REALM]?: string; [EVENTS]?: EventHub | undefined };

export function rememberBinding(req: Request, binding: AuthBinding<Request>): void {
  const { realm, events } = binding;
  if (realm !== DEFAULT_REALM || REALM in req) (req as WithRealm)[REALM] = realm;
  if (events?.active === true || EVENTS in req) (req as WithRealm)[EVENTS] = events;
}

export function realmOf(req: Request): string {
  return (req as WithRealm)[REALM] ?? DEFAULT_REALM;
}

/** Applies a policy to `req.auth` in the remembered realm, reporting the decision to the remembered hub. */
export function authorizeRequest(req: Request, policy: Policy): AuthOutcome | Promise<AuthOutcome> {
  return authorizePrincipal(req.auth, policy, () => contextOf(req), realmOf(req), (req as WithRealm)[EVENTS]);
}

/** Continues the chain: an AuthError goes to `next(err)`; a principal (or none) to `req.auth`, then `next()`. */
export function finish(req: Request, outcome: AuthOutcome, next: NextFunction, setsAuth: boolean): void {
  if (isAuthError(outcome)) {
    next(outcome);
    return;
  }
  // Optional and no credentials: no earlier middleware's principal stays behind.
  if (setsAuth) req.auth = outcome;
  next();
}

/** `finish` now or when the run settles (`.then`: Express 4 does not catch rejected promises; a run never rejects). */
export function settle(
  req: Request,
  outcome: AuthOutcome | Promise<AuthOutcome>,
  next: NextFunction,
  setsAuth: boolean,
): void {
  if (outcome instanceof Promise) outcome.then((o) => finish(req, o, next, setsAuth));
  else finish(req, outcome, next, setsAuth);
}

// RFC 6750 §2: a header token beside an `access_token` form parameter is a 400 even when body tokens
// are off, so an unparsed form body that comes with a Bearer header is read first (bounded like
// Express's own parser; later parsers see it parsed and skip). Nothing is read for other requests.
const formParser = express.urlencoded({ extended: false, limit: '100kb' });
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Whether an unparsed form body must be read first (nothing is read for other requests). */
export function needsFormBody(req: Request): boolean {
  if (req.body !== undefined || req.method === 'GET' || req.method === 'HEAD') return false;
  const type = req.headers['content-type'];
  const authorization = req.headers.authorization;
  return (
    typeof type === 'string' &&
    FORM.test(type) &&
    typeof authorization === 'string' &&
    isBearerCredentials(authorization)
  );
}

export function readFormBody(req: Request, res: Response, next: NextFunction, then: () => void): void {
  formParser(req, res, (error?: unknown) => (error ? next(error) : then()));
}
