/**
 * One error model for the whole library: every failure a client can cause is an AuthError with a
 * stable `code`, an HTTP `status`, the RFC 6750 `error` where the challenge has one, and builders for
 * the `WWW-Authenticate` challenge and the JSON body (docs/contract.md).
 *
 * Messages are fixed texts chosen by the library: they never repeat a token, a claim value or a secret.
 */

/**
 * The stable codes of AuthError (`err.code`), safe to branch on.
 *
 * @example
 * if (err.code === ('ERR_AUTH_TOKEN_EXPIRED' satisfies AuthErrorCode)) metrics.increment('auth.expired');
 */
export type AuthErrorCode =
  // request shape (extract)
  | 'ERR_AUTH_MISSING_TOKEN'
  | 'ERR_AUTH_INVALID_REQUEST'
  // token verification
  | 'ERR_AUTH_INVALID_TOKEN'
  | 'ERR_AUTH_MALFORMED_TOKEN'
  | 'ERR_AUTH_TOKEN_TOO_LARGE'
  | 'ERR_AUTH_INVALID_SIGNATURE'
  | 'ERR_AUTH_ALG_NOT_ALLOWED'
  | 'ERR_AUTH_KEY_NOT_FOUND'
  | 'ERR_AUTH_INVALID_KEY'
  | 'ERR_AUTH_TOKEN_EXPIRED'
  | 'ERR_AUTH_TOKEN_NOT_YET_VALID'
  | 'ERR_AUTH_TOKEN_ISSUED_IN_FUTURE'
  | 'ERR_AUTH_TOKEN_TOO_OLD'
  | 'ERR_AUTH_TOKEN_LIFETIME_TOO_LONG'
  | 'ERR_AUTH_UNTRUSTED_ISSUER'
  | 'ERR_AUTH_INVALID_AUDIENCE'
  | 'ERR_AUTH_INVALID_CLIENT_ID'
  | 'ERR_AUTH_INVALID_TOKEN_USE'
  | 'ERR_AUTH_INVALID_TYP'
  | 'ERR_AUTH_MISSING_CLAIM'
  | 'ERR_AUTH_INVALID_CLAIM'
  | 'ERR_AUTH_TOKEN_REJECTED'
  | 'ERR_AUTH_TOKEN_BOUND'
  // sender-constrained tokens (DPoP, RFC 9449)
  | 'ERR_AUTH_INVALID_DPOP_PROOF'
  | 'ERR_AUTH_DPOP_NONCE_REQUIRED'
  | 'ERR_AUTH_DPOP_REQUIRED'
  | 'ERR_AUTH_DPOP_NOT_ACCEPTED'
  | 'ERR_AUTH_REPLAY_STORE_UNAVAILABLE'
  // step-up authentication (RFC 9470)
  | 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION'
  // authorization
  | 'ERR_AUTH_INSUFFICIENT_SCOPE'
  | 'ERR_AUTH_FORBIDDEN'
  | 'ERR_AUTH_MISSING_GROUP'
  | 'ERR_AUTH_MISSING_PERMISSION'
  | 'ERR_AUTH_MISSING_ORG_PERMISSION'
  | 'ERR_AUTH_MISSING_ORG_ROLE'
  | 'ERR_AUTH_CLAIM_CHECK_FAILED'
  | 'ERR_AUTH_POLICY_UNAVAILABLE'
  // availability
  | 'ERR_AUTH_KEYS_UNAVAILABLE'
  | 'ERR_AUTH_SECRET_STORE_UNAVAILABLE'
  // shared state (revocation list, session store) unreachable; too many failed credentials (a limiter)
  | 'ERR_AUTH_STATE_UNAVAILABLE'
  | 'ERR_AUTH_RATE_LIMITED'
  // API keys / service principals
  | 'ERR_AUTH_INVALID_API_KEY'
  // web login (@auth/core/login): answers to the browser's request, so AuthErrors
  | 'ERR_AUTH_LOGIN_REJECTED'
  | 'ERR_AUTH_LOGIN_INTERACTION_REQUIRED'
  | 'ERR_AUTH_LOGIN_ACCESS_DENIED'
  | 'ERR_AUTH_LOGIN_STATE_MISMATCH'
  | 'ERR_AUTH_LOGIN_NONCE_MISMATCH'
  | 'ERR_AUTH_LOGIN_INVALID_RESPONSE'
  | 'ERR_AUTH_LOGIN_INVALID_ID_TOKEN'
  | 'ERR_AUTH_LOGIN_ACR_NOT_SATISFIED'
  | 'ERR_AUTH_LOGIN_INVALID_LOGOUT_TOKEN'
  | 'ERR_AUTH_SESSION_EXPIRED'
  | 'ERR_AUTH_NO_SESSION'
  | 'ERR_AUTH_SESSION_TOO_LARGE'
  | 'ERR_AUTH_CSRF_REJECTED';
