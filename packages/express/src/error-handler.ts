import { ConfigurationError } from '@auth/core';
import { isAuthError, renderAuthError } from '@auth/core';
import { assertKnownKeys, validateRealm } from '@auth/core/internal';
import type { ErrorRequestHandler } from 'express';

export interface AuthErrorHandlerOptions {
  /** Realm of the `WWW-Authenticate` challenge; defaults to the realm of the middleware that failed. */
  realm?: string;
}

/**
 * Renders an AuthError as the contract's response (status, `WWW-Authenticate`, `Retry-After`, JSON body)
 * and passes any other error on to the next error handler.
 *
 * @example
 * ```ts
 * app.use(requireAuth());
 * app.get('/me', (req, res) => res.json(req.auth));
 * app.use(authErrorHandler());
 * ```
 */
export function authErrorHandler(options: AuthErrorHandlerOptions = {}): ErrorRequestHandler {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('authErrorHandler(): options must be an object');
  }
  assertKnownKeys(options, ['realm'], 'authErrorHandler()');
  const realm =
    options.realm === undefined ? undefined : validateRealm(options.realm, 'authErrorHandler(): realm');
  return function authErrorHandler(err, _req, res, next) {
    if (!isAuthError(err) || res.headersSent) return next(err);
    // Pre-rendered per (error, realm): no challenge quoting or body serialization per rejection.
    const { status, headers, body } = renderAuthError(err, realm ?? err.realm);
    res.status(status).set(headers).send(body);
  };
}
