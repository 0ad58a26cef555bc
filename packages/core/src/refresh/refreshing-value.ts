/**
 * A value with an expiry that refreshes itself on use: the state machine shared by the JWKS source
 * (key sets) and the token manager (access tokens).
 *
 * - refresh ahead: once `refreshAt` has passed, a read returns the held value and starts a refresh in
 *   the background;
 * - single flight: concurrent reads and refreshes share one load;
 * - backoff: after a failed load no new load starts before `nextAttemptAt` (the wait grows with the
 *   consecutive failures, as `backoffMs` says); reads that have no usable value get the last error;
 * - serve stale: a value stays usable `staleMs` past its expiry while loads fail;
 * - typed errors: every rejection is an Error, a `RefreshingValueError` when the loader threw
 *   something else, returned garbage, or the holder was closed; never an unhandled rejection.
 *
 * No timers: loads are started by reads, so holding a value costs nothing and keeps no process alive.
 * Internal (not exported from the package root).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { RefreshingValueError } from './refreshing-value-error.ts';

/** What a loader returns. */
export interface LoadedValue<T> {
  value: T;
  /** Epoch ms at which the value expires (it may still be served `staleMs` longer while loads fail). */
  expiresAt: number;
  /** Epoch ms at which it was obtained; default: the clock when the load settled. */
  obtainedAt?: number;
  /**
   * Runs once the value is installed, inside the single flight (persisting it, pruning what the old
   * value held); awaited, and its failure ignored: the value is in use already.
   */
  onInstalled?: () => unknown;
}

/** The held value with its schedule. */
export interface RefreshingEntry<T> {
  readonly value: T;
  readonly obtainedAt: number;
  readonly expiresAt: number;
  /** From here on a read starts a background refresh. */
  readonly refreshAt: number;
}

export interface RefreshingValueOptions<T> {
  /** Loads a new value; gets the held one (possibly stale), if any. May throw or reject. */
  load(current: RefreshingEntry<T> | undefined): LoadedValue<T> | Promise<LoadedValue<T>>;
  /** Epoch ms (default `Date.now`). */
  clock?: () => number;
  /** When to start refreshing a value (default: at its expiry, i.e. no refresh ahead). */
  refreshAt?: (obtainedAt: number, expiresAt: number) => number;
  /** How long past its expiry a value is still served while loads fail (default 0). */
  staleMs?: number;
  /** Wait before the next load after `failures` consecutive failed loads (default 0). */
  backoffMs?: (failures: number, error: Error) => number;
}

const noop = () => {};

/**
 * @example
 * const keys = new RefreshingValue({
 *   load: async () => ({ value: await fetchKeys(), expiresAt: Date.now() + 600_000 }),
 *   refreshAt: afterFraction(0.8),
 *   staleMs: 3_600_000,
 *   backoffMs: halfJitterBackoff(500, 1_500, Math.random),
 * });
 * const { value } = await keys.get();
 */
