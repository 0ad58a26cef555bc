/**
 * Pre-rendered error responses: the contract's status, headers and serialized JSON body of an AuthError,
 * built once per distinct (realm, status, code, message, challenge, scopes, Retry-After) and reused, so a
 * flood of rejected requests does not re-quote the challenge and re-serialize the body each time.
 */
import type { AuthenticateOptions, Authenticator } from './authenticator.ts';
import { challengeKeyOf } from './challenge-profile.ts';
import { AuthError, MissingTokenError } from './errors.ts';

/**
 * The contract's response for an AuthError, ready to send. Frozen and shared: copy before changing.
 *
 * @example
 * const { status, headers, body }: RenderedAuthError = renderAuthError(err, 'api');
 */
export interface RenderedAuthError {
  readonly status: number;
  /** `content-type`, `www-authenticate` (when the error challenges), `retry-after` (503). */
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, serialized. */
  readonly body: string;
}

// Bounded: messages and scope lists can come from the app's policies and Retry-After varies, so the
// number of distinct responses is not fixed. Oldest out first; the fixed responses of a flood stay hot.
const MAX_ENTRIES = 256;
const cache = new Map<string, RenderedAuthError>();
const proto = AuthError.prototype;

function render(error: AuthError, realm: string): RenderedAuthError {
  const { status, headers, body } = error.toResponse(realm);
  return Object.freeze({ status, headers: Object.freeze(headers), body: JSON.stringify(body) });
}

/**
 * The contract's response for `error` in `realm` (default: the error's own), from a bounded cache.
 * Errors whose class overrides how it renders are rendered afresh each time.
 *
 * @example
 * ```ts
 * const { status, headers, body } = renderAuthError(error, 'api');
 * res.writeHead(status, headers).end(body);
 * ```
 */
export function renderAuthError(error: AuthError, realm: string = error.realm): RenderedAuthError {
  if (
    error.toResponse !== proto.toResponse ||
    error.toBody !== proto.toBody ||
    error.responseHeaders !== proto.responseHeaders ||
    error.wwwAuthenticate !== proto.wwwAuthenticate
  ) {
    return render(error, realm);
  }
  const scopes = error.requiredScopes.length === 0 ? '' : error.requiredScopes.join(' ');
  // Free-text fields carry their length: a newline inside one cannot make two errors share a key.
  const { code, message } = error;
  const bearerError = error.error ?? '';
  const key = `${realm.length}:${realm}\n${error.status}\n${code.length}:${code}\n${error.error === null ? '-' : `${bearerError.length}:${bearerError}`}\n${error.challenge}\n${error.retryAfterSeconds}\n${error.requiredScopes.length}#${scopes.length}:${scopes}\n${challengeKeyOf(error)}\n${message}`;
  let rendered = cache.get(key);
  if (rendered === undefined) {
    rendered = render(error, realm);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, rendered);
  }
  return rendered;
}

/**
 * The response to a request without credentials (401, `Bearer realm="…"`), for an adapter that answers
 * it without building a `MissingTokenError` first.
 *
 * @example
 * ```ts
 * const missing = missingTokenResponse(authenticator.realm);
 * reply.code(missing.status).headers(missing.headers).send(missing.body);
 * ```
 */
export function missingTokenResponse(realm: string): RenderedAuthError {
  return renderAuthError(missingTokenError, realm);
}
const missingTokenError = new MissingTokenError();

/**
 * `{ optional: true }`, frozen: the options to ask with when `reportsMissingAsUndefined`.
 *
 * @example
 * const principal = await auth.authenticate(req, OPTIONAL_AUTH); // undefined without credentials
 */
export const OPTIONAL_AUTH: AuthenticateOptions = Object.freeze({ optional: true });

const AUTHENTICATOR = Symbol.for('@auth/core.Authenticator');

/**
 * True for this library's authenticators: asked with `{ optional: true }`, they resolve undefined
 * exactly when, asked without, they would reject with a `MissingTokenError`. An adapter that renders the
 * response itself can then ask optionally on a required route and answer undefined with
 * `missingTokenResponse(realm)`, building no error. Any other authenticator: ask it as the route says.
 *
 * @example
 * ```ts
 * const quiet = reportsMissingAsUndefined(authenticator);
 * const principal = await authenticator.authenticate(req, quiet ? OPTIONAL_AUTH : undefined);
 * if (principal === undefined && quiet) return send(missingTokenResponse(authenticator.realm));
 * ```
 */
export function reportsMissingAsUndefined(authenticator: Authenticator): boolean {
  return (authenticator as { [AUTHENTICATOR]?: unknown })[AUTHENTICATOR] === true;
}
