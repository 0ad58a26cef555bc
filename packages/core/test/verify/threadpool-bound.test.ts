/**
 * Signature checks on libuv's thread pool are bounded: a flood of (forged) tokens must not queue
 * without limit on the pool that fs, dns and zlib share with us. Asserted through the backend's
 * in-flight counter and through the order of events (an fs.stat issued after the flood completes while
 * most of the flood is still pending), never through a timing threshold.
 */
import { stat } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import {
  backend as nodeBackend,
  poolLimits,
  poolStats,
  poolWaiting,
  threadPoolSize,
} from '../../src/verify/crypto/node.ts';
import { withBackend } from '../fixtures/verify-backends.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { b64u, json64, signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.pool.test';
const AUD = 'api://pool';
const rs = await generateKeyPair('RS256', { kid: 'pool' });

describe('thread-pool signature checks are bounded', () => {
  it('caps in-flight pool checks at 2 × UV_THREADPOOL_SIZE and lets fs work through a flood', async () => {
    expect(poolLimits.maxInFlight).toBe(2 * threadPoolSize());
    const clock = createClock(T0);
    const now = clock.seconds();
    const verifier = createVerifier(
      withBackend(
        {
          issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
          fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
          clock,
          cacheSize: 0,
          signatureVerification: 'threadpool',
        },
        nodeBackend,
      ),
    );
    const claims = { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 };
    const valid = signToken(rs, claims);
    await verifier.verify(valid); // warm key: the flood below reaches the signature check synchronously

    const forged = (i: number) =>
      `${json64({ alg: 'RS256', kid: rs.kid, typ: 'JWT' })}.${json64({ ...claims, jti: `f${i}` })}.${b64u(Buffer.alloc(256, i % 251))}`;
    const total = 20_000;
    poolStats.highWater = 0;
    const ranSyncBefore = poolStats.ranSync;
    let settled = 0;
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < total; i++) {
      // A few valid tokens inside the flood still verify, whichever path (pool, wait queue, sync) they take.
      const token = i % 5_000 === 4_999 ? valid : forged(i);
      outcomes.push(
        verifier.verify(token).then(
          () => {
            settled++;
            return 'ok';
          },
          (e: { code?: string }) => {
            settled++;
            return String(e.code);
          },
        ),
      );
    }
    expect(poolStats.inFlight).toBeLessThanOrEqual(poolLimits.maxInFlight);
    expect(poolWaiting()).toBeLessThanOrEqual(poolLimits.maxWaiting);

    const pendingWhenStatDone = await new Promise<number>((resolve, reject) => {
      stat(fileURLToPath(import.meta.url), (err) => (err ? reject(err) : resolve(total - settled)));
    });
    const results = await Promise.all(outcomes);

    // Unbounded, the stat queued behind all 20,000 checks and at most pool-size - 1 were still pending.
    expect(pendingWhenStatDone).toBeGreaterThan(poolLimits.maxInFlight);
    expect(poolStats.highWater).toBe(poolLimits.maxInFlight);
    expect(poolStats.ranSync - ranSyncBefore).toBeGreaterThan(0);
    expect(poolStats.inFlight).toBe(0);
    expect(poolWaiting()).toBe(0);
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    expect(results.filter((r) => r === 'ERR_AUTH_INVALID_SIGNATURE')).toHaveLength(total - 4);
  }, 60_000);

  it('reads the pool size like libuv (default 4, clamped)', () => {
    expect(threadPoolSize(undefined)).toBe(4);
    expect(threadPoolSize('')).toBe(4);
    expect(threadPoolSize('abc')).toBe(4);
    expect(threadPoolSize('0')).toBe(4);
    expect(threadPoolSize('16')).toBe(16);
    expect(threadPoolSize('5000')).toBe(1024);
  });
});
