/**
 * Where seen DPoP proof ids are remembered until their proof could no longer be accepted anyway. One
 * small interface, so a shared store (Redis: `SET key 1 NX PX ttl`) can replace the in-memory one in
 * a fleet.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Clock } from '../types.ts';

/**
 * Remembers proof ids. `checkAndStore` answers `true` the first time an id is seen before
 * `expiresAtMs` (and remembers it until then), `false` for a replay. Throwing or rejecting fails the
 * request closed (503).
 *
 * @example
 * const store: ReplayStore = { checkAndStore: async (id, at) => (await redis.set(id, '1', { NX: true, PXAT: at })) === 'OK' };
 */
export interface ReplayStore {
  checkAndStore(id: string, expiresAtMs: number): boolean | Promise<boolean>;
}

/**
 * Options of `memoryReplayStore`.
 *
 * @example
 * const options: MemoryReplayStoreOptions = { maxEntries: 50_000 };
 */
export interface MemoryReplayStoreOptions {
  /** Ids remembered at most (default 100 000). When full of unexpired ids, new proofs are refused (503). */
  maxEntries?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: Clock;
}

/**
 * The in-memory store with its size, for tests and monitoring.
 *
 * @example
 * const store: MemoryReplayStore = memoryReplayStore();
 * metrics.gauge('dpop.replay_ids', store.size);
 */
export interface MemoryReplayStore extends ReplayStore {
  readonly size: number;
}

/**
 * A bounded in-memory `ReplayStore` for one process. Expired ids are dropped as new ones arrive. When
 * every slot holds an unexpired id the store refuses new ones (throws, so the request is a 503): forgetting
 * an id early would let its proof be replayed.
 *
 * @example
 * const auth = createAuthenticator({ issuers, dpop: { replayStore: memoryReplayStore({ maxEntries: 10_000 }) } });
 */
export function memoryReplayStore(options: MemoryReplayStoreOptions = {}): MemoryReplayStore {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError('memoryReplayStore(): options must be an object');
  const { maxEntries = 100_000, clock = Date.now } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 1)
    throw new ConfigurationError('memoryReplayStore(): maxEntries must be a positive integer');
  if (typeof clock !== 'function')
    throw new ConfigurationError('memoryReplayStore(): clock must be a function');
  // Insertion order is close to expiry order (one acceptance window for every proof), so expired ids
  // are found at the front of the insertion queue. The queue is kept beside the Map rather than
  // iterating the Map itself: V8 keeps deleted Map entries until a rehash and every new iterator steps
  // over them, which made each call cost O(ids expired so far) once the store reached steady state.
  const seen = new Map<string, number>();
  let ids: string[] = [];
  let expiries: number[] = [];
  let head = 0;
  // After a full pass that freed nothing: no id expires before this, so a full store stays full until then.
  let fullUntil = Number.NEGATIVE_INFINITY;
  const requeue = (): void => {
    ids = [...seen.keys()];
    expiries = [...seen.values()];
    head = 0;
  };
  const sweep = (now: number, budget: number): void => {
    while (budget-- > 0 && head < ids.length) {
      const at = expiries[head]!;
      if (at > now) return;
      const id = ids[head]!;
      // Skip queue entries of ids stored again since (their Map value is the newer expiry).
      if (seen.get(id) === at) seen.delete(id);
      head++;
    }
  };
  /** Full: drops every expired id wherever it sits (expiries are not strictly in order), at most once per earliest expiry. */
  const sweepAll = (now: number): void => {
    if (now < fullUntil) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [id, at] of seen) {
      if (at <= now) seen.delete(id);
      else if (at < earliest) earliest = at;
    }
    fullUntil = seen.size >= maxEntries ? earliest : Number.NEGATIVE_INFINITY;
    requeue();
  };
  return {
    get size() {
      return seen.size;
    },
    checkAndStore(id: string, expiresAtMs: number): boolean {
      const now = clock();
      const known = seen.get(id);
      if (known !== undefined && known > now) return false;
      // Amortized O(1): a few expired ids per call; a full pass only when full.
      sweep(now, 4);
      if (seen.size >= maxEntries) {
        sweep(now, ids.length);
        if (seen.size >= maxEntries) sweepAll(now);
        if (seen.size >= maxEntries) throw new Error('DPoP replay store is full');
      }
      if (known !== undefined) seen.delete(id);
      seen.set(id, expiresAtMs);
      fullUntil = Number.NEGATIVE_INFINITY;
      ids.push(id);
      expiries.push(expiresAtMs);
      // Drop the swept front now and then; rebuild when stale entries (ids stored again) pile up.
      if (head > 1024 && head * 2 > ids.length) {
        ids = ids.slice(head);
        expiries = expiries.slice(head);
        head = 0;
      } else if (ids.length - head > 2 * maxEntries) requeue();
      return true;
    },
  };
}
