/** Public shapes of the client side: token sets, token sources, stores, and the injectable I/O. */
import type { DpopProver } from './dpop.ts';

/**
 * A fetch-compatible function (the global `fetch`, undici's, or a test double).
 *
 * @example
 * const verifier = createVerifier({ issuers, fetch: (url, init) => fetch(url, init) });
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Milliseconds since the epoch.
 *
 * @example
 * const tokens = clientCredentials({ ...options, clock: () => Date.now() });
 */
export type ClientClock = () => number;

/**
 * A number in [0, 1), like `Math.random`; injected for deterministic jitter in tests.
 *
 * @example
 * const tokens = clientCredentials({ ...options, random: () => 0.5 }); // fixed jitter in tests
 */
export type RandomSource = () => number;

/**
 * Waits `ms` milliseconds; injected so tests can run retries and backoff without real time.
 *
 * @example
 * const tokens = clientCredentials({ ...options, sleep: async () => {} }); // retries without waiting in tests
 */
export type Sleep = (ms: number) => Promise<void>;

/**
 * What a token source holds after a successful grant. Plain data: safe to put in a shared store.
 *
 * @example
 * const set: TokenSet = await tokens.getTokenSet();
 * const secondsLeft = (set.expiresAtMs - Date.now()) / 1000;
 */
export interface TokenSet {
  accessToken: string;
  /** Lower-cased `token_type` (`bearer`, or `dpop` for a DPoP-bound token). */
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

/**
 * Options of `TokenSource.getToken`.
 *
 * @example
 * const token = await tokens.getToken({ forceRefresh: true } satisfies GetTokenOptions);
 */
export interface GetTokenOptions {
  /** Skip the cache and get a new token (joins a refresh already in flight). */
  forceRefresh?: boolean;
}

/**
 * Anything that hands out access tokens; `authFetch` needs only `getToken`.
 *
 * @example
 * const fixed: TokenSource = { getToken: async () => process.env.STATIC_TOKEN ?? '' };
 * const api = authFetch(fixed, { allowedOrigins: ['https://api.example.com'] });
 */
export interface TokenSource {
  getToken(options?: GetTokenOptions): Promise<string>;
  /** The cached access token without any I/O, undefined when there is none or it has expired. */
  peek?(): string | undefined;
  /**
   * Present when the tokens are DPoP-bound (a source created with `dpop`): `authFetch` and
   * `authInterceptor` then send `Authorization: DPoP <token>` with a fresh proof signed by it.
   */
  readonly dpop?: DpopProver | undefined;
}

/**
 * The token source returned by `clientCredentials` and `refreshTokens`.
 *
 * @example
 * const tokens: ManagedTokenSource = clientCredentials({ issuer, clientId: 'orders', clientSecret: 's3cret' });
 * const token = await tokens.getToken();
 * console.log(tokens.stats.refreshes);
 */
export interface ManagedTokenSource extends TokenSource {
  peek(): string | undefined;
  /** The whole cached token set (refresh token, ID token, expiry), after an optional fetch. */
  getTokenSet(options?: GetTokenOptions): Promise<TokenSet>;
  /** Drops the cached tokens here and in the store. */
  clear(): Promise<void>;
  /** Counters for observability and benchmarks. */
  readonly stats: TokenSourceStats;
}

/**
 * Counters of a managed token source (`tokens.stats`).
 *
 * @example
 * const { requests, refreshes, failures }: TokenSourceStats = tokens.stats;
 */
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
 *
 * @example
 * const store: TokenStore = {
 *   get: async (key) => JSON.parse((await redis.get(key)) ?? 'null') ?? undefined,
 *   set: async (key, tokens) => void (await redis.set(key, JSON.stringify(tokens))),
 *   delete: async (key) => void (await redis.del(key)),
 * };
 */
export interface TokenStore {
  get(key: string): Promise<TokenSet | undefined> | TokenSet | undefined;
  set(key: string, tokens: TokenSet): Promise<void> | void;
  delete(key: string): Promise<void> | void;
  /**
   * Optional fleet-wide single flight (a lock shared by the replicas, e.g. `@auth/redis`). Called before
   * each grant with `usable`, which tells whether a stored set is new and fresh enough to use instead.
   * Resolves `{ tokens }` when another holder stored a usable set (no grant), or `{ lease }` when this
   * caller must grant, starting from `tokens` (the newest stored set, for its refresh token) when given.
   * Without it, every process refreshes on its own (single flight per process only).
   */
  acquire?(key: string, usable: (tokens: TokenSet) => boolean): Promise<TokenStoreAcquired>;
}

/**
 * What `TokenStore.acquire` resolves: a set to use, or a lease to grant under.
 *
 * @example
 * const got: TokenStoreAcquired = await store.acquire!(key, (set) => set.expiresAtMs > Date.now());
 * if (got.lease) await got.lease.commit(await grant(got.tokens));
 */
export type TokenStoreAcquired =
  | { lease: TokenStoreLease; tokens?: TokenSet | undefined }
  | { lease?: undefined; tokens: TokenSet };

/**
 * The lock a token source holds while it grants (see `TokenStore.acquire`).
 *
 * @example
 * const stored: boolean = await lease.commit(next); // false: the lock was lost, `next` was not stored
 */
export interface TokenStoreLease {
  /**
   * Stores the new set and releases the lock, only while this lease still holds it (fencing): resolves
   * false when the lock was lost meanwhile, and the set is then not stored.
   */
  commit(tokens: TokenSet): Promise<boolean>;
  /** Releases the lock without storing anything (the grant failed). */
  release(): Promise<void>;
}

/**
 * How a token source retries a failed grant.
 *
 * @example
 * const tokens = clientCredentials({ ...options, retry: { attempts: 3, baseDelayMs: 100 } satisfies RetryOptions });
 */
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
