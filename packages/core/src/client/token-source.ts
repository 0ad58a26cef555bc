/**
 * `createTokenSource({ fetchToken })`: the token manager behind `clientCredentials` and
 * `refreshTokens`, for any other way of obtaining a token (a password or SRP login, a vendor SDK, a
 * signed request to an internal STS). The caller supplies one function that gets a token; the source
 * adds the cache, refresh ahead of expiry with jitter, single flight, retries with backoff, a
 * cool-down after a failed cycle, the shared store and the callbacks.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { InvalidClientError, InvalidCredentialsError } from './credential-errors.ts';
import type { DpopProver } from './dpop.ts';
import { assertDpopBound, type DpopOption, dpopManagerOptions, resolveDpop } from './dpop-source.ts';
import { TokenEndpointError } from './errors.ts';
import { type GrantResult, TokenManager, type TokenManagerOptions } from './token-manager.ts';
import type { ManagedTokenSource, TokenSet } from './types.ts';

/**
 * What `fetchToken` returns: camelCase fields, or a token endpoint's JSON as it came
 * (`access_token`, `expires_in`, …). Without an expiry, a JWT's `exp` is used, then
 * `defaultLifetimeSeconds`.
 *
 * @example
 * const fetched: FetchedToken = { accessToken: 'eyJ…', expiresInSeconds: 3600 };
 */
export type FetchedToken =
  | {
      accessToken: string;
      /** Seconds from now. */
      expiresInSeconds?: number;
      /** An absolute expiry (a Date, or ms since the epoch) when the source reports one. */
      expiresAt?: Date | number;
      tokenType?: string;
      refreshToken?: string;
      idToken?: string;
      scope?: string;
    }
  | {
      access_token: string;
      expires_in?: number;
      token_type?: string;
      refresh_token?: string;
      id_token?: string;
      scope?: string;
    };

/**
 * Options of `createTokenSource`: the function that obtains a token, plus every token-source setting
 * (`refreshBufferSeconds`, `refreshJitterSeconds`, `retry`, `store`, `onRefresh`, …).
 *
 * @example
 * const options: TokenSourceOptions = {
 *   fetchToken: async () => ({ accessToken: 'eyJ…', expiresInSeconds: 300 }),
 *   refreshBufferSeconds: 30,
 * };
 */
export interface TokenSourceOptions extends TokenManagerOptions {
  /**
   * Obtains a new token. Gets the current set (its refresh token, say) when there is one. Throw
   * `InvalidCredentialsError` / `InvalidClientError` when the credentials are refused (the source
   * stops: no retry, no new attempt), anything else for a failure.
   */
  fetchToken: (current: TokenSet | undefined, context: FetchTokenContext) => Promise<FetchedToken>;
  /**
   * DPoP (RFC 9449): the key pair (or prover) the tokens are bound to. `fetchToken` gets the prover
   * in its context to sign its token request (`context.dpop.proof('POST', tokenUrl)`); a fetched
   * `tokenType` other than DPoP is refused; `authFetch` sends DPoP proofs.
   */
  dpop?: DpopOption;
  /**
   * Which failures are worth another attempt within a cycle (with backoff). Default: errors with
   * `retryable: true` (TokenEndpointError sets it for 5xx, 429, network failures and timeouts).
   */
  isRetryable?: (error: unknown) => boolean;
}

/**
 * The second argument of `fetchToken`.
 *
 * @example
 * const fetchToken = async (_current: TokenSet | undefined, { dpop }: FetchTokenContext) => {
 *   const res = await fetch(tokenUrl, { method: 'POST', headers: dpop ? { dpop: await dpop.proof('POST', tokenUrl) } : {} });
 *   return (await res.json()) as FetchedToken;
 * };
 */
export interface FetchTokenContext {
  /** The source's DPoP prover, when it was created with `dpop`. */
  dpop: DpopProver | undefined;
}

const OPTION_NAMES = new Set([
  'fetchToken',
  'dpop',
  'isRetryable',
  'refreshBufferSeconds',
  'refreshJitterSeconds',
  'defaultLifetimeSeconds',
  'retry',
  'store',
  'storeKey',
  'onRefresh',
  'onRefreshError',
  'clock',
  'random',
  'sleep',
]);

