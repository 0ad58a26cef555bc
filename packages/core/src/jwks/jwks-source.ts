/**
 * One issuer's key source: a TTL cache of its JWKS with single-flight fetching, a token bucket on
 * unknown-`kid` refetches (successful fetches only), a separate jittered backoff for failed fetches,
 * background refresh ahead of expiry, bounded stale-if-error, Cache-Control within bounds, an optional
 * shared store, and KeyObjects/CryptoKeys imported once per key. Lookups on warm keys are synchronous
 * (the verifier's fast path); only cold starts and refetches return promises.
 */
import { InvalidTokenError, UnavailableError } from '../errors.ts';
import type { Clock } from '../types.ts';
import type { CryptoBackend, KeyHandle } from '../verify/crypto/types.ts';
import { usableJwk } from '../verify/key-policy.ts';
import type { AsymmetricAlgorithm } from '../verify/options.ts';
import { discoverJwksUri } from './discovery.ts';
import { FetchFailure, fetchJson } from './fetch-json.ts';
import type { FetchLike, Jwk, JwksCacheEntry, JwksCacheStore, JwksOptions } from './types.ts';

export const JWKS_DEFAULTS = {
  ttlMs: 10 * 60_000,
  minTtlMs: 60_000,
  maxTtlMs: 24 * 60 * 60_000,
  unknownKidRefetchIntervalMs: 5_000,
  unknownKidRefetchBurst: 1,
  failureBackoffMinMs: 500,
  failureBackoffMaxMs: 1_500,
  refreshAhead: 0.8,
  staleIfErrorMs: 60 * 60_000,
  timeoutMs: 5_000,
  maxBytes: 256 * 1024,
  maxKeys: 100,
} as const;

const OPTION_KEYS: ReadonlySet<string> = new Set<keyof JwksOptions>([
  ...(Object.keys(JWKS_DEFAULTS) as (keyof typeof JWKS_DEFAULTS)[]),
  'store',
]);

export type ResolvedJwksOptions = Required<Omit<JwksOptions, 'store'>> & {
  store: JwksCacheStore | undefined;
};

export function resolveJwksOptions(...layers: (JwksOptions | undefined)[]): ResolvedJwksOptions {
  const out: Record<string, unknown> = { ...JWKS_DEFAULTS, store: undefined };
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      // A misspelt name would silently leave the default in place (e.g. a refetch interval of 5 s).
      if (!OPTION_KEYS.has(k)) throw new TypeError(`jwks: unknown option "${k}"`);
      if (v !== undefined) out[k] = v;
    }
  }
  const o = out as ResolvedJwksOptions;
  for (const name of [
    'ttlMs',
    'minTtlMs',
    'maxTtlMs',
    'unknownKidRefetchIntervalMs',
    'failureBackoffMinMs',
    'failureBackoffMaxMs',
    'staleIfErrorMs',
    'timeoutMs',
    'maxBytes',
    'maxKeys',
  ] as const) {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new TypeError(`jwks.${name} must be a non-negative finite number`);
    }
  }
  if (typeof o.refreshAhead !== 'number' || !(o.refreshAhead > 0 && o.refreshAhead <= 1)) {
    throw new TypeError('jwks.refreshAhead must be a number in (0, 1]');
  }
  if (o.minTtlMs > o.maxTtlMs) throw new TypeError('jwks.minTtlMs must not exceed jwks.maxTtlMs');
  if (!Number.isInteger(o.unknownKidRefetchBurst) || o.unknownKidRefetchBurst < 1) {
    throw new TypeError('jwks.unknownKidRefetchBurst must be an integer >= 1');
  }
  if (o.failureBackoffMinMs > o.failureBackoffMaxMs) {
    throw new TypeError('jwks.failureBackoffMinMs must not exceed jwks.failureBackoffMaxMs');
  }
  if (o.store !== undefined && (typeof o.store.get !== 'function' || typeof o.store.set !== 'function')) {
    throw new TypeError('jwks.store must have get() and set() methods');
  }
  return o;
}

interface KeySet {
  byKid: Map<string, Jwk[]>;
  /** `${alg}\0${kid}` → imported key: the warm path is one Map lookup. */
  resolved: Map<string, KeyHandle>;
  all: Jwk[];
  fetchedAt: number;
  expiresAt: number;
  refreshAt: number;
}

const BAD = Symbol('bad key');
type Imported = KeyHandle | Promise<KeyHandle> | typeof BAD;

export interface JwksSourceInit {
  /** Known JWKS URI, or discovered from `issuer` when absent. */
  uri?: string;
  issuer: string;
  options: ResolvedJwksOptions;
  fetch: FetchLike;
  clock: Clock;
  crypto: CryptoBackend;
}