// Failures of outgoing calls (`@auth/core/client`) are not answers to a caller: AuthClientErrorCode.

/**
 * The `error` of a challenge: RFC 6750 §3.1's codes, DPoP's (RFC 9449 §7.1, §9) and step-up's
 * (RFC 9470 §3).
 *
 * @example
 * const error: BearerErrorCode | null = new InsufficientScopeError(['read:items']).error; // 'insufficient_scope'
 */
export type BearerErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'insufficient_user_authentication';

/**
 * The authentication scheme a challenge is written for (`Authorization: Bearer` or `DPoP`).
 *
 * @example
 * const scheme: ChallengeScheme = 'DPoP';
 */
export type ChallengeScheme = 'Bearer' | 'DPoP';

/**
 * The third argument of `new AuthError(code, message, options)`.
 *
 * @example
 * new AuthError('ERR_AUTH_KEYS_UNAVAILABLE', 'Signing keys are unavailable', { status: 503, retryAfterSeconds: 5 } satisfies AuthErrorOptions);
 */
export interface AuthErrorOptions {
  /** HTTP status; defaults from the kind of error. */
  status?: number;
  /** RFC 6750 error for the challenge; `null` for a challenge without `error` (e.g. no credentials). */
  error?: BearerErrorCode | null;
  /** Scopes to list in an `insufficient_scope` challenge. */
  requiredScopes?: readonly string[];
  /** Seconds for `Retry-After` (503 responses). */
  retryAfterSeconds?: number;
  /** Whether to send a `WWW-Authenticate` challenge at all (503s do not). */
  challenge?: boolean;
  cause?: unknown;
  /** Server-side context for logs (see `AuthError.detail`); never sent to clients. */
  detail?: AuthErrorDetail;
  /**
   * More challenge attributes after `error_description` (e.g. RFC 9470's `acr_values`, `max_age`);
   * names are auth-param tokens, values keep only RFC 6750 §3 characters.
   */
  challengeParams?: Readonly<Record<string, string>>;
  /** The scheme whose challenge carries `error` (default: the one the request used, else Bearer). */
  scheme?: ChallengeScheme;
  /** More response headers (e.g. `dpop-nonce`), lowercase names. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Server-side context of a failure, for logs: which claim, which issuer was seen and which are
 * configured, which key and JWKS URL, the HTTP status of a failed fetch. Never part of `message`, the
 * JSON body or the challenge, never the token itself.
 *
 * @example
 * if (isAuthError(err)) logger.warn({ code: err.code, detail: err.detail }); // never sent to clients
 */
export interface AuthErrorDetail {
  /** The claim that is missing or invalid. */
  readonly claim?: string;
  /** The (unverified) issuer the token names. */
  readonly issuer?: string;
  /** The issuers configured (static issuer lists only). */
  readonly configuredIssuers?: readonly string[];
  /** What an issuer resolver did: rejected the issuer, answered for another one, or failed (503). */
  readonly resolver?: 'rejected' | 'mismatch' | 'failed';
  readonly kid?: string;
  readonly alg?: string;
  readonly jwksUri?: string;
  /** The URL whose fetch failed (the JWKS or the discovery document). */
  readonly url?: string;
  /** HTTP status of the failed fetch, when a response arrived. */
  readonly httpStatus?: number;
  /** Which per-call override was not met or which confirmation methods a bound token names. */
  readonly [key: string]: unknown;
}

/**
 * The JSON body of an error response (contract: status, code, message, error when the challenge has one).
 *
 * @example
 * const body: AuthErrorBody = new MissingTokenError().toBody(); // { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', message }
 */
export interface AuthErrorBody {
  status: number;
  code: AuthErrorCode;
  message: string;
  error?: BearerErrorCode;
  scope?: string;
}

/**
 * What `err.toResponse(realm)` returns: status, headers and the JSON body.
 *
 * @example
 * const { status, headers, body }: AuthErrorResponse = err.toResponse('orders');
 */
export interface AuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: AuthErrorBody;
}

