/**
 * Errors of the outgoing side (`@auth/core/client`), on the AuthClientError base: raised while this
 * service *obtains* or sends tokens for its own calls. They are not AuthErrors (`isAuthError` is false),
 * carry no HTTP status for an error handler to render, and keep their stack. Messages are fixed texts:
 * the OAuth `error` code may appear, never a token or a secret. Causes are kept as redacted copies (see
 * redact-cause.ts): no response body, claims or headers anywhere in the chain.
 */
import { AuthClientError } from './auth-client-error.ts';
import { safeErrorDescription, safeOAuthError } from './error-description.ts';

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
  /** The server's `error_description`; kept bounded and sanitized, as a property only (never in `message`). */
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
 * The token, revocation or introspection endpoint answered with an error or could not be reached.
 *
 * @example
 * if (err instanceof TokenEndpointError && err.retryable) scheduleRetry(err.retryAfterSeconds);
 */
export class TokenEndpointError extends AuthClientError {
  override name = 'TokenEndpointError';
  readonly endpoint: OAuthEndpoint;
  /** The OAuth `error` code when it is a valid one (RFC 6749 charset, ≤ 64 characters). */
  readonly oauthError: string | undefined;
  /**
   * The server's `error_description`, at most 200 characters of RFC 6749's charset, with anything
   * that could be a credential (a long run of token characters) replaced by `[redacted]`.
   */
  readonly errorDescription: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  /** Seconds from the server's `Retry-After` header, when it sent one. */
  readonly retryAfterSeconds: number | undefined;
  readonly timedOut: boolean;

  constructor(message: string, details: TokenEndpointErrorDetails = {}) {
    super('ERR_AUTH_TOKEN_ENDPOINT', message, { cause: details.cause });
    this.endpoint = details.endpoint ?? 'token';
    this.oauthError = safeOAuthError(details.oauthError);
    this.errorDescription = safeErrorDescription(details.errorDescription);
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable ?? false;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.timedOut = details.timedOut ?? false;
  }
}

/**
 * A refresh-token source could not produce a usable access token. `oauthError === 'invalid_grant'`
 * means the grant is gone: the user must sign in again. `cause` holds the underlying
 * TokenEndpointError or DiscoveryError.
 *
 * @example
 * if (err instanceof RefreshError && err.oauthError === 'invalid_grant') return redirectToLogin();
 */
export class RefreshError extends AuthClientError {
  override name = 'RefreshError';
  readonly oauthError: string | undefined;

  constructor(message = 'The access token could not be refreshed', options: { cause?: unknown } = {}) {
    super('ERR_AUTH_REFRESH_FAILED', message, options);
    const oauthError = (options.cause as { oauthError?: unknown } | undefined)?.oauthError;
    this.oauthError = safeOAuthError(oauthError);
  }
}

/**
 * A refresh returned an ID token for a different subject than the original one. The source stops.
 * Both subjects are properties (for an audit log), never part of the message.
 *
 * @example
 * if (err instanceof SubjectMismatchError) {
 *   console.warn('subject changed on refresh', { expected: err.expectedSubject, actual: err.actualSubject });
 *   await session.destroy();
 * }
 */
export class SubjectMismatchError extends AuthClientError {
  override name = 'SubjectMismatchError';
  /** The subject the source was created for (a property only: never in `message`). */
  readonly expectedSubject: string | undefined;
  /** The subject the refreshed ID token names. */
  readonly actualSubject: string | undefined;
  constructor(
    message = 'The refreshed ID token names a different subject',
    subjects: { expectedSubject?: string; actualSubject?: string } = {},
  ) {
    super('ERR_AUTH_SUBJECT_MISMATCH', message);
    this.expectedSubject = subjects.expectedSubject;
    this.actualSubject = subjects.actualSubject;
  }
}

/**
 * OIDC / OAuth metadata discovery failed (unreachable, not JSON, issuer mismatch, missing endpoint).
 *
 * @example
 * await discover(issuer).catch((err) => {
 *   if (err instanceof DiscoveryError) logger.error({ code: err.code }, 'IdP metadata unavailable');
 *   throw err;
 * });
 */
export class DiscoveryError extends AuthClientError {
  override name = 'DiscoveryError';
  constructor(message = 'Authorization server metadata discovery failed', options: { cause?: unknown } = {}) {
    super('ERR_AUTH_DISCOVERY_FAILED', message, options);
  }
}

/**
 * `authFetch` refused to send a token to an origin outside `allowedOrigins` (nothing was sent).
 *
 * @example
 * if (err instanceof OriginNotAllowedError) logger.warn({ origin: err.origin }, 'blocked outgoing call');
 */
export class OriginNotAllowedError extends AuthClientError {
  override name = 'OriginNotAllowedError';
  readonly origin: string;
  constructor(origin: string) {
    super('ERR_AUTH_ORIGIN_NOT_ALLOWED', 'Refusing to send credentials to an origin that is not allowed');
    this.origin = origin;
  }
}
