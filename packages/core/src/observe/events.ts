/**
 * The typed auth events: one stream for every part of the library (authentication, authorization, key
 * sources, the client token manager, API keys). Events carry server-side detail for logs (codes,
 * claims, issuers, key ids, URLs, HTTP statuses) and never credential bytes: no token, signature,
 * secret, password or refresh token.
 */
import type { AuthErrorCode, AuthErrorDetail } from '../errors.ts';

/** Fields every event has. */
interface EventBase {
  /** Milliseconds since the epoch when the event was emitted (the wall clock, not the injected one). */
  readonly at: number;
}

/**
 * A request was authenticated.
 *
 * @example
 * const e: AuthSuccessEvent = { type: 'auth.success', at: Date.now(), method: 'bearer', subject: 'u1', issuer: 'https://idp.example', cached: true };
 */
export interface AuthSuccessEvent extends EventBase {
  readonly type: 'auth.success';
  /** `bearer` (a JWT) or `api_key`. */
  readonly method: 'bearer' | 'api_key';
  readonly subject: string;
  readonly issuer: string;
  /** Answered from the verified-token cache. */
  readonly cached: boolean;
  /** Time spent authenticating (set for uncached tokens). */
  readonly durationMs?: number;
}

/**
 * A request was rejected: by authentication (`stage: 'authenticate'`) or by a policy (`'authorize'`).
 *
 * @example
 * const e: AuthFailureEvent = { type: 'auth.failure', at: Date.now(), stage: 'authenticate', code: 'ERR_AUTH_INVALID_AUDIENCE', status: 401, reason: 'The token audience is not accepted', detail: { claim: 'aud' } };
 */
export interface AuthFailureEvent extends EventBase {
  readonly type: 'auth.failure';
  readonly stage: 'authenticate' | 'authorize';
  readonly method?: 'bearer' | 'api_key';
  readonly code: AuthErrorCode;
  readonly status: number;
  /** The error's message (what the client is told). */
  readonly reason: string;
  /** Server-side detail: the claim, issuer seen vs configured, kid, JWKS URL, HTTP status. */
  readonly detail?: AuthErrorDetail;
  /** For `authorize`: what the denying policy required (e.g. the missing scopes), when known. */
  readonly required?: readonly string[];
  /** For `authorize`: the name of the policy that denied (see `AuthAuthorizedEvent.policy`). */
  readonly policy?: string;
  readonly durationMs?: number;
}

/**
 * A policy allowed an authenticated principal (the allowed counterpart of `auth.failure` with
 * `stage: 'authorize'`): from route requirements, guards and the separate authorization middleware
 * (`requireScopes(...)`, `authorize(policy)`) of every adapter.
 *
 * @example
 * const e: AuthAuthorizedEvent = { type: 'auth.authorized', at: Date.now(), policy: 'requireScopes', subject: 'u1', issuer: 'https://idp.example', durationMs: 0.01 };
 */
export interface AuthAuthorizedEvent extends EventBase {
  readonly type: 'auth.authorized';
  /**
   * The policy's name: the function name without a `Policy` suffix (`requireScopes`, `allOf`,
   * `anyOf`, your own named function), `policy` for an anonymous one.
   */
  readonly policy: string;
  readonly subject: string;
  readonly issuer: string;
  /** Time the policy took (a remote decision point's round trip included). */
  readonly durationMs: number;
}

/**
 * An issuer's JWKS was fetched (or read from the shared store) and installed.
 *
 * @example
 * const e: KeysRefreshedEvent = { type: 'keys.refreshed', at: Date.now(), issuer: 'https://idp.example', jwksUri: 'https://idp.example/jwks', keyCount: 2, kids: ['a', 'b'], fromStore: false, durationMs: 12 };
 */
export interface KeysRefreshedEvent extends EventBase {
  readonly type: 'keys.refreshed';
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  readonly keyCount: number;
  /** Key ids of the set (public values). */
  readonly kids: readonly string[];
  readonly fromStore: boolean;
  readonly durationMs: number;
}

/**
 * A refresh changed the key ids of an issuer's JWKS.
 *
 * @example
 * const e: KeysRotatedEvent = { type: 'keys.rotated', at: Date.now(), issuer, jwksUri, added: ['k2'], removed: ['k1'] };
 */