const BRAND = Symbol.for('@auth/core.AuthError');
// Set by core's authenticators (see challenge-profile.ts); Symbol.for, so copies of the package agree.
const PROFILE = Symbol.for('@auth/core.AuthError.profile');
const EXTRAS = Symbol.for('@auth/core.AuthError.extras');

/** How an authenticator challenges (internal; see challenge-profile.ts). */
interface ChallengeProfile {
  readonly dpop: 'off' | 'allowed' | 'required';
  readonly algs: readonly string[];
  readonly resourceMetadata: string | undefined;
  readonly scheme: ChallengeScheme;
}

/** What an error adds to its challenge and response beyond RFC 6750 (see `AuthErrorOptions`). */
interface ChallengeExtras {
  readonly params: readonly (readonly [string, string])[];
  readonly scheme: ChallengeScheme | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly key: string;
}

const AUTH_PARAM_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_PARAMS = new Set([
  'realm',
  'error',
  'error_description',
  'scope',
  'algs',
  'resource_metadata',
]);

function extrasOf(options: AuthErrorOptions): ChallengeExtras | undefined {
  const { challengeParams, scheme, headers } = options;
  if (challengeParams === undefined && scheme === undefined && headers === undefined) return undefined;
  const params: [string, string][] = [];
  for (const [name, value] of Object.entries(challengeParams ?? {})) {
    // Our own attributes cannot be overridden, and a name must be a token (no header injection).
    if (!AUTH_PARAM_NAME.test(name) || RESERVED_PARAMS.has(name.toLowerCase())) continue;
    params.push([name, challengeText(String(value))]);
  }
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (AUTH_PARAM_NAME.test(name)) extraHeaders[name.toLowerCase()] = quote(String(value));
  }
  const key = JSON.stringify([params, scheme ?? null, extraHeaders]);
  return Object.freeze({ params, scheme, headers: Object.freeze(extraHeaders), key });
}

/**
 * The realm of `WWW-Authenticate` challenges when none is configured (`api`).
 *
 * @example
 * new MissingTokenError().wwwAuthenticate(DEFAULT_REALM); // 'Bearer realm="api"'
 */
export const DEFAULT_REALM = 'api';

