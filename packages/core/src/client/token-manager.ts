/**
 * The token manager behind every token source: the token set lives in a RefreshingValue (refresh
 * ahead of expiry with jitter, single flight, a cool-down after a failed cycle, the cached token
 * served until it expires while refreshes fail); this file adds what is OAuth-specific: retries
 * within a cycle, a dead grant, the shared store and the callbacks.
 *
 * No timers: refreshes are started by `getToken` calls (lazily), so importing or holding a source
 * costs nothing and nothing keeps a process alive.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { safeUrl } from '../jwks/safe-url.ts';
import type { AuthEventListener } from '../observe/events.ts';
import { createEventHub, type EventHub, now, registerEventHub } from '../observe/event-hub.ts';
import { emitRefreshFailed } from './token-events.ts';
import { beforeExpiry } from '../refresh/refresh-ahead.ts';
import { type LoadedValue, RefreshingValue } from '../refresh/refreshing-value.ts';
import { backoffDelay, defaultSleep, type ResolvedRetry, resolveRetry } from './backoff.ts';
import { SubjectMismatchError, TokenEndpointError } from './errors.ts';
import type { DpopProver } from './dpop.ts';
import { jwtExpiry } from './jwt.ts';
import { MemoryTokenStore } from './token-store.ts';
import { refuseRenamedOptions } from '../options/renamed-options.ts';
import type {
  ClientClock,
  GetTokenOptions,
  ManagedTokenSource,
  RandomSource,
  RetryOptions,
  Sleep,
  TokenSet,
  TokenSourceStats,
  TokenStore,
  TokenStoreLease,
} from './types.ts';

// Renamed before 1.0 (units in names): refused with the new name rather than silently ignored.
const RENAMED_TOKEN_MANAGER_OPTIONS = {
  refreshBuffer: 'refreshBufferSeconds',
  refreshJitter: 'refreshJitterSeconds',
  defaultLifetime: 'defaultLifetimeSeconds',
} as const;

/**
 * Options every token source accepts.
 *
 * @example
 * const tuning: TokenManagerOptions = { refreshBufferSeconds: 120, retry: { attempts: 2 } };
 * const tokens = clientCredentials({ ...options, ...tuning });
 */
export interface TokenManagerOptions {
  /** Refresh this many seconds before expiry (default 60), capped at a tenth of the token's lifetime. */
  refreshBufferSeconds?: number;
  /** Up to this many extra seconds earlier, at random (default 30), capped at the buffer. */
  refreshJitterSeconds?: number;
  /** Lifetime in seconds when the response has neither `expires_in` nor a JWT `exp` (default 60). */
  defaultLifetimeSeconds?: number;
  retry?: RetryOptions;
  /** Where tokens live (default: a private in-memory store). */
  store?: TokenStore;
  /** Store key (default derived from the endpoint, client and requested scope/resource). */
  storeKey?: string;
  /** Called with every new token set (rotated refresh token included): persist it here. */
  onRefresh?: (tokens: TokenSet) => void | Promise<void>;
  /** Called when a refresh cycle fails after its retries (the cached token may still be served). */
  onRefreshError?: (error: Error) => void;
  /** Receives `token.refreshed` / `token.refresh_failed` events (never a token): see Observability. */
  onEvent?: AuthEventListener;
  /** Print one line per event to stderr (default: `AUTH_DEBUG=1` in the environment). */
  debug?: boolean;
  clock?: ClientClock;
  random?: RandomSource;
  sleep?: Sleep;
}

/** One grant: obtain a raw token response, given the current set (for its refresh token). */
export interface GrantResult {
  access_token: string;
  token_type: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  /** `sub` of a validated ID token. */
  subject?: string;
}