export interface KeysRotatedEvent extends EventBase {
  readonly type: 'keys.rotated';
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * A JWKS (or discovery) fetch failed. `stale: true`: earlier keys are still served (stale-if-error);
 * `false`: the issuer has no usable keys and its tokens get 503s.
 *
 * @example
 * const e: KeysUnavailableEvent = { type: 'keys.unavailable', at: Date.now(), issuer, jwksUri, url: jwksUri, httpStatus: 404, reason: 'HTTP 404', stale: false, durationMs: 5 };
 */
export interface KeysUnavailableEvent extends EventBase {
  readonly type: 'keys.unavailable';
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  /** The URL whose fetch failed (the JWKS or the discovery document). */
  readonly url?: string;
  readonly httpStatus?: number;
  readonly reason: string;
  readonly stale: boolean;
  readonly durationMs: number;
}

/**
 * The client token manager obtained a new token set.
 *
 * @example
 * const e: TokenRefreshedEvent = { type: 'token.refreshed', at: Date.now(), source: 'https://idp.example/token', expiresInSeconds: 300, attempts: 1, durationMs: 40 };
 */
export interface TokenRefreshedEvent extends EventBase {
  readonly type: 'token.refreshed';
  /** The token endpoint URL (or the store key when no endpoint is known). */
  readonly source: string;
  readonly expiresInSeconds: number;
  readonly attempts: number;
  readonly durationMs: number;
}

/**
 * A token refresh cycle failed after its retries.
 *
 * @example
 * const e: TokenRefreshFailedEvent = { type: 'token.refresh_failed', at: Date.now(), source, code: 'ERR_CLIENT_TOKEN_ENDPOINT', reason: 'invalid_client', httpStatus: 401, attempts: 1, durationMs: 30 };
 */
export interface TokenRefreshFailedEvent extends EventBase {
  readonly type: 'token.refresh_failed';
  readonly source: string;
  readonly code: string;
  readonly reason: string;
  readonly httpStatus?: number;
  readonly attempts: number;
  readonly durationMs: number;
}

/**
 * API-key credentials were rejected.
 *
 * @example
 * const e: ApiKeyRejectedEvent = { type: 'apikey.rejected', at: Date.now(), code: 'ERR_AUTH_INVALID_API_KEY', status: 401, reason: 'The API key is invalid', keyId: 'svc-1' };
 */
export interface ApiKeyRejectedEvent extends EventBase {
  readonly type: 'apikey.rejected';
  readonly code: AuthErrorCode;
  readonly status: number;
  readonly reason: string;
  /** The key id the request named (a public identifier; never the secret), when well-formed. */
  readonly keyId?: string;
  readonly durationMs?: number;
}

/**
 * A policy (a remote decision point) could not answer: the request got a 503.
 *
 * @example
 * const e: PolicyUnavailableEvent = { type: 'policy.unavailable', at: Date.now(), code: 'ERR_AUTH_POLICY_UNAVAILABLE', reason: 'timeout', durationMs: 1000 };
 */
export interface PolicyUnavailableEvent extends EventBase {
  readonly type: 'policy.unavailable';
  readonly code: AuthErrorCode;
  readonly reason: string;
  readonly durationMs: number;
}

/**
 * Any auth event (`event.type` narrows it).
 *
 * @example
 * const onEvent = (e: AuthEvent) => {
 *   if (e.type === 'auth.failure') console.warn(e.code, e.detail);
 * };
 */
export type AuthEvent =
  | AuthSuccessEvent
  | AuthFailureEvent
  | AuthAuthorizedEvent
  | KeysRefreshedEvent
  | KeysRotatedEvent
  | KeysUnavailableEvent
  | TokenRefreshedEvent
  | TokenRefreshFailedEvent
  | ApiKeyRejectedEvent
  | PolicyUnavailableEvent;

/**
 * The `onEvent` option of every factory: called synchronously with each event; what it throws is
 * ignored (a logging bug never changes an auth decision).
 *
 * @example
 * const verifier = createVerifier({ issuers, onEvent: (e) => metrics.count(e.type) });
 */
export type AuthEventListener = (event: AuthEvent) => void;

/**
 * Every event type, for exhaustive tables.
 *
 * @example
 * for (const type of AUTH_EVENT_TYPES) counters.set(type, 0);
 */
export const AUTH_EVENT_TYPES = Object.freeze([
  'auth.success',
  'auth.failure',
  'auth.authorized',
  'keys.refreshed',
  'keys.rotated',
  'keys.unavailable',
  'token.refreshed',
  'token.refresh_failed',
  'apikey.rejected',
  'policy.unavailable',
] as const satisfies readonly AuthEvent['type'][]);