const keyNotFound = () =>
  new InvalidTokenError('ERR_AUTH_KEY_NOT_FOUND', 'No key of the issuer matches the token key id');
const badKey = () =>
  new InvalidTokenError(
    'ERR_AUTH_INVALID_KEY',
    'The issuer key for this token is unusable for its algorithm',
  );

export class JwksSource {
  /** Network fetches of the JWKS document (discovery not counted), for tests and benchmarks. */
  fetches = 0;
  /** Key sets installed so far: a key checked against generation n needs no new lookup until it changes. */
  generation = 0;
  private uri: string | undefined;
  private set: KeySet | undefined;
  private inflight: Promise<void> | undefined;
  private imported = new Map<string, Imported>();
  /** Unknown-kid refetch allowance (a token bucket refilled one token per interval, up to burst). */
  private tokens: number;
  private tokensAt = Number.NEGATIVE_INFINITY;
  private nextAttemptAt = Number.NEGATIVE_INFINITY;
  /** Consecutive failed fetches; 0 means the last fetch succeeded (or none was made). */
  private failures = 0;
  /** Why the last refresh failed: kept as `cause` on every later unavailability, not only the first. */
  private lastFailure: unknown;
  private closed = false;

  constructor(private readonly init: JwksSourceInit) {
    this.uri = init.uri;
    this.tokens = init.options.unknownKidRefetchBurst;
  }

  /** True while usable keys are held. */
  get ready(): boolean {
    const set = this.set;
    return set !== undefined && this.init.clock() < set.expiresAt + this.init.options.staleIfErrorMs;
  }

  /** The JWKS URL: configured, or once discovered (undefined before discovery). */
  get jwksUri(): string | undefined {
    return this.uri;
  }

  /**
   * The key `getKey(kid, alg)` would select now, when it is at hand synchronously; undefined when the
   * set is gone or stale, the key is missing, ambiguous, bad or still importing. A token-cache hit
   * compares it with the key that verified the token: a key replaced under the same kid, or a
   * kid-less token whose only key changed, stops passing after the refresh.
   */
  currentKey(
    kid: string | undefined,
    alg: AsymmetricAlgorithm,
    now = this.init.clock(),
  ): KeyHandle | undefined {
    if (!this.hasKid(kid, now)) return undefined;
    try {
      const key = this.lookup(this.set!, kid, alg);
      return key instanceof Promise ? undefined : key;
    } catch {
      return undefined;
    }
  }

  /** Whether a (verified) token's kid still names a key of the current set: the token cache asks this. */
  hasKid(kid: string | undefined, now = this.init.clock()): boolean {
    const set = this.set;
    if (set === undefined || now >= set.expiresAt + this.init.options.staleIfErrorMs) return false;
    // Token-cache hits never reach getKey: refresh from here too, so a key dropped from the JWKS
    // stops passing after the next refresh even when every request is a cache hit.
    if (now >= set.refreshAt && this.inflight === undefined && now >= this.nextAttemptAt) {
      this.refresh().catch(() => {});
    }
    return kid === undefined ? set.all.length > 0 : set.byKid.has(kid);
  }

  /** The key for (kid, alg): synchronous when warm (on Node), a promise when it must fetch or import. */
  getKey(kid: string | undefined, alg: AsymmetricAlgorithm): KeyHandle | Promise<KeyHandle> {
    const now = this.init.clock();
    const set = this.set;
    if (set !== undefined && now < set.expiresAt + this.init.options.staleIfErrorMs) {
      if (now >= set.refreshAt && this.inflight === undefined && now >= this.nextAttemptAt) {
        // Ahead of expiry (or past it, serving stale): refresh without making this request wait.
        this.refresh().catch(() => {});
      }
      const found = this.lookup(set, kid, alg);
      if (found !== undefined) return found;
      if (kid === undefined) throw keyNotFound();
      return this.refetchForKid(now, kid, alg);
    }
    if (this.inflight !== undefined) return this.inflight.then(() => this.lookupAfterRefresh(kid, alg));
    if (now < this.nextAttemptAt) throw this.unavailable(now);
    return this.refresh().then(() => this.lookupAfterRefresh(kid, alg));
  }