export interface TokenManagerHooks {
  grant(current: TokenSet | undefined): Promise<GrantResult>;
  /** Build the next set from a grant result (rotation, subject check); may throw. */
  accept?(result: GrantResult, next: TokenSet, current: TokenSet | undefined): TokenSet;
  /** Errors after which no refresh is attempted again (the grant is dead). */
  isFatal?(error: Error): boolean;
  /** Turns the final failure into what `getToken` throws. */
  wrapError?(error: Error): Error;
  /** The set to start from (refresh-token sources). */
  initial?: TokenSet;
  /** What events name as the source: the token endpoint or the issuer (never a credential). */
  source?: string;
  /** The DPoP prover the tokens are bound to (a source created with `dpop`). */
  dpop?: DpopProver;
}

export class TokenManager implements ManagedTokenSource {
  readonly stats: TokenSourceStats = { requests: 0, refreshes: 0, failures: 0 };
  readonly dpop: DpopProver | undefined;
  readonly #hooks: TokenManagerHooks;
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #clock: ClientClock;
  readonly #random: RandomSource;
  readonly #sleep: Sleep;
  readonly #retry: ResolvedRetry;
  readonly #defaultLifetimeMs: number;
  readonly #onRefresh: TokenManagerOptions['onRefresh'];
  readonly #onRefreshError: TokenManagerOptions['onRefreshError'];
  readonly #refreshAt: (obtainedAt: number, expiresAt: number) => number;
  /** The current set: refresh ahead, single flight, cool-down after a failed cycle. */
  readonly #tokens: RefreshingValue<TokenSet>;
  #loaded = false;
  #initial: Promise<void> | undefined;
  /** Wait before the next cycle after the last failed one (read by the cool-down). */
  #cooldownMs = 0;
  #dead: Error | undefined;
  readonly #events: EventHub;

