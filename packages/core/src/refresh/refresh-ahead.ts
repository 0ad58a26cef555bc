/**
 * When to start refreshing a value of a given lifetime: the two schedules the library uses. Both
 * return an epoch-ms instant for `RefreshingValue`'s `refreshAt` option.
 */

/** (obtainedAt, expiresAt) → when a refresh should start, in epoch ms. */
export type RefreshSchedule = (obtainedAt: number, expiresAt: number) => number;

/**
 * Refresh once `fraction` of the lifetime has passed (JWKS: 0.8 of the TTL). No jitter: key sets are
 * per process and their fetches are bounded by their own limits.
 *
 * @example
 * afterFraction(0.8)(0, 10_000); // 8_000
 */
export function afterFraction(fraction: number): RefreshSchedule {
  return (obtainedAt, expiresAt) => obtainedAt + (expiresAt - obtainedAt) * fraction;
}

export interface BeforeExpiryOptions {
  /** Refresh this long before expiry, capped at a tenth of the lifetime. */
  bufferMs: number;
  /** Up to this much earlier again, at random, capped at the buffer: a fleet does not refresh in step. */
  jitterMs: number;
  random: () => number;
}

/**
 * Refresh `bufferMs` before expiry (at most a tenth of the lifetime), minus a random jitter of up to
 * `jitterMs` (at most the buffer). Access tokens: many replicas hold tokens of one client.
 *
 * @example
 * beforeExpiry({ bufferMs: 60_000, jitterMs: 30_000, random: () => 0 })(0, 3_600_000); // 3_540_000
 */
export function beforeExpiry({ bufferMs, jitterMs, random }: BeforeExpiryOptions): RefreshSchedule {
  return (obtainedAt, expiresAt) => {
    const lifetime = Math.max(0, expiresAt - obtainedAt);
    const buffer = Math.min(bufferMs, lifetime / 10);
    const jitter = random() * Math.min(jitterMs, buffer);
    return expiresAt - buffer - jitter;
  };
}
