/**
 * Errors of the outgoing side (`@auth/core/client`), on core's AuthError base. They are raised
 * while this service *obtains* tokens, so their HTTP status describes an upstream failure (502) unless
 * the failure means the end user must sign in again (401). Messages are fixed texts: the OAuth
 * `error` code may appear, never a token, a secret or a server-supplied description. Causes are kept
 * as redacted copies (see redact-cause.ts): no response body, claims or headers anywhere in the chain.
 */
import { AuthError } from '../errors.ts';
import { redactCause } from './redact-cause.ts';

/**
 * Which endpoint of the authorization server failed.
 *
 * @example
 * if (err instanceof TokenEndpointError && err.endpoint === ('revocation' satisfies OAuthEndpoint)) retryLater();
 */
export type OAuthEndpoint = 'token' | 'revocation' | 'introspection';

/**
 * The second argument of `new TokenEndpointError(message, details)`.
 *
 * @example
 * throw new TokenEndpointError('Token endpoint unavailable', { httpStatus: 503, retryable: true, retryAfterSeconds: 5 } satisfies TokenEndpointErrorDetails);
 */
export interface TokenEndpointErrorDetails {
  endpoint?: OAuthEndpoint;
  /** The OAuth `error` code from the response body or challenge (e.g. `invalid_grant`). */
  oauthError?: string;
  /** The server's `error_description`, kept as a property only (never in `message`). */
  errorDescription?: string;
  /** HTTP status of the server's response; undefined when no response arrived (network, timeout). */
  httpStatus?: number;
  /** True for 5xx, 429, network failures and timeouts: worth another attempt. */
  retryable?: boolean;
  /** Seconds from the server's `Retry-After` header, when it sent one. */
  retryAfterSeconds?: number;
  /** True when the request was aborted by the client's own timeout. */
  timedOut?: boolean;
  cause?: unknown;
}

/**
 * 502: the token, revocation or introspection endpoint answered with an error or could not be reached.
 *
 * @example
 * await tokens.getToken().catch((err) => {
 *   if (err instanceof TokenEndpointError) logger.warn({ endpoint: err.endpoint, httpStatus: err.httpStatus });
 *   throw err;
 * });
 */
export class TokenEndpointError extends AuthError {
  static override readonly keepsStack = true;
  override name = 'TokenEndpointError';
  readonly endpoint: OAuthEndpoint;
  readonly oauthError: string | undefined;
  readonly errorDescription: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  readonly timedOut: boolean;

  constructor(message: string, details: TokenEndpointErrorDetails = {}) {
    super('ERR_AUTH_TOKEN_ENDPOINT', message, {
      status: 502,
      error: null,
      challenge: false,
      retryAfterSeconds: details.retryAfterSeconds,
      cause: redactCause(details.cause),
    });
    this.endpoint = details.endpoint ?? 'token';
    this.oauthError = details.oauthError;
    this.errorDescription = details.errorDescription;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable ?? false;
    this.timedOut = details.timedOut ?? false;
  }
}

/**
 * A refresh-token source could not produce a usable access token. 401 when the grant is gone
 * (`invalid_grant`: the user must sign in again), 502 for every other upstream failure.
 * `cause` holds the underlying TokenEndpointError or DiscoveryError.
 *
 * @example
 * await tokens.getToken().catch((err) => {
 *   if (err instanceof RefreshError) return redirectToLogin();
 *   throw err;
 * });
 */
export class RefreshError extends AuthError {
  static override readonly keepsStack = true;
  override name = 'RefreshError';
  readonly oauthError: string | undefined;

  constructor(message = 'The access token could not be refreshed', options: { cause?: unknown } = {}) {
    const oauthError = (options.cause as { oauthError?: unknown } | undefined)?.oauthError;
    const grantGone = oauthError === 'invalid_grant';
    super('ERR_AUTH_REFRESH_FAILED', message, {
      status: grantGone ? 401 : 502,
      error: grantGone ? 'invalid_token' : null,
      challenge: grantGone,
      cause: redactCause(options.cause),
    });
    this.oauthError = typeof oauthError === 'string' ? oauthError : undefined;
  }
}

/**
 * 401: a refresh returned an ID token for a different subject than the original one. The source stops.
 *
 * @example
 * await tokens.getToken().catch((err) => (err instanceof SubjectMismatchError ? endSession() : Promise.reject(err)));
 */
export class SubjectMismatchError extends AuthError {
  static override readonly keepsStack = true;
  override name = 'SubjectMismatchError';
  constructor(message = 'The refreshed ID token names a different subject') {
    super('ERR_AUTH_SUBJECT_MISMATCH', message, { status: 401, error: 'invalid_token' });
  }
}

/**
 * 502: OIDC / OAuth metadata discovery failed (unreachable, not JSON, issuer mismatch, missing endpoint).
 *
 * @example
 * await discover('https://idp.example').catch((err) => {
 *   if (err instanceof DiscoveryError) logger.error({ code: err.code, cause: err.cause });
 *   throw err;
 * });
 */
export class DiscoveryError extends AuthError {
  static override readonly keepsStack = true;
  override name = 'DiscoveryError';
  constructor(message = 'Authorization server metadata discovery failed', options: { cause?: unknown } = {}) {
    super('ERR_AUTH_DISCOVERY_FAILED', message, {
      status: 502,
      error: null,
      challenge: false,
      cause: redactCause(options.cause),
    });
  }
}

/**
 * 502: `authFetch` refused to send a token to an origin outside `allowedOrigins` (nothing was sent).
 *
 * @example
 * await api('https://other.example/').catch((err) => err instanceof OriginNotAllowedError); // true: the token was not sent
 */
export class OriginNotAllowedError extends AuthError {
  static override readonly keepsStack = true;
  override name = 'OriginNotAllowedError';
  readonly origin: string;
  constructor(origin: string) {
    super('ERR_AUTH_ORIGIN_NOT_ALLOWED', 'Refusing to send credentials to an origin that is not allowed', {
      status: 502,
      error: null,
      challenge: false,
    });
    this.origin = origin;
  }
}
