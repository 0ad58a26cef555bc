/**
 * Bounded LRU on a Map (insertion order = recency): a hit re-inserts, an insert past the bound evicts
 * the oldest. Measured against lru-cache for this workload (string keys, tiny values): see bench/verify.mjs.
 */
export class TokenCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    const map = this.map;
    const v = map.get(key);
    if (v !== undefined) {
      map.delete(key);
      map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    const map = this.map;
    map.delete(key);
    map.set(key, value);
    if (map.size > this.max) map.delete(map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }
}