/**
 * The error every failure a client can cause becomes: stable `code`, HTTP `status`, RFC 6750 challenge.
 *
 * @example
 * const err = new AuthError('ERR_AUTH_FORBIDDEN', 'Forbidden', { status: 403 });
 * const { status, headers, body } = err.toResponse('api'); // 403, WWW-Authenticate, JSON body
 */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly error: BearerErrorCode | null;
  readonly requiredScopes: readonly string[];
  readonly retryAfterSeconds: number | undefined;
  readonly challenge: boolean;
  /**
   * Realm used by `headers` and by rendering when no realm is given. Errors are immutable: an adapter
   * that authenticates in another realm hands on `error.withRealm(realm)`, a copy, so an error object
   * shared between requests or adapters never changes under another one.
   */
  declare readonly realm: string;
  /** Safe to show to clients (the convention of http-errors and Express error handlers). */
  readonly expose = true;
  /**
   * Server-side context for logs (claim name, issuer seen vs configured, kid, JWKS URL, HTTP status),
   * or undefined. Not enumerable, so spreading or serialising the error does not carry it to a client;
   * log it explicitly (`logger.warn({ code: err.code, detail: err.detail })`).
   */
  declare readonly detail: AuthErrorDetail | undefined;
  /**
   * Whether instances capture a stack trace. Off for request rejections (an answer, not a fault).
   * (The client's errors about outgoing calls are AuthClientErrors, which always keep theirs.)
   */
  static readonly keepsStack: boolean = false;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    // A rejected credential is an answer to a request, not a program fault: capturing a stack trace
    // costs more than the rest of a cheap rejection (7–14 µs here), and `code` plus `detail` say where.
    const stackTraceLimit = Error.stackTraceLimit;
    if (!(new.target as typeof AuthError).keepsStack) Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.status = options.status ?? 401;
    this.error = options.error === undefined ? defaultBearerError(this.status) : options.error;
    this.requiredScopes = Object.freeze([...(options.requiredScopes ?? [])]);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.challenge = options.challenge ?? (this.status === 400 || this.status === 401 || this.status === 403);
    Object.defineProperty(this, BRAND, { value: true });
    const extras = extrasOf(options);
    if (extras !== undefined) Object.defineProperty(this, EXTRAS, { value: extras });
    if (options.detail !== undefined) {
      Object.defineProperty(this, 'detail', { value: Object.freeze({ ...options.detail }) });
    }
  }

  /**
   * This error in `realm`: itself when the realm is already that one, else a copy (same class, code,
   * message, cause and detail) whose `realm` is `realm`. The original is never changed.
   *
   * @example
   * ```ts
   * const error = new MissingTokenError().withRealm('orders');
   * error.headers['www-authenticate']; // 'Bearer realm="orders"'
   * ```
   */
  withRealm(realm: string): this {
    if (realm === this.realm) return this;
    const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(this);
    // An error already moved once has its own read-only `realm`: redefining it on the copy would throw.
    delete descriptors.realm;
    const copy = Object.create(Object.getPrototypeOf(this), descriptors);
    Object.defineProperty(copy, 'realm', { value: realm, enumerable: true });
    return copy as this;
  }

  /** Alias of `status`, for frameworks and error handlers that read `statusCode`. */
  get statusCode(): number {
    return this.status;
  }

  /** Response headers for this error with the current `realm` (`WWW-Authenticate`, `Retry-After`). */
  get headers(): Record<string, string> {
    return this.responseHeaders(this.realm);
  }

  /**
   * The challenge (RFC 6750; with DPoP, RFC 9449 §7.1: one challenge per accepted scheme, the error's
   * attributes on the scheme the request used), or undefined when this error sends none (503).
   */
  wwwAuthenticate(realm: string = this.realm): string | undefined {
    if (!this.challenge) return undefined;
    const profile = (this as { [PROFILE]?: ChallengeProfile })[PROFILE];
    const extras = (this as { [EXTRAS]?: ChallengeExtras })[EXTRAS];
    // The realm is checked at setup (validateRealm) and only escaped here; the other attributes carry
    // library or application text, so they keep only the characters RFC 6750 §3 allows.
    const base = `realm="${quote(realm)}"`;
    let attributes = base;
    if (this.error) {
      attributes += `, error="${this.error}"`;
      const description = challengeText(this.message);
      if (description.length > 0) attributes += `, error_description="${description}"`;
      if (this.error === 'insufficient_scope' && this.requiredScopes.length > 0) {
        const scope = challengeScope(this.requiredScopes);
        if (scope.length > 0) attributes += `, scope="${scope}"`;
      }
      if (extras !== undefined)
        for (const [name, value] of extras.params) attributes += `, ${name}="${value}"`;
    }
    if (profile === undefined && extras?.scheme === undefined) return `Bearer ${attributes}`;
    const metadata =
      profile?.resourceMetadata === undefined
        ? ''
        : `, resource_metadata="${quote(profile.resourceMetadata)}"`;
    const dpop = profile?.dpop ?? 'off';
    const scheme = extras?.scheme ?? profile?.scheme ?? (dpop === 'required' ? 'DPoP' : 'Bearer');
    const algs = profile !== undefined && profile.algs.length > 0 ? `, algs="${profile.algs.join(' ')}"` : '';
    const bearer = `Bearer ${scheme === 'Bearer' ? attributes : base}${metadata}`;
    const dpopChallenge = `DPoP ${scheme === 'DPoP' ? attributes : base}${metadata}${algs}`;
    if (dpop === 'required') return `DPoP ${attributes}${metadata}${algs}`;
    // The challenge carrying the error first; the other accepted scheme after it, bare.
    if (scheme === 'DPoP') return dpop === 'allowed' ? `${dpopChallenge}, ${bearer}` : dpopChallenge;
    return dpop === 'off' ? bearer : `${bearer}, ${dpopChallenge}`;
  }

  responseHeaders(realm: string = this.realm): Record<string, string> {
    const headers: Record<string, string> = {};
    const challenge = this.wwwAuthenticate(realm);
    if (challenge) headers['www-authenticate'] = challenge;
    if (this.status === 503 || this.status === 429)
      headers['retry-after'] = retryAfterSeconds(this.retryAfterSeconds);
    const extras = (this as { [EXTRAS]?: ChallengeExtras })[EXTRAS];
    if (extras !== undefined)
      for (const [name, value] of Object.entries(extras.headers)) headers[name] = value;
    return headers;
  }

  toBody(): AuthErrorBody {
    const body: AuthErrorBody = { status: this.status, code: this.code, message: this.message };
    if (this.error && this.challenge) body.error = this.error;
    if (this.error === 'insufficient_scope' && this.requiredScopes.length > 0) {
      body.scope = this.requiredScopes.join(' ');
    }
    return body;
  }

  /** Everything an adapter needs to render the contract's response. */
  toResponse(realm: string = this.realm): AuthErrorResponse {
    return {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.responseHeaders(realm) },
      body: this.toBody(),
    };
  }

  toJSON(): AuthErrorBody {
    return this.toBody();
  }
}

