/**
 * The machinery every remote decision point shares (AuthZEN, Authress): a bounded TTL cache of
 * answers, one call for concurrent identical questions, and a circuit breaker so a dead decision
 * point costs one timeout per cool-down interval instead of one per request.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Clock } from '../types.ts';

/**
 * Decision-cache settings. The key is the whole question (subject, action, resource, context), so an
 * answer is never reused for another subject.
 *
 * @example
 * const policy = authzen({ pdp: 'https://pdp.example', cache: { ttlMs: 5_000, maxEntries: 10_000 } satisfies DecisionCacheOptions });
 */
export interface DecisionCacheOptions {
  /** How long an answer (allow or deny) is reused, in milliseconds. */
  ttlMs: number;
  /** Most answers held; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
}

/**
 * Circuit-breaker settings: after `failureThreshold` consecutive failures the decision point is not
 * called for `cooldownMs`; then one probe call decides whether it is back.
 *
 * @example
 * const policy = authzen({ pdp: 'https://pdp.example', breaker: { failureThreshold: 3, cooldownMs: 10_000 } satisfies CircuitBreakerOptions });
 */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 3. */
  failureThreshold?: number;
  /** Milliseconds the circuit stays open before one probe is let through. Default 5000. */
  cooldownMs?: number;
}

const MAX_TIMER = 2_147_483_647;

function positiveInt(value: unknown, where: string, name: string, max = MAX_TIMER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0 || value > max) {
    throw new ConfigurationError(`${where}: option "${name}" must be a positive integer`);
  }
  return value;
}

/** Checks the `cache` option at setup: `false`/undefined = no cache. */
export function cacheSettings(
  value: unknown,
  where: string,
): { ttlMs: number; maxEntries: number } | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError(`${where}: option "cache" must be { ttlMs, maxEntries? } or false`);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (key !== 'ttlMs' && key !== 'maxEntries')
      throw new ConfigurationError(`${where}: unknown option "cache.${key}"`);
  }
  return {
    ttlMs: positiveInt(v.ttlMs, where, 'cache.ttlMs'),
    maxEntries:
      v.maxEntries === undefined ? 10_000 : positiveInt(v.maxEntries, where, 'cache.maxEntries', 1e7),
  };
}

/** Checks the `breaker` option at setup: `false` turns the breaker off. */
export function breakerSettings(
  value: unknown,
  where: string,
): { failureThreshold: number; cooldownMs: number } | undefined {
  if (value === false) return undefined;
  if (value === undefined) return { failureThreshold: 3, cooldownMs: 5000 };
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError(
      `${where}: option "breaker" must be { failureThreshold?, cooldownMs? } or false`,
    );
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (key !== 'failureThreshold' && key !== 'cooldownMs') {
      throw new ConfigurationError(`${where}: unknown option "breaker.${key}"`);
    }
  }
  return {
    failureThreshold:
      v.failureThreshold === undefined
        ? 3
        : positiveInt(v.failureThreshold, where, 'breaker.failureThreshold', 1e6),
    cooldownMs: v.cooldownMs === undefined ? 5000 : positiveInt(v.cooldownMs, where, 'breaker.cooldownMs'),
  };
}

/** Thrown (internally) when the breaker refuses a call: the caller turns it into a 503. */
export class CircuitOpen extends Error {
  override name = 'CircuitOpen';
  constructor() {
    super('The decision point circuit is open');
  }
}

/**
 * Consecutive-failure circuit breaker: closed → (threshold failures) → open for the cool-down →
 * one probe → closed on success, open again on failure.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #clock: Clock;
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  constructor(settings: { failureThreshold: number; cooldownMs: number }, clock: Clock) {
    this.#threshold = settings.failureThreshold;
    this.#cooldownMs = settings.cooldownMs;
    this.#clock = clock;
  }

  /** Whether the circuit is open (calls are refused or only probed). */
  get open(): boolean {
    return this.#failures >= this.#threshold;
  }

  /** Runs `call` unless the circuit refuses it (rejects with CircuitOpen). */
  async guard<T>(call: () => Promise<T>): Promise<T> {
    let probe = false;
    if (this.open) {
      if (this.#clock() < this.#openUntil || this.#probing) throw new CircuitOpen();
      probe = true;
      this.#probing = true;
    }
    try {
      const value = await call();
      this.#failures = 0;
      return value;
    } catch (error) {
      this.#failures++;
      if (this.open) this.#openUntil = this.#clock() + this.#cooldownMs;
      throw error;
    } finally {
      if (probe) this.#probing = false;
    }
  }
}

/**
 * Cache + single flight + breaker around one kind of remote call. `run(key, call)` answers from the
 * cache, joins an identical call in flight, or makes the call; only answers `cacheable` accepts are
 * cached, and only failures (rejections) count against the breaker.
 */
export class RemoteDecisions<T> {
  readonly #cache: Map<string, { value: T; expiresAt: number }> | undefined;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #inflight = new Map<string, Promise<T>>();
  readonly #breaker: CircuitBreaker | undefined;
  readonly #clock: Clock;

  constructor(options: {
    cache: { ttlMs: number; maxEntries: number } | undefined;
    breaker: CircuitBreaker | undefined;
    clock: Clock;
  }) {
    this.#cache = options.cache ? new Map() : undefined;
    this.#ttlMs = options.cache?.ttlMs ?? 0;
    this.#maxEntries = options.cache?.maxEntries ?? 0;
    this.#breaker = options.breaker;
    this.#clock = options.clock;
  }

  /** Number of cached answers (for tests and metrics). */
  get size(): number {
    return this.#cache?.size ?? 0;
  }

  cached(key: string): T | undefined {
    const cache = this.#cache;
    if (!cache) return undefined;
    const hit = cache.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.#clock()) {
      cache.delete(key);
      return undefined;
    }
    // Least-recently-used order: a hit moves to the back.
    cache.delete(key);
    cache.set(key, hit);
    return hit.value;
  }

  run(key: string, call: () => Promise<T>, cacheable: (value: T) => boolean = () => true): Promise<T> {
    const hit = this.cached(key);
    if (hit !== undefined) return Promise.resolve(hit);
    const joined = this.#inflight.get(key);
    if (joined) return joined;
    const guarded = this.#breaker ? this.#breaker.guard(call) : call();
    const promise = guarded.then(
      (value) => {
        this.#inflight.delete(key);
        if (this.#cache && cacheable(value)) this.#store(key, value);
        return value;
      },
      (error: unknown) => {
        this.#inflight.delete(key);
        throw error;
      },
    );
    this.#inflight.set(key, promise);
    return promise;
  }

  #store(key: string, value: T): void {
    const cache = this.#cache as Map<string, { value: T; expiresAt: number }>;
    cache.delete(key);
    cache.set(key, { value, expiresAt: this.#clock() + this.#ttlMs });
    while (cache.size > this.#maxEntries) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
  }
}

/**
 * A stable JSON text of a value (object keys sorted), for cache and single-flight keys: the same
 * question always gives the same key, different questions never do.
 */
export function stableKey(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableKey).join(',')}]`;
  // Own keys sorted, written by hand: no intermediate objects (a `__proto__` key stays a plain key).
  const keys = Object.keys(value).sort();
  let out = '{';
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || typeof v === 'function') continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${stableKey(v)}`;
  }
  return `${out}}`;
}
