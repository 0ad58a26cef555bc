/**
 * The refreshing-value primitive under the JWKS source and the token manager, on an injected clock:
 * single flight, refresh ahead, backoff after failures, the stale window and its end, close(), and
 * loaders that misbehave (a synchronous throw, a thrown non-Error, garbage results).
 */
import { createClock, type TestClock } from '@auth/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { halfJitterBackoff } from '../../src/refresh/failure-backoff.ts';
import { afterFraction, beforeExpiry } from '../../src/refresh/refresh-ahead.ts';
import {
  type LoadedValue,
  type RefreshingEntry,
  RefreshingValue,
  type RefreshingValueOptions,
} from '../../src/refresh/refreshing-value.ts';
import { RefreshingValueError } from '../../src/refresh/refreshing-value-error.ts';

const T0 = 1_700_000_000_000;
let clock: TestClock;
beforeEach(() => {
  clock = createClock(T0);
});

/** Lets every pending promise callback run (loads here settle in microtasks). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A loader whose answers the test scripts: `n`, or an Error to throw. */
function scripted(lifetimeMs = 10_000) {
  const answers: (number | Error)[] = [];
  let calls = 0;
  const load = vi.fn(async (): Promise<LoadedValue<number>> => {
    calls++;
    const next = answers.shift() ?? calls;
    if (next instanceof Error) throw next;
    return { value: next, expiresAt: clock() + lifetimeMs };
  });
  return { load, answers };
}

function holder<T>(options: Partial<RefreshingValueOptions<T>> & Pick<RefreshingValueOptions<T>, 'load'>) {
  return new RefreshingValue<T>({ clock, ...options });
}

const valueIn = async <T>(r: RefreshingEntry<T> | Promise<RefreshingEntry<T>>) => (await r).value;

describe('single flight', () => {
  it('concurrent reads share one load and see one value', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = vi.fn(async () => {
      await gate;
      return { value: 'v1', expiresAt: clock() + 1_000 };
    });
    const v = holder({ load });
    const reads = Array.from({ length: 50 }, () => v.get());
    const refreshes = [v.refresh(), v.refresh()];
    expect(v.loading).toBe(true);
    release();
    const entries = await Promise.all([...reads, ...refreshes]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(entries.map((e) => e.value))).toEqual(new Set(['v1']));
    expect(v.loading).toBe(false);
    expect(v.version).toBe(1);
  });
});

describe('refresh ahead', () => {
  it('before refreshAt a read loads nothing; after it, a read returns the held value and refreshes in the background', async () => {
    const { load } = scripted(10_000);
    const v = holder({ load, refreshAt: afterFraction(0.8) });
    expect(await valueIn(v.get())).toBe(1);
    clock.advance(7_999);
    expect((v.get() as RefreshingEntry<number>).value).toBe(1);
    expect(load).toHaveBeenCalledTimes(1);
    clock.advance(1);
    // Synchronous: the caller does not wait for the refresh.
    const during = v.get();
    expect(during).not.toBeInstanceOf(Promise);
    expect((during as RefreshingEntry<number>).value).toBe(1);
    expect(v.loading).toBe(true);
    // Another read during the background refresh starts no second load.
    v.get();
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    expect((v.get() as RefreshingEntry<number>).value).toBe(2);
    expect(v.entry?.refreshAt).toBe(clock() + 8_000);
  });

  it('the jittered schedule refreshes inside [expiry - buffer - jitter, expiry - buffer]', () => {
    const schedule = (r: number) => beforeExpiry({ bufferMs: 60_000, jitterMs: 30_000, random: () => r });
    expect(schedule(0)(0, 3_600_000)).toBe(3_540_000);
    expect(schedule(0.5)(0, 3_600_000)).toBe(3_525_000);
    // Buffer capped at a tenth of the lifetime, jitter at the buffer.
    expect(schedule(0.999)(0, 100_000)).toBeCloseTo(100_000 - 10_000 - 9_990, 6);
  });
});

