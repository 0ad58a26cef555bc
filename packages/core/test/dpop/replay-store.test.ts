/**
 * The memory replay store in steady state (ids expiring as fast as new ones arrive) and at its bound:
 * never forgets a live id, never refuses when an expired id could make room, stays within maxEntries.
 */
import { describe, expect, it } from 'vitest';
import { memoryReplayStore } from '../../src/dpop/replay-store.ts';

describe('memoryReplayStore', () => {
  it('steady state: many windows of ids go through a small store; live ids are still refused', () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 100, clock: () => now });
    const window = 50; // ms an id lives; one id per ms → at most 50 live ids
    for (let i = 0; i < 20_000; i++) {
      now = i;
      expect(store.checkAndStore(`id-${i}`, now + window)).toBe(true);
      if (i >= 10) expect(store.checkAndStore(`id-${i - 10}`, now + window)).toBe(false);
      expect(store.size).toBeLessThanOrEqual(100);
    }
    // An id stored again after it expired is remembered again (and its old entry does not drop it).
    now = 30_000;
    expect(store.checkAndStore('id-5', now + window)).toBe(true);
    now += window - 1;
    for (let i = 0; i < 40; i++) store.checkAndStore(`late-${i}`, now + window);
    expect(store.checkAndStore('id-5', now + window)).toBe(false);
  });

  it('ids out of expiry order: a full store finds an expired id anywhere, then refuses while all are live', () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 3, clock: () => now });
    expect(store.checkAndStore('long', 1000)).toBe(true);
    expect(store.checkAndStore('short', 10)).toBe(true);
    expect(store.checkAndStore('mid', 500)).toBe(true);
    expect(() => store.checkAndStore('x', 1000)).toThrow(/full/);
    now = 20; // 'short' expired behind the live head 'long'
    expect(store.checkAndStore('x', 1000)).toBe(true);
    expect(() => store.checkAndStore('y', 1000)).toThrow(/full/);
    expect(() => store.checkAndStore('y', 1000)).toThrow(/full/);
    now = 600; // 'mid' expired
    expect(store.checkAndStore('y', 1000)).toBe(true);
    expect(store.checkAndStore('long', 1000)).toBe(false);
    expect(store.checkAndStore('x', 1000)).toBe(false);
    expect(store.size).toBe(3);
  });

  it('a full pass that freed nothing does not hide an id stored later that expires sooner', () => {
    let now = 0;
    const store = memoryReplayStore({ maxEntries: 2, clock: () => now });
    store.checkAndStore('a', 100);
    store.checkAndStore('b', 1000);
    expect(() => store.checkAndStore('c', 1000)).toThrow(/full/);
    now = 150; // 'a' expired: room for 'c', which expires before 'b'
    expect(store.checkAndStore('c', 200)).toBe(true);
    expect(() => store.checkAndStore('d', 1000)).toThrow(/full/);
    now = 250; // 'c' expired
    expect(store.checkAndStore('d', 1000)).toBe(true);
  });
});
