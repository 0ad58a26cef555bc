/**
 * Error causes without token material. oauth4webapi attaches, for debugging, the Response, its parsed
 * body (access, refresh and ID tokens), ID token claims and request headers to the errors it throws,
 * and V8's JSON parse errors quote the body they failed on. A client error keeps a copy of its cause
 * chain with only what explains the failure: name, message, `code` and HTTP `status`.
 */
import * as oauth from 'oauth4webapi';
import { isAuthError } from '../errors.ts';
import { isAuthClientError } from './client-error-brand.ts';

const MAX_DEPTH = 8;

/** oauth4webapi's own errors: their messages are fixed texts that name fields, never values. */
function isLibraryError(error: Error): boolean {
  return (
    error instanceof oauth.OperationProcessingError ||
    error instanceof oauth.ResponseBodyError ||
    error instanceof oauth.WWWAuthenticateChallengeError ||
    error instanceof oauth.AuthorizationResponseError ||
    error instanceof oauth.UnsupportedOperationError
  );
}

/**
 * A copy of `cause` (and of its own causes) that carries no response body, claims or headers: an
 * `Error` with the original name, message (withheld for a JSON SyntaxError, which quotes its input),
 * `code`, `status` and stack frames. AuthErrors and client errors are kept as they are: they redact
 * at construction.
 * Anything that is not an Error (a parsed body, a challenge list) is dropped.
 *
 * @example
 * throw new TokenEndpointError('…', { cause: redactCause(oauth4webapiError) });
 */
export function redactCause(cause: unknown, depth = 0): Error | undefined {
  if (isAuthError(cause) || isAuthClientError(cause)) return cause;
  if (!(cause instanceof Error) || depth >= MAX_DEPTH) return undefined;
  const message =
    cause instanceof SyntaxError && !isLibraryError(cause)
      ? 'The response is not valid JSON (input withheld)'
      : cause.message;
  const inner = redactCause(cause.cause, depth + 1);
  const copy: Error & { code?: string; status?: number } =
    inner === undefined ? new Error(message) : new Error(message, { cause: inner });
  copy.name = cause.name;
  const { code, status } = cause as { code?: unknown; status?: unknown };
  if (typeof code === 'string') copy.code = code;
  if (typeof status === 'number') copy.status = status;
  // The frames say where it failed; the original header line may quote the input.
  const frames = (cause.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  copy.stack = [`${copy.name}: ${message}`, ...frames].join('\n');
  return copy;
}
