/**
 * The brand of client errors, apart from the class so that redact-cause.ts can recognise them without
 * importing the class (which imports redact-cause.ts).
 */
import type { AuthClientError } from './auth-client-error.ts';

/** Shared across package copies (dual builds, duplicates), like AuthError's brand. */
export const AUTH_CLIENT_ERROR_BRAND = Symbol.for('@auth/core.AuthClientError');

/**
 * True for an error of an outgoing call (`TokenEndpointError`, `RefreshError`, …), also one created by
 * another copy of `@auth/core`. Such an error is never an AuthError: `isAuthError` is false for it, so
 * a server's error handler does not render it as the caller's 401.
 *
 * @example
 * import { isAuthClientError } from '@auth/core/client';
 * app.use((err, req, res, next) => {
 *   if (isAuthClientError(err)) logger.error({ code: err.code, err }, 'upstream auth failed');
 *   next(err);
 * });
 */
export function isAuthClientError(value: unknown): value is AuthClientError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[AUTH_CLIENT_ERROR_BRAND] === true
  );
}
