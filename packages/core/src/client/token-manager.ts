/**
 * The token manager behind every token source: cache, refresh ahead of expiry with jitter,
 * single flight, retries with backoff, stale-while-failing, and a pluggable store.
 *
 * No timers: refreshes are started by `getToken` calls (lazily), so importing or holding a source
 * costs nothing and nothing keeps a process alive.
 */
import { isAuthError } from '../errors.ts';
import { backoffDelay, defaultSleep, type ResolvedRetry, resolveRetry } from './backoff.ts';
import { TokenEndpointError } from './errors.ts';
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
}

interface State {
  tokens: TokenSet;
  refreshAt: number;
}

export class TokenManager implements ManagedTokenSource {
  readonly stats: TokenSourceStats = { requests: 0, refreshes: 0, failures: 0 };
  readonly #hooks: TokenManagerHooks;
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #clock: ClientClock;
  readonly #random: RandomSource;
  readonly #sleep: Sleep;
  readonly #retry: ResolvedRetry;
  readonly #bufferMs: number;
  readonly #jitterMs: number;
  readonly #defaultLifetimeMs: number;
  readonly #onRefresh: TokenManagerOptions['onRefresh'];
  readonly #onRefreshError: TokenManagerOptions['onRefreshError'];
  #state: State | undefined;
  #loaded = false;
  #initial: Promise<void> | undefined;
  #inflight: Promise<TokenSet> | undefined;
  #lastError: Error | undefined;
  #nextAttemptAt = 0;
  #dead: Error | undefined;

  constructor(key: string, options: TokenManagerOptions, hooks: TokenManagerHooks) {
    const seconds = (name: string, value: number | undefined, fallback: number): number => {
      const v = value ?? fallback;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new TypeError(`${name} must be a number >= 0`);
      return v * 1000;
    };
    refuseRenamedOptions(options, RENAMED_TOKEN_MANAGER_OPTIONS, 'token source');
    this.#bufferMs = seconds('refreshBufferSeconds', options.refreshBufferSeconds, 60);
    this.#jitterMs = seconds('refreshJitterSeconds', options.refreshJitterSeconds, 30);
    this.#defaultLifetimeMs = seconds('defaultLifetimeSeconds', options.defaultLifetimeSeconds, 60);
    this.#retry = resolveRetry(options.retry);
    for (const k of ['onRefresh', 'onRefreshError', 'clock', 'random', 'sleep'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'function')
        throw new TypeError(`${k} must be a function`);
    }
    this.#hooks = hooks;
    this.#store = options.store ?? new MemoryTokenStore();
    this.#key = options.storeKey ?? key;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#onRefresh = options.onRefresh;
    this.#onRefreshError = options.onRefreshError;
    if (hooks.initial) this.#state = this.#schedule(hooks.initial);
  }

  peek(): string | undefined {
    const s = this.#state;
    return s && this.#clock() < s.tokens.expiresAtMs ? s.tokens.accessToken : undefined;
  }