  /**
   * An unknown kid in a usable set. 401 only when a successful fetch shows the key is not published:
   * the one just made or joined, or (bucket empty) one made less than an interval ago. While fetches
   * fail, the answer is 503: the key may well exist, the client must not drop its token.
   */
  private refetchForKid(now: number, kid: string, alg: AsymmetricAlgorithm): Promise<KeyHandle> {
    const after = () => this.lookupAfterKidRefetch(kid, alg);
    if (this.inflight !== undefined) return this.inflight.then(after, after);
    if (this.failures > 0) {
      // Failed fetches follow their own backoff and never spend the bucket.
      if (now < this.nextAttemptAt) throw this.unavailable(now);
    } else if (!this.takeToken(now)) {
      throw keyNotFound();
    }
    const charged = this.failures === 0;
    const settle = () => {
      // Only successful fetches count against the unknown-kid limit: refund a failure; a recovery
      // after failures spends a token when one is left, so it is not followed by a second fetch.
      if (charged && this.failures > 0) {
        this.tokens = Math.min(this.init.options.unknownKidRefetchBurst, this.tokens + 1);
      } else if (!charged && this.failures === 0) {
        this.takeToken(this.init.clock());
      }
    };
    return this.refresh().finally(settle).then(after, after);
  }

  /** Refills the bucket to `now` and takes one token when there is one. */
  private takeToken(now: number): boolean {
    const { unknownKidRefetchIntervalMs: interval, unknownKidRefetchBurst: burst } = this.init.options;
    if (interval === 0) return true;
    if (this.tokens < burst) {
      this.tokens = Math.min(burst, this.tokens + Math.max(0, now - this.tokensAt) / interval);
    }
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private lookupAfterKidRefetch(kid: string, alg: AsymmetricAlgorithm): KeyHandle | Promise<KeyHandle> {
    const now = this.init.clock();
    const set = this.set;
    if (set === undefined || now >= set.expiresAt + this.init.options.staleIfErrorMs)
      throw this.unavailable(now);
    const found = this.lookup(set, kid, alg);
    if (found !== undefined) return found;
    // The fetch failed: the stale set cannot tell whether the key exists.
    if (this.failures > 0) throw this.unavailable(now);
    throw keyNotFound();
  }

  /** Fetches keys now (single-flight). Rejects with UnavailableError when no usable keys remain. */
  refresh(): Promise<void> {
    if (this.inflight) return this.inflight;
    const p = this.doRefresh().finally(() => {
      if (this.inflight === p) this.inflight = undefined;
    });
    this.inflight = p;
    return p;
  }

  async hydrate(): Promise<void> {
    if (this.ready && this.init.clock() < this.set!.expiresAt) return;
    await this.refresh();
  }

  close(): void {
    this.closed = true;
    this.set = undefined;
    this.imported.clear();
  }

  private async doRefresh(): Promise<void> {
    const { options, clock } = this.init;
    try {
      if (this.set === undefined && options.store) {
        const entry = await safeStoreGet(options.store, this.init.uri ?? this.init.issuer);
        if (entry && clock() < entry.expiresAtMs && Array.isArray(entry.keys)) {
          this.install(entry.keys.slice(0, options.maxKeys), entry.fetchedAtMs, entry.expiresAtMs);
          return;
        }
      }
      const limits = { timeout: options.timeoutMs, maxBytes: options.maxBytes };
      if (this.uri === undefined) this.uri = await discoverJwksUri(this.init.fetch, this.init.issuer, limits);
      this.fetches++;
      const { value, maxAge } = await fetchJson(this.init.fetch, this.uri, limits);
      const keys = parseJwks(value, options.maxKeys);
      const now = clock();
      const ttl =
        maxAge === undefined
          ? options.ttlMs
          : Math.min(options.maxTtlMs, Math.max(options.minTtlMs, maxAge * 1000));
      if (this.closed) return;
      this.install(keys, now, now + ttl);
      this.failures = 0;
      this.lastFailure = undefined;
      this.nextAttemptAt = Number.NEGATIVE_INFINITY;
      if (options.store) {
        const entry: JwksCacheEntry = { keys, fetchedAtMs: now, expiresAtMs: now + ttl };
        try {
          await options.store.set(this.init.uri ?? this.init.issuer, entry);
        } catch {
          // A shared store is an optimisation; the fetched keys are already in use.
        }
      }
    } catch (cause) {
      const now = clock();
      this.failures++;
      this.lastFailure = cause;
      this.nextAttemptAt = now + backoffDelay(this.failures, options);
      if (!this.ready) throw this.unavailable(now, cause);
    }
  }

  private install(keys: readonly Jwk[], fetchedAt: number, expiresAt: number): void {
    const byKid = new Map<string, Jwk[]>();
    const all: Jwk[] = [];
    for (const jwk of keys) {
      if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) continue;
      if (jwk.kid !== undefined && typeof jwk.kid !== 'string') continue;
      all.push(jwk);
      if (typeof jwk.kid === 'string') {
        const list = byKid.get(jwk.kid);
        if (list) list.push(jwk);
        else byKid.set(jwk.kid, [jwk]);
      }
    }
    // Keep imported keys whose material is unchanged; drop the rest (removed keys stop verifying).
    const live = new Set(all.map(fingerprint));
    for (const k of this.imported.keys())
      if (!live.has(k.slice(k.indexOf('\0') + 1))) this.imported.delete(k);
    const ttl = expiresAt - fetchedAt;
    this.generation++;
    this.set = {
      byKid,
      resolved: new Map(),
      all,
      fetchedAt,
      expiresAt,
      refreshAt: fetchedAt + ttl * this.init.options.refreshAhead,
    };
  }

