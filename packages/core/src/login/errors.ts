/**
 * Errors of the web login flow, on core's AuthError base. A browser flow has no bearer challenge:
 * none of them sends `WWW-Authenticate`. Messages are fixed texts; the OAuth `error` code of an
 * authorization response may appear, never a token, a code, a state value or a server description.
 */
import { AuthError, type AuthErrorCode } from '../errors.ts';
import { redactCause } from '../client/redact-cause.ts';

/**
 * The OAuth 2.0 / OIDC error codes an authorization endpoint sends back (others pass through as strings).
 *
 * @example
 * if (err instanceof AuthorizationResponseError && err.oauthError === ('access_denied' satisfies AuthorizationErrorCode)) showCancelled();
 */
export type AuthorizationErrorCode =
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'access_denied'
  | 'invalid_request'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | (string & {});

const INTERACTION = new Set([
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
]);
const SAFE_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

abstract class LoginFlowError extends AuthError {
  static override readonly keepsStack = true;
  constructor(code: AuthErrorCode, message: string, status: number, cause?: unknown) {
    super(code, message, { status, error: null, challenge: false, cause: redactCause(cause) });
  }
}

/**
 * The authorization server answered the authorization request with an error (`?error=…`).
 * `oauthError` is the server's code; `errorDescription` is kept as a property, never in `message`.
 *
 * @example
 * ```ts
 * try { await login.handleCallback(url, saved) }
 * catch (e) { if (e instanceof InteractionRequiredError) redirect(await login.createAuthorizationUrl()) }
 * ```
 */
export class AuthorizationResponseError extends LoginFlowError {
  override name = 'AuthorizationResponseError';
  readonly oauthError: AuthorizationErrorCode;
  readonly errorDescription: string | undefined;
  constructor(
    oauthError: string,
    errorDescription?: string,
    code: AuthErrorCode = 'ERR_AUTH_LOGIN_REJECTED',
  ) {
    const safe = SAFE_CODE.test(oauthError) ? oauthError : 'unknown_error';
    super(
      code,
      `The authorization server refused the login (${safe})`,
      code === 'ERR_AUTH_LOGIN_ACCESS_DENIED' ? 403 : 401,
    );
    this.oauthError = safe;
    this.errorDescription = boundedDescription(errorDescription);
  }
}

/**
 * `login_required`, `consent_required`, `interaction_required`, `account_selection_required` (after `prompt=none`).
 *
 * @example
 * if (err instanceof InteractionRequiredError) return res.redirect((await login.startLogin({ prompt: 'login' })).url.href);
 */
export class InteractionRequiredError extends AuthorizationResponseError {
  override name = 'InteractionRequiredError';
  constructor(oauthError: string, errorDescription?: string) {
    super(oauthError, errorDescription, 'ERR_AUTH_LOGIN_INTERACTION_REQUIRED');
  }
}

/**
 * `access_denied`: the user (or a policy of the server) declined.
 *
 * @example
 * if (err instanceof AccessDeniedError) return res.redirect('/login-cancelled');
 */
export class AccessDeniedError extends AuthorizationResponseError {
  override name = 'AccessDeniedError';
  constructor(errorDescription?: string) {
    super('access_denied', errorDescription, 'ERR_AUTH_LOGIN_ACCESS_DENIED');
  }
}

/** The typed error for an authorization error response. */
export function authorizationResponseError(
  oauthError: string,
  description?: string,
): AuthorizationResponseError {
  if (INTERACTION.has(oauthError)) return new InteractionRequiredError(oauthError, description);
  if (oauthError === 'access_denied') return new AccessDeniedError(description);
  return new AuthorizationResponseError(oauthError, description);
}

/**
 * 400: the callback's `state` is missing or is not the one saved for this login attempt (CSRF).
 *
 * @example
 * if (err instanceof StateMismatchError) return res.redirect('/login'); // a stale or forged callback
 */
export class StateMismatchError extends LoginFlowError {
  override name = 'StateMismatchError';
  constructor(message = 'The login response does not belong to this login attempt') {
    super('ERR_AUTH_LOGIN_STATE_MISMATCH', message, 400);
  }
}

/**
 * 401: the ID token's `nonce` is not the one sent with this login attempt (replay).
 *
 * @example
 * if (err instanceof NonceMismatchError) logger.warn('ID token replay or mix-up');
 */
export class NonceMismatchError extends LoginFlowError {
  override name = 'NonceMismatchError';
  constructor(cause?: unknown) {
    super('ERR_AUTH_LOGIN_NONCE_MISMATCH', 'The ID token was not issued for this login attempt', 401, cause);
  }
}

/**
 * 401: the ID token failed validation; `claim` names the claim at fault when one is (aud, azp, auth_time…).
 *
 * @example
 * if (err instanceof IdTokenError) logger.warn({ code: err.code }, 'rejected ID token');
 */
