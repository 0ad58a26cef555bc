/** Properties of the refresh schedule and the backoff, over many lifetimes and random draws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, resolveRetry } from '../../src/client/backoff.ts';
import { TokenManager } from '../../src/client/token-manager.ts';

describe('refresh schedule', () => {
  it('refreshes inside [expiry - buffer - jitter, expiry - buffer], buffer = min(60 s, lifetime / 10)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 86_400 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (lifetime, r) => {
          let now = 1_700_000_000_000;
          let grants = 0;
          const manager = new TokenManager(
            'k',
            { clock: () => now, random: () => r },
            {
              grant: async () => ({
                access_token: `t${++grants}`,
                token_type: 'bearer',
                expires_in: lifetime,
              }),
            },
          );
          await manager.getToken();
          const expiresAt = now + lifetime * 1000;
          const buffer = Math.min(60_000, (lifetime * 1000) / 10);
          const earliest = expiresAt - buffer - Math.min(30_000, buffer);
          const start = now;
          now = Math.max(start, Math.floor(earliest) - 1);
          await manager.getToken();
          expect(grants).toBe(1);
          now = Math.ceil(expiresAt - buffer);
          await manager.getToken();
          await new Promise((resolve) => setImmediate(resolve));
          expect(grants).toBe(2);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('backoff', () => {
  it('stays within [0, min(max, base·2^n)] without Retry-After, and ≥ Retry-After with it', () => {
    const r = resolveRetry({ baseDelayMs: 100, maxDelayMs: 5000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
        (n, rand, retryAfterSeconds) => {
          const d = backoffDelay(n, r, () => rand, retryAfterSeconds);
          if (retryAfterSeconds === undefined) {
            expect(d).toBeGreaterThanOrEqual(0);
            expect(d).toBeLessThanOrEqual(Math.min(5000, 100 * 2 ** n));
          } else {
            expect(d).toBeGreaterThanOrEqual(retryAfterSeconds * 1000);
            expect(d).toBeLessThanOrEqual(retryAfterSeconds * 1000 + 100);
          }
        },
      ),
    );
  });
});