// The default realm lives on the prototype, read-only: no per-error cost, and assigning a realm to an
// error throws (in strict code) instead of changing an object other requests may share.
Object.defineProperty(AuthError.prototype, 'realm', { value: DEFAULT_REALM, writable: false });

function defaultBearerError(status: number): BearerErrorCode | null {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'invalid_token';
  if (status === 403) return 'insufficient_scope';
  return null;
}

// RFC 6750 §3: error-description and scope-token characters (scope also allows SP as a separator).
const NOT_DESCRIPTION_CHAR = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
const NOT_SCOPE_TOKEN_CHAR = /[^\x21\x23-\x5b\x5d-\x7e]/g;
const DEFAULT_RETRY_AFTER = 30;
const MAX_RETRY_AFTER = 86_400;

/**
 * `error_description` text: keeps only the characters RFC 6750 §3 allows (`%x20-21 / %x23-5B /
 * %x5D-7E`), so quotes, backslashes, control characters and non-ASCII text are dropped rather than
 * escaped (a header value must be Latin-1 for every framework, and ASCII per the RFC). The JSON body
 * keeps the full message.
 *
 * @example
 * challengeText('You don’t have "access"'); // 'You dont have access'
 */
export function challengeText(value: string): string {
  return value.replace(NOT_DESCRIPTION_CHAR, '').replace(/ {2,}/g, ' ').trim();
}

/**
 * The `scope` attribute: each scope reduced to RFC 6750 scope-token characters (`%x21 / %x23-5B /
 * %x5D-7E`), empty ones left out, joined by single spaces.
 *
 * @example
 * challengeScope(['read:items', 'wr"ite']); // 'read:items write'
 */
export function challengeScope(scopes: readonly string[]): string {
  return scopes
    .map((scope) => String(scope).replace(NOT_SCOPE_TOKEN_CHAR, ''))
    .filter((scope) => scope.length > 0)
    .join(' ');
}

/** `Retry-After` delay-seconds: a positive integer whatever the error was built with (never NaN). */
function retryAfterSeconds(value: number | undefined): string {
  const seconds =
    typeof value === 'number' && Number.isFinite(value) ? Math.ceil(value) : DEFAULT_RETRY_AFTER;
  return String(Math.min(MAX_RETRY_AFTER, Math.max(1, seconds)));
}

