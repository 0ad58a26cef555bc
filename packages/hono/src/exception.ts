import { type AuthError, toAuthError } from '@auth/core';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * An `HTTPException` holding the contract's ready `Response` (status, `WWW-Authenticate`/`Retry-After`,
 * JSON body). Hono's default error handler returns it as is; in your own `app.onError`,
 * `if (err instanceof HTTPException) return err.getResponse()` does the same. `cause` is the AuthError.
 */
export function toHTTPException(cause: unknown, realm?: string): HTTPException {
  const error: AuthError = toAuthError(cause);
  const { status, headers, body } = error.toResponse(realm ?? error.realm);
  const res = new Response(JSON.stringify(body), { status, headers });
  return new HTTPException(status as ContentfulStatusCode, { res, message: error.message, cause: error });
}
