/** How long a refreshing value waits before trying again after failed loads. */

/**
 * Wait after the n-th consecutive failure (n ≥ 1): `min · 2^(n-1)` capped at `max`, then jittered into
 * [½, 1] of that so sources that failed together do not retry in step.
 *
 * @example
 * halfJitterBackoff(500, 1_500, () => 1)(2); // 1_000
 */
export function halfJitterBackoff(minMs: number, maxMs: number, random: () => number): (n: number) => number {
  return (failures) => {
    const delay = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
    return delay * (0.5 + random() / 2);
  };
}