/**
 * Quoted-string content for a challenge: escapes `"` and `\`, drops control characters and anything
 * outside printable ASCII (no CR/LF ever, and nothing a framework refuses in a header value).
 *
 * @example
 * const challenge = `Bearer realm="${quote(realm)}"`;
 */
export function quote(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, (c) => `\\${c}`);
}

/**
 * True for an AuthError, also one created by another copy of this package (dual builds, duplicates).
 *
 * @example
 * if (isAuthError(err)) res.status(err.status).json(err.toBody());
 */
export function isAuthError(value: unknown): value is AuthError {
  return (
    value instanceof AuthError ||
    (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true)
  );
}

/**
 * Any thrown value as an AuthError. Unknown failures inside verification fail closed as 401
 * `invalid_token` (never a 500 for something a client sent), without leaking the original message.
 *
 * @example
 * const err = toAuthError(caught); // an AuthError as is; anything else a 401 invalid_token, message not leaked
 */
export function toAuthError(value: unknown): AuthError {
  if (isAuthError(value)) return value;
  return new InvalidTokenError('ERR_AUTH_INVALID_TOKEN', 'The access token could not be verified', {
    cause: value,
  });
}

// ---- kinds: each fixes status and challenge, the code stays precise ----

/**
 * 401 without an `error` attribute: the request carried no credentials (RFC 6750 §3.1).
 *
 * @example
 * throw new MissingTokenError(); // 401, WWW-Authenticate: Bearer realm="api"
 */
export class MissingTokenError extends AuthError {
  override name = 'MissingTokenError';
  constructor(message = 'Authentication required') {
    super('ERR_AUTH_MISSING_TOKEN', message, { status: 401, error: null });
  }
}

/**
 * 400 `invalid_request`: a malformed Authorization header or token location.
 *
 * @example
 * throw new InvalidRequestError('Credentials were sent in more than one place'); // 400 invalid_request
 */
export class InvalidRequestError extends AuthError {
  override name = 'InvalidRequestError';
  constructor(message: string, options: Omit<AuthErrorOptions, 'status' | 'error'> = {}) {
    super('ERR_AUTH_INVALID_REQUEST', message, { ...options, status: 400, error: 'invalid_request' });
  }
}

/**
 * 401 `invalid_token`: the token failed verification.
 *
 * @example
 * throw new InvalidTokenError('ERR_AUTH_TOKEN_REJECTED', 'The token was revoked'); // 401 invalid_token
 */
export class InvalidTokenError extends AuthError {
  override name = 'InvalidTokenError';
  constructor(
    code: AuthErrorCode = 'ERR_AUTH_INVALID_TOKEN',
    message = 'Invalid access token',
    options: Omit<AuthErrorOptions, 'status' | 'error'> = {},
  ) {
    super(code, message, { ...options, status: 401, error: 'invalid_token' });
  }
}

/**
 * 403 `insufficient_scope` naming the required scopes.
 *
 * @example
 * throw new InsufficientScopeError(['write:items']); // 403, WWW-Authenticate: … scope="write:items"
 */
export class InsufficientScopeError extends AuthError {
  override name = 'InsufficientScopeError';
  constructor(requiredScopes: readonly string[], message = 'Insufficient scope') {
    super('ERR_AUTH_INSUFFICIENT_SCOPE', message, {
      status: 403,
      error: 'insufficient_scope',
      requiredScopes,
    });
  }
}

/**
 * 403 `insufficient_scope` for a missing group, role, org permission or claim.
 *
 * @example
 * throw new ForbiddenError('ERR_AUTH_MISSING_GROUP', 'Admins only');
 */
export class ForbiddenError extends AuthError {
  override name = 'ForbiddenError';
  constructor(code: AuthErrorCode = 'ERR_AUTH_FORBIDDEN', message = 'Forbidden') {
    super(code, message, { status: 403, error: 'insufficient_scope' });
  }
}

