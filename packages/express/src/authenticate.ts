import {
  type AuthLoggingOptions,
  type AuthSource as CoreAuthSource,
  type AuthStartupOptions,
  OPTIONAL,
  REQUIRED,
  type RouteRequirement,
} from '@auth/core/internal';
import { type Authenticator, MissingTokenError, type Principal } from '@auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bind, needsFormBody, readFormBody, realmOf, rememberBinding, settle } from './binding.ts';

/**
 * What the middleware authenticates with (core's options, a Verifier, an Authenticator, or
 * `{ authenticator }`), plus where its events are logged (`logger`, `logLevel`) and when its keys are
 * fetched (`startup`, `startupRetryMs`).
 *
 * @example
 * ```ts
 * const source: AuthSource = { issuers: [{ issuer, audience: 'api://orders' }], logger: pino(), startup: 'fail' };
 * ```
 */
export type AuthSource = CoreAuthSource & AuthLoggingOptions & AuthStartupOptions;

/**
 * The middleware, with the authenticator it uses (to `close()` it on shutdown) and `ready()`: with
 * `startup: 'fail'`, await it before `app.listen()` (it rejects with a `StartupError` when the keys
 * cannot be fetched); with `'warn'` or `'lazy'` it resolves at once.
 */
export type AuthMiddleware = RequestHandler & {
  readonly authenticator: Authenticator;
  ready(): Promise<void>;
};

function middleware(source: AuthSource | undefined, route: RouteRequirement, name: string): AuthMiddleware {
  const { binding, startup } = bind(source, `@auth/express ${name}()`);
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    rememberBinding(req, binding);
    if (needsFormBody(req))
      readFormBody(req, res, next, () => settle(req, binding.run(req, route), next, true));
    else settle(req, binding.run(req, route), next, true);
  };
  // Named functions read well in stack traces and in `app._router` dumps.
  Object.defineProperty(handler, 'name', { value: name });
  return Object.assign(handler, {
    authenticator: binding.authenticator,
    ready: (): Promise<void> => startup.ready(),
  });
}

/**
 * Rejects requests without valid credentials (`next(err)` with the AuthError) and sets `req.auth`.
 * Without arguments it reads `AUTH_*` environment variables (`verifierOptionsFromEnv`).
 *
 * @example
 * ```ts
 * app.use('/api', requireAuth({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] }));
 * app.use(authErrorHandler());
 * ```
 */
export function requireAuth(source?: AuthSource): AuthMiddleware {
  return middleware(source, REQUIRED, 'requireAuth');
}

/**
 * No credentials at all: continue with `req.auth` undefined. Bad credentials: fail like `requireAuth`.
 *
 * @example
 * ```ts
 * app.get('/feed', optionalAuth(options), (req, res) => res.json({ signedIn: req.auth !== undefined }));
 * ```
 */
export function optionalAuth(source?: AuthSource): AuthMiddleware {
  return middleware(source, OPTIONAL, 'optionalAuth');
}

/**
 * `req.auth` after `requireAuth`; throws MissingTokenError (401, fail closed) if no middleware set it.
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth(), (req, res) => res.json({ sub: getAuth(req).subject }));
 * ```
 */
export function getAuth(req: Request): Principal {
  if (req.auth === undefined) throw new MissingTokenError().withRealm(realmOf(req));
  return req.auth;
}
