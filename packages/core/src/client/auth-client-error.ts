/**
 * The base of every error of the outgoing side (`@auth/core/client`): failures while this service
 * obtains, refreshes or sends tokens for its own calls. Not an AuthError: an AuthError is an answer to
 * the caller of this service (401/403/503 with a challenge); a client error is a fault of one of this
 * service's calls, which a server's error handler should treat like any other program fault (a 500),
 * never as the caller's 401. Hence no `status`, `statusCode` or `expose` that a framework's error
 * handler would pick up, and a stack trace is always kept.
 */
import { AUTH_CLIENT_ERROR_BRAND } from './client-error-brand.ts';
import { redactCause } from './redact-cause.ts';

/**
 * Stable codes of client errors (apart from AuthErrorCode, the codes of answers to callers).
 *
 * @example
 * const code: AuthClientErrorCode = 'ERR_AUTH_REFRESH_FAILED';
 * if (isAuthClientError(err) && err.code === code) return redirectToLogin();
 */
export type AuthClientErrorCode =
  | 'ERR_AUTH_TOKEN_ENDPOINT'
  | 'ERR_AUTH_REFRESH_FAILED'
  | 'ERR_AUTH_SUBJECT_MISMATCH'
  | 'ERR_AUTH_INVALID_CREDENTIALS'
  | 'ERR_AUTH_DISCOVERY_FAILED'
  | 'ERR_AUTH_ORIGIN_NOT_ALLOWED'
  | 'ERR_AUTH_DPOP_PROOF';

/**
 * Messages are fixed texts chosen by the library (an OAuth `error` code may appear); `cause` is a
 * redacted copy of the cause chain (see redact-cause.ts): no response body, claims, headers or token.
 *
 * @example
 * import { AuthClientError, isAuthClientError } from '@auth/core/client';
 * try {
 *   await tokens.getToken();
 * } catch (err) {
 *   if (isAuthClientError(err) && err.code === 'ERR_AUTH_REFRESH_FAILED') return redirectToLogin();
 *   throw err;
 * }
 */
export class AuthClientError extends Error {
  override name = 'AuthClientError';
  readonly code: AuthClientErrorCode;

  constructor(code: AuthClientErrorCode, message: string, options: { cause?: unknown } = {}) {
    const cause = redactCause(options.cause);
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    Object.defineProperty(this, AUTH_CLIENT_ERROR_BRAND, { value: true });
  }
}