describe('backoff after failures', () => {
  it('no load before nextAttemptAt: reads without a value get the last error; the wait grows per failure; a success resets it', async () => {
    const { load, answers } = scripted();
    const boom = new Error('endpoint down');
    answers.push(boom, boom, boom);
    const backoffMs = vi.fn(halfJitterBackoff(500, 1_500, () => 1));
    const v = holder({ load, backoffMs });

    await expect(v.get()).rejects.toBe(boom);
    expect(v.failures).toBe(1);
    expect(v.nextAttemptAt).toBe(clock() + 500);
    // While backing off: the last error, thrown at once, and no load.
    expect(() => v.get()).toThrow(boom);
    expect(load).toHaveBeenCalledTimes(1);

    clock.advance(500);
    await expect(v.get()).rejects.toBe(boom);
    expect(v.nextAttemptAt).toBe(clock() + 1_000);
    clock.advance(1_000);
    await expect(v.get()).rejects.toBe(boom);
    expect(v.nextAttemptAt).toBe(clock() + 1_500);
    expect(backoffMs.mock.calls.map(([n]) => n)).toEqual([1, 2, 3]);

    clock.advance(1_500);
    expect(await valueIn(v.get())).toBe(4);
    expect(v.failures).toBe(0);
    expect(v.lastError).toBeUndefined();
    expect(v.nextAttemptAt).toBe(Number.NEGATIVE_INFINITY);
  });

  it('a due background refresh waits out the backoff too', async () => {
    const { load, answers } = scripted(10_000);
    const v = holder({ load, refreshAt: afterFraction(0.5), backoffMs: () => 2_000 });
    await v.get();
    answers.push(new Error('down'));
    clock.advance(5_000);
    v.get();
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    clock.advance(1_999);
    v.get();
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    clock.advance(1);
    v.get();
    await settle();
    expect(load).toHaveBeenCalledTimes(3);
  });
});

describe('the stale window', () => {
  it('serves the held value past its expiry while loads fail, then stops at expiry + staleMs', async () => {
    const { load, answers } = scripted(10_000);
    const v = holder({ load, staleMs: 5_000, backoffMs: () => 1_000 });
    expect(await valueIn(v.get())).toBe(1);
    const down = new Error('down');
    answers.push(down, down, down, down, down, down, down, down);

    clock.advance(10_000); // expired, inside the stale window: served, a refresh fails behind it
    expect((v.get() as RefreshingEntry<number>).value).toBe(1);
    await settle();
    expect(v.failures).toBe(1);
    expect(v.usable()).toBe(true);
    clock.advance(4_999);
    expect((v.get() as RefreshingEntry<number>).value).toBe(1);
    await settle();

    clock.advance(1); // expiry + staleMs: no longer served
    expect(v.usable()).toBe(false);
    await expect(Promise.resolve().then(() => v.get())).rejects.toBe(down);
    expect(v.entry?.value).toBe(1); // still held (for inspection), not served
  });

  it('without a stale window the value ends at its expiry', async () => {
    const { load } = scripted(1_000);
    const v = holder({ load });
    await v.get();
    clock.advance(999);
    expect(v.usable()).toBe(true);
    clock.advance(1);
    expect(v.usable()).toBe(false);
    expect(await valueIn(v.get())).toBe(2);
  });
});