/** Marks a failure as retryable for the manager while remembering what `fetchToken` threw. */
class RetryableFailure extends TokenEndpointError {
  constructor(readonly original: Error) {
    super('The token source failed', { retryable: true });
  }
}

const isFatal = (error: Error): boolean =>
  error instanceof InvalidCredentialsError || error instanceof InvalidClientError;

function toGrant(fetched: FetchedToken, now: number): GrantResult {
  if (typeof fetched !== 'object' || fetched === null) {
    throw new TokenEndpointError('fetchToken() returned no token');
  }
  const raw = 'accessToken' in fetched ? undefined : fetched;
  const f = 'accessToken' in fetched ? fetched : undefined;
  const accessToken = f ? f.accessToken : raw?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new TokenEndpointError('fetchToken() returned no access token');
  }
  let expiresIn = f ? f.expiresInSeconds : raw?.expires_in;
  if (f?.expiresAt !== undefined) {
    const at = f.expiresAt instanceof Date ? f.expiresAt.getTime() : f.expiresAt;
    const fromAt = (at - now) / 1000;
    expiresIn = expiresIn === undefined ? fromAt : Math.min(expiresIn, fromAt);
  }
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn))) {
    throw new TokenEndpointError('fetchToken() returned an expiry that is not a number');
  }
  const grant: GrantResult = {
    access_token: accessToken,
    token_type: (f ? f.tokenType : raw?.token_type)?.toLowerCase() ?? 'bearer',
  };
  if (expiresIn !== undefined) grant.expires_in = Math.max(0, expiresIn);
  const refreshToken = f ? f.refreshToken : raw?.refresh_token;
  if (refreshToken !== undefined) grant.refresh_token = refreshToken;
  const idToken = f ? f.idToken : raw?.id_token;
  if (idToken !== undefined) grant.id_token = idToken;
  const scope = f?.scope ?? raw?.scope;
  if (scope !== undefined) grant.scope = scope;
  return grant;
}

/**
 * A managed token source over any way of obtaining a token: cached, refreshed ahead of expiry with
 * jitter, one request in flight however many callers wait, retried with backoff, cooled down after
 * a failed cycle, and stopped for good by InvalidCredentialsError / InvalidClientError.
 *
 * @example
 * const tokens = createTokenSource({
 *   fetchToken: async () => {
 *     const res = await fetch('https://sts.internal/token', { method: 'POST' });
 *     if (res.status === 401) throw new InvalidCredentialsError();
 *     if (!res.ok) throw Object.assign(new Error(`STS answered ${res.status}`), { retryable: res.status >= 500 });
 *     const body = (await res.json()) as { token: string; ttl: number };
 *     return { accessToken: body.token, expiresInSeconds: body.ttl };
 *   },
 * });
 * const api = authFetch(tokens, { allowedOrigins: ['https://api.internal'] });
 */
export function createTokenSource(options: TokenSourceOptions): ManagedTokenSource {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('createTokenSource(): options with fetchToken are required');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new ConfigurationError(`createTokenSource(): unknown option "${key}"`);
  }
  const { fetchToken, isRetryable } = options;
  if (typeof fetchToken !== 'function') {
    throw new ConfigurationError('createTokenSource(): fetchToken must be a function');
  }
  if (isRetryable !== undefined && typeof isRetryable !== 'function') {
    throw new ConfigurationError('createTokenSource(): isRetryable must be a function');
  }
  const retryable =
    isRetryable ?? ((e: unknown) => (e as { retryable?: unknown } | null)?.retryable === true);
  const clock = options.clock ?? Date.now;
  const dpop = resolveDpop(options, 'createTokenSource()');
  const context: FetchTokenContext = Object.freeze({ dpop });

  return new TokenManager('custom', dpopManagerOptions(options, dpop), {
    dpop,
    async grant(current) {
      let fetched: FetchedToken;
      try {
        fetched = await fetchToken(current, context);
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error('fetchToken() failed');
        if (!isFatal(error) && retryable(error)) throw new RetryableFailure(error);
        throw error;
      }
      const grant = toGrant(fetched, clock());
      assertDpopBound(grant.token_type, dpop);
      return grant;
    },
    isFatal: (error) => isFatal(error),
    // The caller sees what fetchToken threw, not the wrapper used to ask for a retry.
    wrapError: (error) => (error instanceof RetryableFailure ? error.original : error),
  });
}
