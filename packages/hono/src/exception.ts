import { type AuthError, type RenderedAuthError, renderAuthError, toAuthError } from '@auth/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// A plain-string Response with its own copy of the pre-rendered headers (@hono/node-server writes a
// string body in one go and may add Content-Length to the object it gets, so never the shared one).
const responseOf = (r: RenderedAuthError): Response =>
  new Response(r.body, { status: r.status, headers: { ...r.headers } });

/**
 * An `HTTPException` for a pre-rendered rejection: `getResponse()` builds a fresh plain-string
 * `Response` from it on every call, instead of re-wrapping the body stream of `res`.
 */
class AuthHTTPException extends HTTPException {
  readonly #rendered: RenderedAuthError;

  constructor(rendered: RenderedAuthError, message: string, cause: AuthError | undefined) {
    // A rejection is an answer to the request, not a program fault: no stack trace to capture.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(rendered.status as ContentfulStatusCode, { message, cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.#rendered = rendered;
    // `res` is built only when read (Hono's own handlers call getResponse()).
    Object.defineProperty(this, 'res', { configurable: true, get: () => responseOf(rendered) });
  }

  override getResponse(): Response {
    return responseOf(this.#rendered);
  }
}

/**
 * An `HTTPException` holding the contract's ready `Response` (status, `WWW-Authenticate`/`Retry-After`,
 * JSON body). Hono's default error handler returns it as is; in your own `app.onError`,
 * `if (err instanceof HTTPException) return err.getResponse()` does the same. `cause` is the AuthError.
 *
 * @example
 * ```ts
 * app.get('/check', (c) => {
 *   throw toHTTPException(new ForbiddenError('ERR_AUTH_FORBIDDEN', 'Not yours'));
 * });
 * ```
 */
export function toHTTPException(cause: unknown, realm?: string): HTTPException {
  const error: AuthError = toAuthError(cause);
  return new AuthHTTPException(renderAuthError(error, realm ?? error.realm), error.message, error);
}