export class IdTokenError extends LoginFlowError {
  override name = 'IdTokenError';
  readonly claim: string | undefined;
  constructor(message = 'The ID token is invalid', claim?: string, cause?: unknown) {
    super('ERR_AUTH_LOGIN_INVALID_ID_TOKEN', message, 401, cause);
    this.claim = claim;
  }
}

/**
 * 401: the login was started for a step-up (`acr_values`) and the ID token's `acr` is none of the
 * requested values: the provider did not (or could not) authenticate the user at that level.
 * `requested` lists what was asked; `acr` is what came back (a bounded, header-safe text, or undefined).
 *
 * @example
 * if (err instanceof AcrNotSatisfiedError) showPage('This page needs a second factor: enable one at your provider');
 */
export class AcrNotSatisfiedError extends LoginFlowError {
  override name = 'AcrNotSatisfiedError';
  readonly requested: readonly string[];
  readonly acr: string | undefined;
  constructor(requested: readonly string[], acr: unknown) {
    super(
      'ERR_AUTH_LOGIN_ACR_NOT_SATISFIED',
      'The identity provider did not authenticate the user at the requested level (acr)',
      401,
    );
    this.requested = Object.freeze([...requested]);
    this.acr = typeof acr === 'string' && SAFE_CODE.test(acr) ? acr : undefined;
  }
}

/**
 * 500 (answered as the route's failure): the session does not fit into the cookie store's 10 cookie
 * chunks (~38 KB sealed): a very large ID token or token set. Use a server-side store
 * (`store: 'memory'` or your own `SessionStore`), or ask for fewer claims.
 *
 * @example
 * if (err instanceof SessionTooLargeError) logger.error({ code: err.code }, 'use a server-side session store');
 */
export class SessionTooLargeError extends LoginFlowError {
  override name = 'SessionTooLargeError';
  constructor(message = 'The session is too large for cookies: use a server-side store') {
    super('ERR_AUTH_SESSION_TOO_LARGE', message, 500);
  }
}

/**
 * 400: the callback is not a valid authorization response (wrong `iss`, no `code`, JARM, …).
 *
 * @example
 * if (err instanceof CallbackError) return res.status(400).send('Login failed, please try again');
 */
export class CallbackError extends LoginFlowError {
  override name = 'CallbackError';
  constructor(message = 'The login response is invalid', cause?: unknown) {
    super('ERR_AUTH_LOGIN_INVALID_RESPONSE', message, 400, cause);
  }
}

/**
 * 400: a back-channel logout token is invalid (signature, typ, events, sid/sub, nonce, replay).
 *
 * @example
 * if (err instanceof LogoutTokenError) return res.status(400).end();
 */
export class LogoutTokenError extends LoginFlowError {
  override name = 'LogoutTokenError';
  constructor(message = 'The logout token is invalid', cause?: unknown) {
    super('ERR_AUTH_LOGIN_INVALID_LOGOUT_TOKEN', message, 400, cause);
  }
}

/**
 * 401: the session's tokens expired and cannot be refreshed (no refresh token): sign in again.
 *
 * @example
 * if (err instanceof SessionExpiredError) return res.redirect('/login');
 */
export class SessionExpiredError extends LoginFlowError {
  override name = 'SessionExpiredError';
  constructor(message = 'The session has expired') {
    super('ERR_AUTH_SESSION_EXPIRED', message, 401);
  }
}

/**
 * 401: the request has no (live) login session: not logged in, expired, ended, or tampered with.
 *
 * @example
 * if (!session) return send(new NoSessionError().toBody()); // { status: 401, code: 'ERR_AUTH_NO_SESSION', … }
 */
export class NoSessionError extends LoginFlowError {
  override name = 'NoSessionError';
  constructor(message = 'You are not logged in') {
    super('ERR_AUTH_NO_SESSION', message, 401);
  }
}

/**
 * 403: a state-changing request (POST /logout) came without proof that this app's own page sent it
 * (a same-origin `Origin` / `Sec-Fetch-Site`, or the form's double-submit token).
 *
 * @example
 * if (err instanceof CsrfError) logger.warn('cross-site logout attempt');
 */
export class CsrfError extends LoginFlowError {
  override name = 'CsrfError';
  constructor(message = 'The request did not come from this site') {
    super('ERR_AUTH_CSRF_REJECTED', message, 403);
  }
}

/** The server's `error_description` may reach a log line: at most 500 characters, no control characters. */
const MAX_DESCRIPTION_CHARS = 500;
function boundedDescription(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  return text.slice(0, MAX_DESCRIPTION_CHARS).replace(/[\u0000-\u001f\u007f]/g, ' ');
}
