/**
 * The WebCrypto backend on Node also runs each `crypto.subtle.verify` on libuv's thread pool: a flood
 * of forged tokens must not queue there without limit either, or fs, dns and zlib wait behind it.
 * Asserted through the number of `subtle.verify` calls in flight and the order of events (an fs.stat
 * issued after the flood completes while most of the flood is still pending), not through timing.
 */
import { stat } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { backend as webBackend, webVerifyLimit } from '../../src/verify/crypto/web.ts';
import { withBackend } from '../fixtures/verify-backends.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { b64u, json64, signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.webpool.test';
const AUD = 'api://webpool';
const rs = await generateKeyPair('RS256', { kid: 'webpool' });

describe('WebCrypto signature checks are bounded on the thread pool', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps subtle.verify calls in flight bounded and lets fs work through a flood', async () => {
    const clock = createClock(T0);
    const now = clock.seconds();
    const verifier = createVerifier(
      withBackend(
        {
          issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
          fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
          clock,
          cacheSize: 0,
        },
        webBackend,
      ),
    );
    const claims = { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 };
    const valid = signToken(rs, claims);
    await verifier.verify(valid); // key imported: the flood reaches the signature check

    const subtle = globalThis.crypto.subtle;
    const original = subtle.verify.bind(subtle);
    let inFlight = 0;
    let highWater = 0;
    vi.spyOn(subtle, 'verify').mockImplementation(((...args: Parameters<SubtleCrypto['verify']>) => {
      inFlight++;
      highWater = Math.max(highWater, inFlight);
      return original(...args).finally(() => inFlight--);
    }) as SubtleCrypto['verify']);

    const forged = (i: number) =>
      `${json64({ alg: 'RS256', kid: rs.kid, typ: 'JWT' })}.${json64({ ...claims, jti: `f${i}` })}.${b64u(Buffer.alloc(256, i % 251))}`;
    const total = 5_000;
    let settled = 0;
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < total; i++) {
      const token = i % 2_500 === 2_499 ? valid : forged(i);
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
    await new Promise((r) => setImmediate(r));
    const pendingWhenStatDone = await new Promise<number>((resolve, reject) => {
      stat(fileURLToPath(import.meta.url), (err) => (err ? reject(err) : resolve(total - settled)));
    });
    const results = await Promise.all(outcomes);

    expect(highWater).toBeLessThanOrEqual(webVerifyLimit.maxInFlight);
    expect(pendingWhenStatDone).toBeGreaterThan(webVerifyLimit.maxInFlight);
    expect(inFlight).toBe(0);
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results.filter((r) => r === 'ERR_AUTH_INVALID_SIGNATURE')).toHaveLength(total - 2);
  }, 60_000);

  it('stays bounded when new checks arrive as others finish (a freed slot goes to the oldest waiter)', async () => {
    const clock = createClock(T0);
    const now = clock.seconds();
    const verifier = createVerifier(
      withBackend(
        {
          issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
          fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
          clock,
          cacheSize: 0,
        },
        webBackend,
      ),
    );
    const valid = signToken(rs, { iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 });
    await verifier.verify(valid);
    const subtle = globalThis.crypto.subtle;
    const original = subtle.verify.bind(subtle);
    let inFlight = 0;
    let highWater = 0;
    vi.spyOn(subtle, 'verify').mockImplementation(((...args: Parameters<SubtleCrypto['verify']>) => {
      inFlight++;
      highWater = Math.max(highWater, inFlight);
      return original(...args).finally(() => inFlight--);
    }) as SubtleCrypto['verify']);
    let started = 0;
    const all: Promise<unknown>[] = [];
    const start = (): void => {
      if (started++ >= 600) return;
      // Each settled check starts another one synchronously, before the woken waiter resumes.
      all.push(verifier.verify(valid).finally(start));
    };
    for (let i = 0; i < 100; i++) start();
    while (all.length < 600) await Promise.all([...all]);
    await Promise.all(all);
    expect(highWater).toBeLessThanOrEqual(webVerifyLimit.maxInFlight);
  }, 60_000);
});
