/**
 * One issuer's key source: its JWKS held in a RefreshingValue (single-flight fetching, background
 * refresh ahead of expiry, a jittered backoff for failed fetches, bounded stale-if-error), plus what is
 * JWKS-specific: a token bucket on unknown-`kid` refetches (successful fetches only), Cache-Control
 * within bounds, an optional shared store, and KeyObjects/CryptoKeys imported once per key. Lookups on
 * warm keys are synchronous (the verifier's fast path); only cold starts and refetches return promises.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { InvalidTokenError, UnavailableError } from '../errors.ts';
import { halfJitterBackoff } from '../refresh/failure-backoff.ts';
import { afterFraction } from '../refresh/refresh-ahead.ts';
import { type LoadedValue, type RefreshingEntry, RefreshingValue } from '../refresh/refreshing-value.ts';
import type { Clock } from '../types.ts';
import type { CryptoBackend, KeyHandle } from '../verify/crypto/types.ts';
import { usableJwk } from '../verify/key-policy.ts';
import type { AsymmetricAlgorithm } from '../verify/options.ts';
import { discoverJwksUri } from './discovery.ts';
import { FetchFailure, fetchJson } from './fetch-json.ts';
import type { FetchLike, Jwk, JwksCacheEntry, JwksCacheStore, JwksOptions } from './types.ts';
import type { EventHub } from '../observe/event-hub.ts';
import { observeKeyLoad } from './key-events.ts';
import { safeUrl } from './safe-url.ts';

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
      if (!OPTION_KEYS.has(k)) throw new ConfigurationError(`jwks: unknown option "${k}"`);
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
      throw new ConfigurationError(`jwks.${name} must be a non-negative finite number`);
    }
  }
  if (typeof o.refreshAhead !== 'number' || !(o.refreshAhead > 0 && o.refreshAhead <= 1)) {
    throw new ConfigurationError('jwks.refreshAhead must be a number in (0, 1]');
  }
  if (o.minTtlMs > o.maxTtlMs) throw new ConfigurationError('jwks.minTtlMs must not exceed jwks.maxTtlMs');
  if (!Number.isInteger(o.unknownKidRefetchBurst) || o.unknownKidRefetchBurst < 1) {
    throw new ConfigurationError('jwks.unknownKidRefetchBurst must be an integer >= 1');
  }
  if (o.failureBackoffMinMs > o.failureBackoffMaxMs) {
    throw new ConfigurationError('jwks.failureBackoffMinMs must not exceed jwks.failureBackoffMaxMs');
  }
  if (o.store !== undefined && (typeof o.store.get !== 'function' || typeof o.store.set !== 'function')) {
    throw new ConfigurationError('jwks.store must have get() and set() methods');
  }
  return o;
}

interface KeySet {
  byKid: Map<string, Jwk[]>;
  /** `${alg}\0${kid}` → imported key: the warm path is one Map lookup. */
  resolved: Map<string, KeyHandle>;
  all: Jwk[];
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
  /** Where refreshes, rotations and failures are reported (only while someone listens). */
  events?: EventHub;
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
  private uri: string | undefined;
  /** The key set with its schedule, single flight, failure backoff and stale window. */
  private readonly keys: RefreshingValue<KeySet>;
  private imported = new Map<string, Imported>();
  /** Unknown-kid refetch allowance (a token bucket refilled one token per interval, up to burst). */
  private tokens: number;
  private tokensAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly init: JwksSourceInit) {
    this.uri = init.uri;
    this.tokens = init.options.unknownKidRefetchBurst;
    const { options, clock } = init;
    this.keys = new RefreshingValue<KeySet>({
      load: (current) =>
        init.events?.active === true
          ? observeKeyLoad(init.events, this, current?.value.all, () => this.load(current))
          : this.load(current),
      clock,
      refreshAt: afterFraction(options.refreshAhead),
      staleMs: options.staleIfErrorMs,
      backoffMs: halfJitterBackoff(options.failureBackoffMinMs, options.failureBackoffMaxMs, Math.random),
    });
  }

  /** Key sets installed so far: a key checked against generation n needs no new lookup until it changes. */
  get generation(): number {
    return this.keys.version;
  }

  /** True while usable keys are held. */
  get ready(): boolean {
    return this.keys.usable();
  }

  /** The usable key set, or undefined (none yet, or past expiry plus staleIfErrorMs). */
  private usableSet(now: number): KeySet | undefined {
    const entry = this.keys.entry;
    return entry !== undefined && now < entry.expiresAt + this.init.options.staleIfErrorMs
      ? entry.value
      : undefined;
  }

  /** The issuer this source serves keys for. */
  get issuer(): string {
    return this.init.issuer;
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
      const key = this.lookup(this.keys.entry!.value, kid, alg);
      return key instanceof Promise ? undefined : key;
    } catch {
      return undefined;
    }
  }

  /** Whether a (verified) token's kid still names a key of the current set: the token cache asks this. */
  hasKid(kid: string | undefined, now = this.init.clock()): boolean {
    const set = this.usableSet(now);
    if (set === undefined) return false;
    // Token-cache hits never reach getKey: refresh from here too, so a key dropped from the JWKS
    // stops passing after the next refresh even when every request is a cache hit.
    this.keys.refreshIfDue(now);
    return kid === undefined ? set.all.length > 0 : set.byKid.has(kid);
  }

  /** The key for (kid, alg): synchronous when warm (on Node), a promise when it must fetch or import. */
  getKey(kid: string | undefined, alg: AsymmetricAlgorithm): KeyHandle | Promise<KeyHandle> {
    const now = this.init.clock();
    const set = this.usableSet(now);
    if (set !== undefined) {
      // Ahead of expiry (or past it, serving stale): refresh without making this request wait.
      this.keys.refreshIfDue(now);
      const found = this.lookup(set, kid, alg);
      if (found !== undefined) return found;
      if (kid === undefined) throw keyNotFound();
      return this.refetchForKid(now, kid, alg);
    }
    if (!this.keys.loading && now < this.keys.nextAttemptAt) throw this.unavailable(now);
    return this.refresh().then(() => this.lookupAfterRefresh(kid, alg));
  }

  /**
   * An unknown kid in a usable set. 401 only when a successful fetch shows the key is not published:
   * the one just made or joined, or (bucket empty) one made less than an interval ago. While fetches
   * fail, the answer is 503: the key may well exist, the client must not drop its token.
   */
  private refetchForKid(now: number, kid: string, alg: AsymmetricAlgorithm): Promise<KeyHandle> {
    const after = () => this.lookupAfterKidRefetch(kid, alg);
    if (this.keys.loading) return this.refresh().then(after, after);
    if (this.keys.failures > 0) {
      // Failed fetches follow their own backoff and never spend the bucket.
      if (now < this.keys.nextAttemptAt) throw this.unavailable(now);
    } else if (!this.takeToken(now)) {
      throw keyNotFound();
    }
    const charged = this.keys.failures === 0;
    const settle = () => {
      // Only successful fetches count against the unknown-kid limit: refund a failure; a recovery
      // after failures spends a token when one is left, so it is not followed by a second fetch.
      if (charged && this.keys.failures > 0) {
        this.tokens = Math.min(this.init.options.unknownKidRefetchBurst, this.tokens + 1);
      } else if (!charged && this.keys.failures === 0) {
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
    const set = this.usableSet(now);
    if (set === undefined) throw this.unavailable(now);
    const found = this.lookup(set, kid, alg);
    if (found !== undefined) return found;
    // The fetch failed: the stale set cannot tell whether the key exists.
    if (this.keys.failures > 0) throw this.unavailable(now);
    throw keyNotFound();
  }

  /**
   * Fetches keys now (single-flight). Resolves while usable keys remain (a failure then only starts
   * the backoff); rejects with UnavailableError when none do.
   */
  refresh(): Promise<void> {
    return this.keys.refresh().then(noop, (cause: unknown) => {
      const now = this.init.clock();
      if (!this.keys.usable(now)) throw this.unavailable(now, cause);
    });
  }

  async hydrate(): Promise<void> {
    const entry = this.keys.entry;
    if (entry !== undefined && this.init.clock() < entry.expiresAt) return;
    await this.refresh();
  }

  close(): void {
    this.keys.close();
    this.imported.clear();
  }

  /** The loader behind `keys`: the shared store on a cold start, else the network. */
  private async load(current: RefreshingEntry<KeySet> | undefined): Promise<LoadedValue<KeySet>> {
    const { options, clock } = this.init;
    const storeKey = this.init.uri ?? this.init.issuer;
    if (current === undefined && options.store) {
      const entry = await safeStoreGet(options.store, storeKey);
      if (
        entry &&
        Array.isArray(entry.keys) &&
        Number.isFinite(entry.fetchedAtMs) &&
        Number.isFinite(entry.expiresAtMs) &&
        clock() < entry.expiresAtMs
      ) {
        const keys = entry.keys.slice(0, options.maxKeys);
        return this.toLoaded(keys, entry.fetchedAtMs, entry.expiresAtMs);
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
    const store = options.store;
    return this.toLoaded(keys, now, now + ttl, async () => {
      // A shared store is an optimisation (a failure is ignored); the fetched keys are already in use.
      await store?.set(storeKey, { keys, fetchedAtMs: now, expiresAtMs: now + ttl } satisfies JwksCacheEntry);
    });
  }

  private toLoaded(
    keys: readonly Jwk[],
    fetchedAt: number,
    expiresAt: number,
    persist?: () => Promise<void>,
  ): LoadedValue<KeySet> {
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
    const onInstalled = () => {
      // Keep imported keys whose material is unchanged; drop the rest (removed keys stop verifying).
      const live = new Set(all.map(fingerprint));
      for (const k of this.imported.keys())
        if (!live.has(k.slice(k.indexOf('\0') + 1))) this.imported.delete(k);
      return persist?.();
    };
    return { value: { byKid, resolved: new Map(), all }, obtainedAt: fetchedAt, expiresAt, onInstalled };
  }

  private lookupAfterRefresh(
    kid: string | undefined,
    alg: AsymmetricAlgorithm,
  ): KeyHandle | Promise<KeyHandle> {
    const now = this.init.clock();
    const set = this.usableSet(now);
    if (set === undefined) throw this.unavailable(now);
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

  /** `cause`: why the last refresh failed, kept on every later unavailability, not only the first. */
  private unavailable(now: number, cause: unknown = this.keys.lastError): UnavailableError {
    const retryAfterSeconds = Math.max(1, Math.ceil((this.keys.nextAttemptAt - now) / 1000));
    // Server-side detail (logs, start-up errors): which issuer, and which URL failed how. URLs without
    // userinfo or query, which may hold credentials.
    const failure = cause instanceof FetchFailure ? cause : undefined;
    const jwksUri = safeUrl(this.uri);
    const url = safeUrl(failure?.url);
    return new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'Signing keys are unavailable', {
      retryAfterSeconds: Number.isFinite(retryAfterSeconds) ? retryAfterSeconds : 1,
      cause,
      detail: {
        issuer: this.init.issuer,
        ...(jwksUri === undefined ? {} : { jwksUri }),
        ...(url === undefined ? {} : { url }),
        ...(failure?.status === undefined ? {} : { httpStatus: failure.status }),
      },
    });
  }
}

const noop = () => {};

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
