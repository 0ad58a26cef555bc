/**
 * Bounded LRU under the verified-token cache and the issuer registry. Backed by lru-cache: measured
 * (bench/verify.mjs) at ~30× a Map-reinsertion LRU under churn, where V8 Map tombstones make
 * `keys().next()` eviction scan ever longer.
 */
import { LRUCache } from 'lru-cache';

export class Lru<V extends {}> {
  private readonly lru: LRUCache<string, V>;
  /** `onDrop` sees every value that leaves the cache (evicted, replaced, deleted or cleared). */
  constructor(
    readonly max: number,
    onDrop?: (value: V) => void,
  ) {
    this.lru = new LRUCache<string, V>(onDrop ? { max, dispose: (value) => onDrop(value) } : { max });
  }

  get size(): number {
    return this.lru.size;
  }

  get(key: string): V | undefined {
    return this.lru.get(key);
  }

  set(key: string, value: V): void {
    this.lru.set(key, value);
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }
}