export class RefreshingValue<T> {
  readonly #load: RefreshingValueOptions<T>['load'];
  readonly #clock: () => number;
  readonly #refreshAt: (obtainedAt: number, expiresAt: number) => number;
  readonly #staleMs: number;
  readonly #backoffMs: (failures: number, error: Error) => number;
  #entry: RefreshingEntry<T> | undefined;
  #loading: Promise<RefreshingEntry<T>> | undefined;
  #version = 0;
  #failures = 0;
  #lastError: Error | undefined;
  #nextAttemptAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: RefreshingValueOptions<T>) {
    if (typeof options?.load !== 'function') throw new ConfigurationError('load must be a function');
    const staleMs = options.staleMs ?? 0;
    if (typeof staleMs !== 'number' || !(staleMs >= 0))
      throw new ConfigurationError('staleMs must be a number >= 0');
    this.#load = options.load;
    this.#clock = options.clock ?? Date.now;
    this.#refreshAt = options.refreshAt ?? ((_, expiresAt) => expiresAt);
    this.#staleMs = staleMs;
    this.#backoffMs = options.backoffMs ?? (() => 0);
  }

  /** The held value, fresh, stale or past use; undefined before the first load and after clear/close. */
  get entry(): RefreshingEntry<T> | undefined {
    return this.#entry;
  }

  /** Values installed so far: an unchanged version means an unchanged value. */
  get version(): number {
    return this.#version;
  }

  /** True while a load runs. */
  get loading(): boolean {
    return this.#loading !== undefined;
  }

  /** Consecutive failed loads; 0 once a load succeeds. */
  get failures(): number {
    return this.#failures;
  }

  /** Why the last load failed (undefined once one succeeds). */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** No load starts on its own before this instant (epoch ms) after a failure. */
  get nextAttemptAt(): number {
    return this.#nextAttemptAt;
  }

  /** True while a value is held and not past its expiry plus the stale window. */
  usable(now: number = this.#clock()): boolean {
    const entry = this.#entry;
    return entry !== undefined && now < entry.expiresAt + this.#staleMs;
  }

  /** Starts a background refresh when the held value is due and no load runs or waits out a backoff. */
  refreshIfDue(now: number = this.#clock()): void {
    const entry = this.#entry;
    if (
      entry !== undefined &&
      now >= entry.refreshAt &&
      this.#loading === undefined &&
      now >= this.#nextAttemptAt
    ) {
      this.refresh().catch(noop);
    }
  }

  /**
   * The usable value (synchronously; a due refresh starts in the background), else the running load,
   * else the last error while backing off (thrown), else a new load.
   */
  get(now: number = this.#clock()): RefreshingEntry<T> | Promise<RefreshingEntry<T>> {
    const entry = this.#entry;
    if (entry !== undefined && now < entry.expiresAt + this.#staleMs) {
      if (now >= entry.refreshAt) this.refreshIfDue(now);
      return entry;
    }
    if (this.#loading !== undefined) return this.#loading;
    if (this.#lastError !== undefined && now < this.#nextAttemptAt) throw this.#lastError;
    return this.refresh();
  }

  /** Loads now, or joins the running load. Rejects with the load's Error (see the file header). */
  refresh(): Promise<RefreshingEntry<T>> {
    if (this.#loading !== undefined) return this.#loading;
    if (this.#closed) return Promise.reject(closedError());
    const p = this.#run().finally(() => {
      if (this.#loading === p) this.#loading = undefined;
    });
    this.#loading = p;
    return p;
  }

  /** Installs a value obtained elsewhere (an initial value, a shared store). Failure state is kept. */
  set(loaded: LoadedValue<T>): RefreshingEntry<T> {
    const entry = this.#toEntry(loaded);
    if (entry === undefined) throw new RefreshingValueError('ERR_REFRESH_INVALID_RESULT', invalidText);
    if (!this.#closed) this.#install(entry);
    return entry;
  }

  /** Forgets the value and the failures; a running load still installs its result. */
  clear(): void {
    this.#entry = undefined;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#nextAttemptAt = Number.NEGATIVE_INFINITY;
  }

  /** Forgets the value for good: a running load's result is dropped, later loads reject. */
  close(): void {
    this.#closed = true;
    this.clear();
  }

  async #run(): Promise<RefreshingEntry<T>> {
    let entry: RefreshingEntry<T> | undefined;
    let loaded: LoadedValue<T>;
    try {
      // Inside the try: a loader that throws synchronously rejects this load like an async one.
      loaded = await this.#load(this.#entry);
      entry = this.#toEntry(loaded);
      if (entry === undefined) throw new RefreshingValueError('ERR_REFRESH_INVALID_RESULT', invalidText);
    } catch (thrown) {
      if (this.#closed) throw closedError();
      const error =
        thrown instanceof Error
          ? thrown
          : new RefreshingValueError('ERR_REFRESH_LOAD_FAILED', 'The value could not be loaded');
      this.#failures++;
      this.#lastError = error;
      this.#nextAttemptAt = this.#clock() + this.#backoffMs(this.#failures, error);
      throw error;
    }
    if (this.#closed) throw closedError();
    this.#install(entry);
    this.#failures = 0;
    this.#lastError = undefined;
    this.#nextAttemptAt = Number.NEGATIVE_INFINITY;
    if (loaded.onInstalled !== undefined) {
      try {
        await loaded.onInstalled();
      } catch {
        // The value is in use already; persisting it is best effort.
      }
    }
    return entry;
  }

  #toEntry(loaded: LoadedValue<T>): RefreshingEntry<T> | undefined {
    if (typeof loaded !== 'object' || loaded === null || !('value' in loaded)) return undefined;
    const { value, expiresAt } = loaded;
    const obtainedAt = loaded.obtainedAt ?? this.#clock();
    if (!Number.isFinite(expiresAt) || !Number.isFinite(obtainedAt)) return undefined;
    if (loaded.onInstalled !== undefined && typeof loaded.onInstalled !== 'function') return undefined;
    return { value, obtainedAt, expiresAt, refreshAt: this.#refreshAt(obtainedAt, expiresAt) };
  }

  #install(entry: RefreshingEntry<T>): void {
    this.#entry = entry;
    this.#version++;
  }
}

const invalidText = 'The loader returned no value with a finite expiry';
const closedError = () => new RefreshingValueError('ERR_REFRESH_CLOSED', 'The value was closed');
