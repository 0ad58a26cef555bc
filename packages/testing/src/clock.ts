/** A controllable clock: call it for "now" in milliseconds since the epoch. */
export interface TestClock {
  (): number;
  /** moves time forward (or back with a negative value) by `ms` */
  advance(ms: number): number;
  /** jumps to `ms` */
  set(ms: number): number;
  /** "now" in whole seconds (a JWT NumericDate) */
  seconds(): number;
}

const assertFinite = (name: string, value: number) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`createClock: ${name} must be a finite number of milliseconds`);
  }
};

/** A clock starting at `startMs` (default: the real time at creation) that moves only when told. */
export function createClock(startMs: number = Date.now()): TestClock {
  assertFinite('startMs', startMs);
  let now = startMs;
  const clock = (() => now) as TestClock;
  clock.advance = (ms) => {
    assertFinite('advance(ms)', ms);
    now += ms;
    return now;
  };
  clock.set = (ms) => {
    assertFinite('set(ms)', ms);
    now = ms;
    return now;
  };
  clock.seconds = () => Math.floor(now / 1000);
  return clock;
}