  private lookupAfterRefresh(
    kid: string | undefined,
    alg: AsymmetricAlgorithm,
  ): KeyHandle | Promise<KeyHandle> {
    const now = this.init.clock();
    const set = this.set;
    if (set === undefined || now >= set.expiresAt + this.init.options.staleIfErrorMs)
      throw this.unavailable(now);
    const found = this.lookup(set, kid, alg);
    if (found === undefined) throw keyNotFound();
    return found;
  }

  /** undefined: no key with that kid; throws for a key that exists but cannot serve this alg. */
  private lookup(
    set: KeySet,
    kid: string | undefined,
    alg: AsymmetricAlgorithm,
  ): KeyHandle | Promise<KeyHandle> | undefined {
    if (kid !== undefined) {
      const hit = set.resolved.get(`${alg}\0${kid}`);
      if (hit !== undefined) return hit;
    }
    let candidates: Jwk[] | undefined;
    if (kid === undefined) {
      // No kid: only unambiguous when exactly one key of the set fits the alg.
      const fitting = set.all.filter((j) => usableJwk(j, alg) !== undefined);
      if (fitting.length !== 1) return undefined;
      candidates = fitting;
    } else {
      candidates = set.byKid.get(kid);
      if (candidates === undefined) return undefined;
    }
    for (const jwk of candidates) {
      const id = `${alg}\0${fingerprint(jwk)}`;
      const cached = this.imported.get(id);
      if (cached === BAD) continue;
      if (cached !== undefined) {
        if (!(cached instanceof Promise) && kid !== undefined) set.resolved.set(`${alg}\0${kid}`, cached);
        return cached;
      }
      const pub = usableJwk(jwk, alg);
      if (pub === undefined) continue;
      const imported = this.importKey(id, pub, alg);
      if (!(imported instanceof Promise) && kid !== undefined) set.resolved.set(`${alg}\0${kid}`, imported);
      return imported;
    }
    throw badKey();
  }

  private importKey(
    id: string,
    pub: Parameters<CryptoBackend['importPublicKey']>[0],
    alg: AsymmetricAlgorithm,
  ) {
    let result: KeyHandle | Promise<KeyHandle>;
    try {
      result = this.init.crypto.importPublicKey(pub, alg);
    } catch {
      this.imported.set(id, BAD);
      throw badKey();
    }
    if (result instanceof Promise) {
      const p = result.then(
        (handle) => {
          if (this.imported.get(id) === p) this.imported.set(id, handle);
          return handle;
        },
        () => {
          this.imported.set(id, BAD);
          throw badKey();
        },
      );
      this.imported.set(id, p);
      return p;
    }
    this.imported.set(id, result);
    return result;
  }

  private unavailable(now: number, cause: unknown = this.lastFailure): UnavailableError {
    const retryAfterSeconds = Math.max(1, Math.ceil((this.nextAttemptAt - now) / 1000));
    return new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'Signing keys are unavailable', {
      retryAfterSeconds: Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 1,
      cause,
    });
  }
}

/** min · 2^(n-1) capped at max, then jittered into [½, 1] of that so sources do not retry in step. */
function backoffDelay(failures: number, options: ResolvedJwksOptions): number {
  const { failureBackoffMinMs: min, failureBackoffMaxMs: max } = options;
  const delay = Math.min(max, min * 2 ** Math.min(failures - 1, 30));
  return delay * (0.5 + Math.random() / 2);
}

function fingerprint(jwk: Jwk): string {
  return JSON.stringify([
    jwk.kid,
    jwk.kty,
    jwk.crv,
    jwk.n,
    jwk.e,
    jwk.x,
    jwk.y,
    jwk.alg,
    jwk.use,
    jwk.key_ops,
  ]);
}

function parseJwks(value: unknown, maxKeys: number): Jwk[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FetchFailure('JWKS is not an object');
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new FetchFailure('JWKS has no keys array');
  if (keys.length > maxKeys) throw new FetchFailure('JWKS has too many keys');
  return keys.filter((k): k is Jwk => typeof k === 'object' && k !== null && !Array.isArray(k));
}

async function safeStoreGet(store: JwksCacheStore, key: string): Promise<JwksCacheEntry | undefined> {
  try {
    return (await store.get(key)) ?? undefined;
  } catch {
    return undefined;
  }
}