/**
 * 503 with `Retry-After` and no challenge: keys, secrets or a decision point cannot be reached.
 *
 * @example
 * throw new UnavailableError('ERR_AUTH_POLICY_UNAVAILABLE', 'Decision point unreachable', { retryAfterSeconds: 5 });
 */
export class UnavailableError extends AuthError {
  override name = 'UnavailableError';
  constructor(
    code: AuthErrorCode = 'ERR_AUTH_KEYS_UNAVAILABLE',
    message = 'Signing keys are unavailable',
    options: { retryAfterSeconds?: number; cause?: unknown; detail?: AuthErrorDetail } = {},
  ) {
    super(code, message, { ...options, status: 503, error: null, challenge: false });
  }
}

/**
 * 401 `Bearer realm` challenge without `error`: wrong or unknown API key / service-principal credentials.
 *
 * @example
 * throw new InvalidApiKeyError(); // 401 ERR_AUTH_INVALID_API_KEY
 */
export class InvalidApiKeyError extends AuthError {
  override name = 'InvalidApiKeyError';
  constructor(message = 'Invalid API key credentials') {
    super('ERR_AUTH_INVALID_API_KEY', message, { status: 401, error: null });
  }
}

/**
 * 401 `invalid_dpop_proof` on the DPoP challenge (RFC 9449 §7.1): the `DPoP` proof header is missing,
 * repeated or fails a check. `detail.reason` names the check for logs; the message is fixed text.
 *
 * @example
 * throw new InvalidDpopProofError('The DPoP proof is for another request', { detail: { reason: 'htu' } });
 */
export class InvalidDpopProofError extends AuthError {
  override name = 'InvalidDpopProofError';
  constructor(message = 'Invalid DPoP proof', options: { detail?: AuthErrorDetail; cause?: unknown } = {}) {
    super('ERR_AUTH_INVALID_DPOP_PROOF', message, {
      ...options,
      status: 401,
      error: 'invalid_dpop_proof',
      scheme: 'DPoP',
    });
  }
}

/**
 * 401 `use_dpop_nonce` with a fresh `DPoP-Nonce` header (RFC 9449 §9): the proof must carry the
 * server's current nonce; the client retries once with it.
 *
 * @example
 * throw new DpopNonceError(nonces.current()); // 401, DPoP-Nonce: <nonce>
 */
export class DpopNonceError extends AuthError {
  override name = 'DpopNonceError';
  constructor(nonce: string, message = 'Resource server requires nonce in DPoP proof') {
    super('ERR_AUTH_DPOP_NONCE_REQUIRED', message, {
      status: 401,
      error: 'use_dpop_nonce',
      scheme: 'DPoP',
      headers: { 'dpop-nonce': nonce },
    });
  }
}

/**
 * 401 `insufficient_user_authentication` (RFC 9470 §3): the token is valid but the user authenticated
 * too weakly (`acr`) or too long ago (`auth_time`); the challenge names `acr_values` and/or `max_age`
 * so the client sends the user back through login.
 *
 * @example
 * throw new InsufficientUserAuthenticationError({ acrValues: ['mfa'], maxAge: 300 });
 * // WWW-Authenticate: Bearer realm="api", error="insufficient_user_authentication", …, acr_values="mfa", max_age="300"
 */
export class InsufficientUserAuthenticationError extends AuthError {
  override name = 'InsufficientUserAuthenticationError';
  readonly acrValues: readonly string[];
  readonly maxAge: number | undefined;
  constructor(
    requirement: { acrValues?: readonly string[]; maxAge?: number },
    message = 'A stronger or more recent authentication is required',
  ) {
    const params: Record<string, string> = {};
    if (requirement.acrValues !== undefined && requirement.acrValues.length > 0)
      params.acr_values = challengeScope(requirement.acrValues);
    if (requirement.maxAge !== undefined)
      params.max_age = String(Math.max(0, Math.floor(requirement.maxAge)));
    super('ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION', message, {
      status: 401,
      error: 'insufficient_user_authentication',
      challengeParams: params,
    });
    this.acrValues = Object.freeze([...(requirement.acrValues ?? [])]);
    this.maxAge = requirement.maxAge;
  }
}
