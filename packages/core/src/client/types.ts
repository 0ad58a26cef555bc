/** Public shapes of the client side: token sets, token sources, stores, and the injectable I/O. */

/** A fetch-compatible function (the global `fetch`, undici's, or a test double). */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Milliseconds since the epoch. */
export type ClientClock = () => number;

/** A number in [0, 1), like `Math.random`; injected for deterministic jitter in tests. */
export type RandomSource = () => number;

/** Waits `ms` milliseconds; injected so tests can run retries and backoff without real time. */
export type Sleep = (ms: number) => Promise<void>;

/** What a token source holds after a successful grant. Plain data: safe to put in a shared store. */
export interface TokenSet {
  accessToken: string;
  /** Lower-cased `token_type` (`bearer`). */
  tokenType: string;
  /** When the access token stops being usable, ms since the epoch: min(expires_in, JWT `exp`). */
  expiresAtMs: number;
  /** When it was obtained, ms since the epoch. */
  obtainedAtMs: number;
  refreshToken?: string;
  idToken?: string;
  /** `sub` of the ID token, kept to detect a subject change on refresh. */
  subject?: string;
  scope?: string;
}

export interface GetTokenOptions {
  /** Skip the cache and get a new token (joins a refresh already in flight). */
  forceRefresh?: boolean;
}

/** Anything that hands out access tokens; `authFetch` needs only `getToken`. */
export interface TokenSource {
  getToken(options?: GetTokenOptions): Promise<string>;
  /** The cached access token without any I/O, undefined when there is none or it has expired. */
  peek?(): string | undefined;
}

/** The token source returned by `clientCredentials` and `refreshTokens`. */
export interface ManagedTokenSource extends TokenSource {
  peek(): string | undefined;
  /** The whole cached token set (refresh token, ID token, expiry), after an optional fetch. */
  getTokenSet(options?: GetTokenOptions): Promise<TokenSet>;
  /** Drops the cached tokens here and in the store. */
  clear(): Promise<void>;
  /** Counters for observability and benchmarks. */
  readonly stats: TokenSourceStats;
}

export interface TokenSourceStats {
  /** Grant requests sent to the token endpoint (each retry counts). */
  requests: number;
  /** Successful grants. */
  refreshes: number;
  /** Failed refresh cycles (after retries). */
  failures: number;
}

/**
 * Where a token source keeps its tokens. Memory by default; implement it over Redis or similar to
 * share tokens between replicas. Methods may be sync or async.
 */
export interface TokenStore {
  get(key: string): Promise<TokenSet | undefined> | TokenSet | undefined;
  set(key: string, tokens: TokenSet): Promise<void> | void;
  delete(key: string): Promise<void> | void;
}

export interface RetryOptions {
  /** Total attempts per refresh, first one included (default 4). */
  attempts?: number;
  /** Base of the exponential backoff in ms (default 250). */
  baseDelayMs?: number;
  /** Cap of one backoff delay in ms (default 10 000). */
  maxDelayMs?: number;
  /** A `Retry-After` longer than this (ms) ends the retries instead of waiting (default 30 000). */
  maxRetryAfterMs?: number;
}
