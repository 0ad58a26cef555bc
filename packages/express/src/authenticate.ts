import {
  createAuthenticator,
  isBearerCredentials,
  isAuthenticator,
  MissingTokenError,
  verifierOptionsFromEnv,
  type Authenticator,
  type AuthenticatorOptions,
  type Principal,
  type Verifier,
} from '@auth/core';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { authFailure, rememberRealm } from './realm.ts';

/** What the middleware authenticates with: options, a verifier, or a ready authenticator (e.g. API keys). */
export type AuthSource = AuthenticatorOptions | Verifier | Authenticator;

/** The middleware, with the authenticator it uses (to `close()` it on shutdown). */
export type AuthMiddleware = RequestHandler & { readonly authenticator: Authenticator };

function toAuthenticator(source: AuthSource | undefined): Authenticator {
  if (source === undefined) return createAuthenticator(verifierOptionsFromEnv());
  return isAuthenticator(source) ? source : createAuthenticator(source);
}

// RFC 6750 §2: a header token beside an `access_token` form parameter is a 400 even when body tokens
// are off, so an unparsed form body that comes with a Bearer header is read first (bounded like
// Express's own parser; later parsers see it parsed and skip). Nothing is read for other requests.
const formParser = express.urlencoded({ extended: false, limit: '100kb' });
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

function hasUnparsedFormBeside(req: Request): boolean {
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

function middleware(authenticator: Authenticator, optional: boolean): AuthMiddleware {
  const options = optional ? { optional: true } : undefined;
  const run = (req: Request, next: NextFunction): void => {
    // `.then(ok, fail)` rather than async/await: Express 4 does not catch rejected promises.
    authenticator.authenticate(req, options).then(
      (principal) => {
        req.auth = principal;
        // A custom authenticator may resolve undefined: a required route never runs without a principal.
        if (principal === undefined && !optional) next(authFailure(req, new MissingTokenError()));
        else next();
      },
      (error: unknown) => next(authFailure(req, error)),
    );
  };
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    rememberRealm(req, authenticator.realm);
    if (hasUnparsedFormBeside(req)) {
      formParser(req, res, (error?: unknown) => (error ? next(error) : run(req, next)));
      return;
    }
    run(req, next);
  };
  // Named functions read well in stack traces and in `app._router` dumps.
  Object.defineProperty(handler, 'name', { value: optional ? 'optionalAuth' : 'requireAuth' });
  return Object.assign(handler, { authenticator });
}

/**
 * Rejects requests without valid credentials (`next(err)` with the AuthError) and sets `req.auth`.
 * Without arguments it reads `AUTH_*` environment variables (`verifierOptionsFromEnv`).
 */
export function requireAuth(source?: AuthSource): AuthMiddleware {
  return middleware(toAuthenticator(source), false);
}

/** No credentials at all: continue with `req.auth` undefined. Bad credentials: fail like `requireAuth`. */
export function optionalAuth(source?: AuthSource): AuthMiddleware {
  return middleware(toAuthenticator(source), true);
}

/** `req.auth` after `requireAuth`; throws MissingTokenError (401, fail closed) if no middleware set it. */
export function getAuth(req: Request): Principal {
  if (req.auth === undefined) throw new MissingTokenError();
  return req.auth;
}
