import {
  createAuthenticator,
  isAuthenticator,
  MissingTokenError,
  verifierOptionsFromEnv,
  type Authenticator,
  type AuthenticatorOptions,
  type Principal,
  type Verifier,
} from '@auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authFailure, rememberRealm } from './realm.ts';

/** What the middleware authenticates with: options, a verifier, or a ready authenticator (e.g. API keys). */
export type AuthSource = AuthenticatorOptions | Verifier | Authenticator;

/** The middleware, with the authenticator it uses (to `close()` it on shutdown). */
export type AuthMiddleware = RequestHandler & { readonly authenticator: Authenticator };

function toAuthenticator(source: AuthSource | undefined): Authenticator {
  if (source === undefined) return createAuthenticator(verifierOptionsFromEnv());
  return isAuthenticator(source) ? source : createAuthenticator(source);
}

function middleware(authenticator: Authenticator, optional: boolean): AuthMiddleware {
  const options = optional ? { optional: true } : undefined;
  const handler = (req: Request, _res: Response, next: NextFunction): void => {
    rememberRealm(req, authenticator.realm);
    // `.then(ok, fail)` rather than async/await: Express 4 does not catch rejected promises.
    authenticator.authenticate(req, options).then(
      (principal) => {
        req.auth = principal;
        next();
      },
      (error: unknown) => next(authFailure(req, error)),
    );
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