  constructor(key: string, options: TokenManagerOptions, hooks: TokenManagerHooks) {
    const seconds = (name: string, value: number | undefined, fallback: number): number => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new ConfigurationError(`${name} must be a number >= 0`);
      return v * 1000;
    };
    refuseRenamedOptions(options, RENAMED_TOKEN_MANAGER_OPTIONS, 'token source');
    const bufferMs = seconds('refreshBufferSeconds', options.refreshBufferSeconds, 60);
    const jitterMs = seconds('refreshJitterSeconds', options.refreshJitterSeconds, 30);
    this.#defaultLifetimeMs = seconds('defaultLifetimeSeconds', options.defaultLifetimeSeconds, 60);
    this.#retry = resolveRetry(options.retry);
    for (const k of ['onRefresh', 'onRefreshError', 'clock', 'random', 'sleep'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'function')
        throw new ConfigurationError(`${k} must be a function`);
    }
    // Events name the endpoint without userinfo or query (an `?api_key=` there is a credential).
    this.#hooks = hooks.source === undefined ? hooks : { ...hooks, source: safeUrl(hooks.source) };
    this.dpop = hooks.dpop;
    this.#store = options.store ?? new MemoryTokenStore();
    this.#key = options.storeKey ?? key;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#onRefresh = options.onRefresh;
    this.#onRefreshError = options.onRefreshError;
    this.#events = createEventHub(options, 'token source');
    registerEventHub(this, this.#events);
    this.#refreshAt = beforeExpiry({ bufferMs, jitterMs, random: this.#random });
    this.#tokens = new RefreshingValue<TokenSet>({
      load: () => this.#runRefresh(),
      clock: this.#clock,
      refreshAt: this.#refreshAt,
      // No stale window: an expired access token is of no use to the API it is sent to.
      staleMs: 0,
      backoffMs: () => this.#cooldownMs,
    });
    if (hooks.initial) this.#tokens.set(loadedSet(hooks.initial));
  }

  peek(): string | undefined {
    const e = this.#tokens.entry;
    return e && this.#clock() < e.expiresAt ? e.value.accessToken : undefined;
  }

  async getToken(options: GetTokenOptions = {}): Promise<string> {
    // Hot path: a fresh cached token, no awaits beyond this function's own promise.
    const e = this.#tokens.entry;
    if (!options.forceRefresh && e && this.#clock() < e.refreshAt && !this.#dead) return e.value.accessToken;
    return (await this.getTokenSet(options)).accessToken;
  }

  async getTokenSet(options: GetTokenOptions = {}): Promise<TokenSet> {
    await this.#loadOnce();
    const now = this.#clock();
    if (this.#dead) {
      // A dead grant still serves its last token until that token truly expires.
      const e = this.#tokens.entry;
      if (e && !options.forceRefresh && now < e.expiresAt) return e.value;
      throw this.#dead;
    }
    if (options.forceRefresh) return (await this.#tokens.refresh()).value;
    // Fresh: the cached set. In the refresh window: the cached set, refreshing in the background.
    // Expired: the running refresh, the last error during the cool-down, or a new refresh.
    return (await this.#tokens.get(now)).value;
  }

  async clear(): Promise<void> {
    this.#tokens.clear();
    await this.#store.delete(this.#key);
  }

  /** Seeds the store with the initial set, or adopts what the store already holds. */
  #loadOnce(): Promise<void> | undefined {
    if (this.#loaded) return undefined;
    this.#initial ??= (async () => {
      const stored = await this.#store.get(this.#key);
      const held = this.#tokens.entry?.value;
      if (stored && (!held || stored.obtainedAtMs >= held.obtainedAtMs)) {
        this.#tokens.set(loadedSet(stored));
      } else if (held) {
        await this.#store.set(this.#key, held);
      }
      this.#loaded = true;
    })();
    return this.#initial;
  }

  /** One refresh cycle (run single-flight by `#tokens`): adopt from the store, or grant with retries. */
  async #runRefresh(): Promise<LoadedValue<TokenSet>> {
    const previous = this.#tokens.entry?.value;
    // Another replica may have refreshed already: adopt a newer token from a shared store.
    const stored = await this.#store.get(this.#key);
    if (
      stored &&
      previous &&
      stored.accessToken !== previous.accessToken &&
      stored.obtainedAtMs > previous.obtainedAtMs &&
      this.#clock() < this.#refreshAt(stored.obtainedAtMs, stored.expiresAtMs)
    ) {
      return loadedSet(stored);
    }
    // Refresh from the newest set we know of: a replica may have rotated the refresh token.
    let current = stored && (!previous || stored.obtainedAtMs > previous.obtainedAtMs) ? stored : previous;
    // A fleet-wide lock: one replica grants, the others wait for the set it stores.
    let lease: TokenStoreLease | undefined;
    if (this.#store.acquire) {
      const got = await this.#store.acquire(
        this.#key,
        (set) =>
          (!previous || set.obtainedAtMs > previous.obtainedAtMs) &&
          this.#clock() < this.#refreshAt(set.obtainedAtMs, set.expiresAtMs),
      );
      if (!got.lease) return loadedSet(got.tokens);
      lease = got.lease;
      // The lock holder before us may have rotated the refresh token: grant from the newest set.
      if (got.tokens && (!current || got.tokens.obtainedAtMs >= current.obtainedAtMs)) current = got.tokens;
    }
    try {
      return await this.#grantWithRetries(current, lease);
    } catch (error) {
      await lease?.release().catch(() => undefined);
      throw error;
    }
  }

  async #grantWithRetries(
    current: TokenSet | undefined,
    lease: TokenStoreLease | undefined,
  ): Promise<LoadedValue<TokenSet>> {
    const startedAt = this.#events.active ? now() : 0;
    for (let attempt = 0; ; attempt++) {
      const sentAt = this.#clock();
      try {
        this.stats.requests++;
        const result = await this.#hooks.grant(current);
        const next = this.#toTokenSet(result, sentAt, current);
        const accepted = this.#hooks.accept ? this.#hooks.accept(result, next, current) : next;
        // Under a lease the store keeps the set only if the lock is still ours (fencing): a holder whose
        // lock expired mid-grant must not overwrite the set of the holder after it.
        // A failing commit must not retry the grant: the refresh token it used may be rotated out.
        if (lease) await lease.commit(accepted).catch(() => false);
        else await this.#store.set(this.#key, accepted);
        this.stats.refreshes++;
        if (this.#events.active) {
          this.#events.emit({
            type: 'token.refreshed',
            at: Date.now(),
            source: this.#hooks.source ?? 'token endpoint',
            expiresInSeconds: Math.round((accepted.expiresAtMs - this.#clock()) / 1000),
            attempts: attempt + 1,
            durationMs: now() - startedAt,
          });
        }
        const onRefresh = this.#onRefresh;
        // Runs once the set is in use, inside the flight; its failure must not undo the new tokens.
        return { ...loadedSet(accepted), onInstalled: onRefresh && (() => onRefresh(accepted)) };
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error('Token request failed');
        const retryable = error instanceof TokenEndpointError && error.retryable;
        if (retryable && attempt + 1 < this.#retry.attempts) {
          const delay = backoffDelay(
            attempt,
            this.#retry,
            this.#random,
            (error as TokenEndpointError).retryAfterSeconds,
          );
          if (delay <= this.#retry.maxRetryAfterMs) {
            await this.#sleep(delay);
            continue;
          }
        }
        throw this.#fail(error, attempt, startedAt);
      }
    }
  }

  #fail(error: Error, attempt: number, startedAt: number): Error {
    this.stats.failures++;
    const final = this.#hooks.wrapError ? this.#hooks.wrapError(error) : error;
    if (this.#events.active)
      emitRefreshFailed(this.#events, this.#hooks.source, final, attempt + 1, startedAt);
    if (this.#hooks.isFatal?.(error)) {
      this.#dead = final;
      // A changed subject means the cached tokens cannot be trusted either; a dead grant's token can.
      if (error instanceof SubjectMismatchError) this.#tokens.clear();
    }
    // Cool down before the next cycle so failing callers do not hammer the endpoint (`#tokens`
    // records `final` as the last error and waits this long).
    const retryAfterSeconds = error instanceof TokenEndpointError ? error.retryAfterSeconds : undefined;
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** attempt);
    this.#cooldownMs = Math.max(ceiling, (retryAfterSeconds ?? 0) * 1000);
    this.#onRefreshError?.(final);
    return final;
  }

  #toTokenSet(result: GrantResult, sentAt: number, current: TokenSet | undefined): TokenSet {
    // Expiry: the smaller of expires_in (from when we asked) and the JWT's own exp.
    const candidates: number[] = [];
    if (typeof result.expires_in === 'number' && Number.isFinite(result.expires_in)) {
      candidates.push(sentAt + result.expires_in * 1000);
    }
    const exp = jwtExpiry(result.access_token);
    if (exp !== undefined) candidates.push(exp * 1000);
    const expiresAt = candidates.length > 0 ? Math.min(...candidates) : sentAt + this.#defaultLifetimeMs;
    const tokens: TokenSet = {
      accessToken: result.access_token,
      tokenType: result.token_type,
      expiresAtMs: expiresAt,
      obtainedAtMs: sentAt,
    };
    // Rotation: keep the old refresh token when the response omits one.
    const refreshToken = result.refresh_token ?? current?.refreshToken;
    if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
    const idToken = result.id_token ?? current?.idToken;
    if (idToken !== undefined) tokens.idToken = idToken;
    const subject = result.subject ?? current?.subject;
    if (subject !== undefined) tokens.subject = subject;
    const scope = result.scope ?? current?.scope;
    if (scope !== undefined) tokens.scope = scope;
    return tokens;
  }
}

/**
 * A token set as a refreshing value: it expires with its access token. A set without numeric times
 * (a hand-made initial set, an old store entry) counts as expired, so the first use refreshes it.
 */
function loadedSet(tokens: TokenSet): LoadedValue<TokenSet> {
  const expiresAt = Number.isFinite(tokens.expiresAtMs) ? tokens.expiresAtMs : 0;
  const obtainedAt = Number.isFinite(tokens.obtainedAtMs) ? tokens.obtainedAtMs : expiresAt;
  return { value: tokens, obtainedAt, expiresAt };
}