describe('close()', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('drops a running load, rejects later loads with ERR_REFRESH_CLOSED, and leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate'] });
    let release!: () => void;
    const load = vi.fn(
      () =>
        new Promise<LoadedValue<string>>((resolve) => {
          release = () => resolve({ value: 'late', expiresAt: clock() + 1_000 });
        }),
    );
    const v = holder({ load, refreshAt: afterFraction(0.5), staleMs: 1_000, backoffMs: () => 5_000 });
    const pending = v.get();
    expect(vi.getTimerCount()).toBe(0);
    v.close();
    release();
    await expect(pending).rejects.toMatchObject({ name: 'RefreshingValueError', code: 'ERR_REFRESH_CLOSED' });
    expect(v.entry).toBeUndefined();
    expect(v.version).toBe(0);
    await expect(v.refresh()).rejects.toBeInstanceOf(RefreshingValueError);
    await expect(v.get()).rejects.toMatchObject({ code: 'ERR_REFRESH_CLOSED' });
    expect(load).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('misbehaving loaders: typed errors, never an unhandled rejection', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('a loader that throws synchronously rejects the load (no synchronous throw) and counts as a failure', async () => {
    const error = new TypeError('sync failure');
    const v = holder<number>({
      load: () => {
        throw error;
      },
    });
    let returned: unknown;
    expect(() => {
      returned = v.refresh();
    }).not.toThrow();
    await expect(returned).rejects.toBe(error);
    expect(v.failures).toBe(1);
  });

  it.each([
    ['a string', 'token abc.def.ghi'],
    ['undefined', undefined],
    ['an object', { access_token: 'secret' }],
  ])(
    'a loader that throws %s rejects with ERR_REFRESH_LOAD_FAILED, without the thrown value',
    async (_, thrown) => {
      const v = holder<number>({
        load: async () => {
          throw thrown;
        },
      });
      const error = await v.refresh().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RefreshingValueError);
      expect(error).toMatchObject({ code: 'ERR_REFRESH_LOAD_FAILED' });
      expect((error as Error).cause).toBeUndefined();
      expect(String((error as Error).message)).not.toContain('secret');
    },
  );

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['no value', { expiresAt: T0 + 1_000 }],
    ['no expiry', { value: 1 }],
    ['a NaN expiry', { value: 1, expiresAt: Number.NaN }],
    ['a string expiry', { value: 1, expiresAt: '2030-01-01' }],
    ['an infinite obtainedAt', { value: 1, expiresAt: T0 + 1_000, obtainedAt: Number.POSITIVE_INFINITY }],
    ['a non-function onInstalled', { value: 1, expiresAt: T0 + 1_000, onInstalled: 'x' }],
  ])(
    'a loader that returns %s rejects with ERR_REFRESH_INVALID_RESULT and installs nothing',
    async (_, garbage) => {
      const v = holder<number>({ load: async () => garbage as unknown as LoadedValue<number> });
      await expect(v.refresh()).rejects.toMatchObject({
        name: 'RefreshingValueError',
        code: 'ERR_REFRESH_INVALID_RESULT',
      });
      expect(v.entry).toBeUndefined();
      expect(v.failures).toBe(1);
      expect(() => v.set(garbage as unknown as LoadedValue<number>)).toThrow(RefreshingValueError);
    },
  );

  it('failing background refreshes and a failing onInstalled leave no unhandled rejection', async () => {
    let n = 0;
    const v = holder<number>({
      load: async () => {
        n++;
        if (n === 1) {
          return {
            value: 1,
            expiresAt: clock() + 1_000,
            onInstalled: () => Promise.reject(new Error('persist failed')),
          };
        }
        if (n === 2) throw 'not an error';
        throw new Error('down');
      },
      refreshAt: afterFraction(0.5),
      staleMs: 10_000,
    });
    expect(await valueIn(v.get())).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(600);
      v.get();
      await settle();
    }
    expect(n).toBe(6);
    expect(v.lastError).toBeInstanceOf(Error);
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe('set() and clear()', () => {
  it('set installs a value obtained elsewhere with its schedule; clear forgets value and failures', async () => {
    const v = holder<string>({
      load: async () => {
        throw new Error('down');
      },
      refreshAt: afterFraction(0.5),
      backoffMs: () => 60_000,
    });
    await expect(v.refresh()).rejects.toThrow('down');
    const entry = v.set({ value: 'seed', obtainedAt: T0, expiresAt: T0 + 4_000 });
    expect(entry).toEqual({ value: 'seed', obtainedAt: T0, expiresAt: T0 + 4_000, refreshAt: T0 + 2_000 });
    expect(v.get()).toBe(entry);
    expect(v.failures).toBe(1);
    v.clear();
    expect(v.entry).toBeUndefined();
    expect(v.failures).toBe(0);
    expect(v.lastError).toBeUndefined();
  });

  it('option misuse is a TypeError at construction', () => {
    expect(() => new RefreshingValue({} as RefreshingValueOptions<number>)).toThrow(TypeError);
    expect(
      () => new RefreshingValue({ load: async () => ({ value: 1, expiresAt: 1 }), staleMs: -1 }),
    ).toThrow(TypeError);
  });
});
