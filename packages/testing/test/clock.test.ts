import { describe, expect, it } from 'vitest';
import { createClock } from '../src/index.ts';

describe('createClock', () => {
  it('stands still until advanced or set', () => {
    const clock = createClock(1_000_000);
    expect(clock()).toBe(1_000_000);
    expect(clock()).toBe(1_000_000);
    expect(clock.advance(1_500)).toBe(1_001_500);
    expect(clock()).toBe(1_001_500);
    expect(clock.seconds()).toBe(1_001);
    clock.advance(-500);
    expect(clock()).toBe(1_001_000);
    clock.set(42);
    expect(clock()).toBe(42);
  });

  it('starts at the real time by default', () => {
    const before = Date.now();
    const clock = createClock();
    expect(clock()).toBeGreaterThanOrEqual(before);
    expect(clock()).toBeLessThanOrEqual(Date.now());
  });

  it('rejects non-finite numbers', () => {
    expect(() => createClock(Number.NaN)).toThrow(TypeError);
    const clock = createClock(0);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(/advance/);
    expect(() => clock.set('1' as never)).toThrow(/set/);
  });
});