  async getToken(options: GetTokenOptions = {}): Promise<string> {
    // Hot path: a fresh cached token, no awaits beyond this function's own promise.
    const s = this.#state;
    if (!options.forceRefresh && s && this.#clock() < s.refreshAt && !this.#dead) return s.tokens.accessToken;
    return (await this.getTokenSet(options)).accessToken;
  }

  async getTokenSet(options: GetTokenOptions = {}): Promise<TokenSet> {
    await this.#loadOnce();
    const now = this.#clock();
    const s = this.#state;
    if (this.#dead) {
      // A dead grant still serves its last token until that token truly expires.
      if (s && !options.forceRefresh && now < s.tokens.expiresAtMs) return s.tokens;
      throw this.#dead;
    }
    if (options.forceRefresh) return this.#refresh();
    if (s && now < s.refreshAt) return s.tokens;
    if (s && now < s.tokens.expiresAtMs) {
      // In the refresh window: refresh in the background, serve the cached token meanwhile.
      if (now >= this.#nextAttemptAt) this.#refresh().catch(() => {});
      return s.tokens;
    }
    if (this.#lastError && now < this.#nextAttemptAt && !this.#inflight) throw this.#lastError;
    return this.#refresh();
  }

  async clear(): Promise<void> {
    this.#state = undefined;
    this.#lastError = undefined;
    this.#nextAttemptAt = 0;
    await this.#store.delete(this.#key);
  }

  /** Seeds the store with the initial set, or adopts what the store already holds. */
  #loadOnce(): Promise<void> | undefined {
    if (this.#loaded) return undefined;
    this.#initial ??= (async () => {
      const stored = await this.#store.get(this.#key);
      if (stored && (!this.#state || stored.obtainedAtMs >= this.#state.tokens.obtainedAtMs)) {
        this.#state = this.#schedule(stored);
      } else if (this.#state) {
        await this.#store.set(this.#key, this.#state.tokens);
      }
      this.#loaded = true;
    })();
    return this.#initial;
  }

  /** Single flight: every caller during a refresh shares its promise. */
  #refresh(): Promise<TokenSet> {
    if (this.#inflight) return this.#inflight;
    const p = this.#runRefresh().finally(() => {
      this.#inflight = undefined;
    });
    this.#inflight = p;
    return p;
  }

  async #runRefresh(): Promise<TokenSet> {
    const previous = this.#state?.tokens;
    // Another replica may have refreshed already: adopt a newer token from a shared store.
    const stored = await this.#store.get(this.#key);
    if (
      stored &&
      previous &&
      stored.accessToken !== previous.accessToken &&
      stored.obtainedAtMs > previous.obtainedAtMs &&
      this.#clock() < this.#computeRefreshAt(stored)
    ) {
      this.#state = this.#schedule(stored);
      return stored;
    }
    // Refresh from the newest set we know of: a replica may have rotated the refresh token.
    const current = stored && (!previous || stored.obtainedAtMs > previous.obtainedAtMs) ? stored : previous;
    for (let attempt = 0; ; attempt++) {
      const sentAt = this.#clock();
      try {
        this.stats.requests++;
        const result = await this.#hooks.grant(current);
        const next = this.#toTokenSet(result, sentAt, current);
        const accepted = this.#hooks.accept ? this.#hooks.accept(result, next, current) : next;
        await this.#store.set(this.#key, accepted);
        this.#state = this.#schedule(accepted);
        this.#lastError = undefined;
        this.#nextAttemptAt = 0;
        this.stats.refreshes++;
        if (this.#onRefresh) {
          try {
            await this.#onRefresh(accepted);
          } catch {
            // The new tokens are in use already; a failing persistence callback must not undo that.
          }
        }
        return accepted;
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
        throw this.#fail(error, attempt);
      }
    }
  }

  #fail(error: Error, attempt: number): Error {
    this.stats.failures++;
    const final = this.#hooks.wrapError ? this.#hooks.wrapError(error) : error;
    if (this.#hooks.isFatal?.(error)) {
      this.#dead = final;
      // A changed subject means the cached tokens cannot be trusted either; a dead grant's token can.
      if (isAuthError(error) && error.code === 'ERR_AUTH_SUBJECT_MISMATCH') this.#state = undefined;
    }
    // Cool down before the next cycle so failing callers do not hammer the endpoint.
    const retryAfterSeconds = error instanceof TokenEndpointError ? error.retryAfterSeconds : undefined;
    this.#lastError = final;
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** attempt);
    this.#nextAttemptAt = this.#clock() + Math.max(ceiling, (retryAfterSeconds ?? 0) * 1000);
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

  #computeRefreshAt(tokens: TokenSet): number {
    const lifetime = Math.max(0, tokens.expiresAtMs - tokens.obtainedAtMs);
    const buffer = Math.min(this.#bufferMs, lifetime / 10);
    const jitter = this.#random() * Math.min(this.#jitterMs, buffer);
    return tokens.expiresAtMs - buffer - jitter;
  }

  #schedule(tokens: TokenSet): State {
    return { tokens, refreshAt: this.#computeRefreshAt(tokens) };
  }
}
