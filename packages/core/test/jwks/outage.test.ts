/**
 * Keys under change against a real JWKS server (@auth/testing) that the tests stop, restart and rotate:
 * an unknown kid during an outage is a 503 with Retry-After (never a 401 that makes clients drop a valid
 * token), failed fetches back off on their own schedule without spending the unknown-kid allowance,
 * and the token bucket lets a rotated key through within one interval while bounding kid storms.
 */
import {
  createClock,
  generateKeyPair,
  type JwksServer,
  mintToken,
  startJwksServer,
  type TestKeyPair,
} from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthError, UnavailableError } from '../../src/errors.ts';
import { resolveJwksOptions } from '../../src/jwks/jwks-source.ts';
import type { JwksOptions } from '../../src/jwks/types.ts';
import type { Clock } from '../../src/types.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';

const AUD = 'api://outage';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: JwksServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface Outcome {
  status: number;
  code: string;
  retryAfterSeconds?: number | undefined;
  error?: AuthError;
}
const outcome = (p: Promise<unknown>): Promise<Outcome> =>
  p.then(
    () => ({ status: 200, code: 'OK' }),
    (e: AuthError) => ({ status: e.status, code: e.code, retryAfterSeconds: e.retryAfterSeconds, error: e }),
  );

async function setup(opts: { clock?: Clock; jwks?: JwksOptions } = {}) {
  const [oldKey, newKey] = await Promise.all([
    generateKeyPair('ES256', { kid: 'old' }),
    generateKeyPair('ES256', { kid: 'new' }),
  ]);
  server = await startJwksServer({ keys: [oldKey] });
  const clock = opts.clock ?? Date.now;
  const verifier = createVerifier({
    issuers: [{ issuer: server.issuer, audience: AUD, jwksUri: server.jwksUri, jwks: opts.jwks }],
    clock,
    cacheSize: 0,
  });
  const mint = (key: TestKeyPair, header: Record<string, unknown> = {}) =>
    mintToken({ key, header, issuer: server!.issuer, audience: AUD, subject: 'u', now: clock });
  /** Stops the server: connections are refused until `restart`. */
  const stop = async () => {
    await server!.close();
  };
  /** Starts a server at the same URL publishing `keys`. */
  const restart = async (keys: TestKeyPair[]) => {
    server = await startJwksServer({ keys, port: Number(new URL(server!.url).port) });
  };
  await verifier.hydrate();
  return { verifier, oldKey, newKey, mint, stop, restart, srv: () => server! };
}

describe('unknown kid while the JWKS endpoint is down', () => {
  it('is a 503 with Retry-After, never a 401, while a cached kid still verifies (stale-if-error)', async () => {
    const clock = createClock(Date.now());
    const { verifier, oldKey, newKey, mint, stop } = await setup({ clock });
    await stop();
    const rotated = await mint(newKey);
    const known = await mint(oldKey);
    // Across several backoff periods: the first attempt, attempts skipped while backing off, retries.
    for (let i = 0; i < 20; i++) {
      const r = await outcome(verifier.verify(rotated));
      expect(r).toMatchObject({ status: 503, code: 'ERR_AUTH_KEYS_UNAVAILABLE' });
      expect(r.error).toBeInstanceOf(UnavailableError);
      expect(r.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(r.retryAfterSeconds).toBeLessThanOrEqual(2);
      const headers = (r.error as UnavailableError).toResponse().headers;
      expect(headers['retry-after']).toBe(String(r.retryAfterSeconds));
      expect(headers['www-authenticate']).toBeUndefined();
      await expect(verifier.verify(known)).resolves.toMatchObject({ subject: 'u' });
      clock.advance(400);
    }
  });

  it('is still 401 ERR_AUTH_KEY_NOT_FOUND when a successful fetch shows the kid is not published', async () => {
    const { verifier, oldKey, mint, srv } = await setup();
    const r = await outcome(verifier.verify(await mint(oldKey, { kid: 'never-published' })));
    expect(r).toMatchObject({ status: 401, code: 'ERR_AUTH_KEY_NOT_FOUND' });
    expect(srv().counters.jwks).toBe(2);
  });

  it('a failed refetch does not spend the unknown-kid allowance: the key passes once the endpoint returns', async () => {
    const clock = createClock(Date.now());
    const { verifier, oldKey, newKey, mint, stop, restart } = await setup({ clock });
    await stop();
    const rotated = await mint(newKey);
    expect((await outcome(verifier.verify(rotated))).status).toBe(503);
    clock.advance(1_000);
    expect((await outcome(verifier.verify(rotated))).status).toBe(503);
    await restart([oldKey, newKey]);
    // Past the largest backoff (1.5 s), well inside the unknown-kid interval (5 s) of the first attempt.
    clock.advance(1_500);
    await expect(verifier.verify(rotated)).resolves.toMatchObject({ subject: 'u' });
  });

  it('the rotated key passes within 2 s of the endpoint coming back (real time)', async () => {
    const { verifier, oldKey, newKey, mint, stop, restart } = await setup();
    await stop();
    const rotated = await mint(newKey);
    // A 2.5 s outage with steady traffic: the backoff reaches its cap before the return.
    const outageEnd = Date.now() + 2_500;
    while (Date.now() < outageEnd) {
      expect(await outcome(verifier.verify(rotated))).toMatchObject({ status: 503 });
      await sleep(20);
    }
    await restart([oldKey, newKey]);
    const back = Date.now();
    let passedAfter: number | undefined;
    while (Date.now() - back < 5_000) {
      const r = await outcome(verifier.verify(rotated));
      if (r.status === 200) {
        passedAfter = Date.now() - back;
        break;
      }
      expect(r).toMatchObject({ status: 503, code: 'ERR_AUTH_KEYS_UNAVAILABLE' });
      await sleep(20);
    }
    console.info(`rotated key accepted ${passedAfter} ms after the JWKS endpoint came back`);
    expect(passedAfter).toBeLessThan(2_000); // undefined (never accepted) fails too
  });

  it('failed fetches back off 0.5 s, 1 s, … capped at 1.5 s, with jitter', async () => {
    const clock = createClock(Date.now());
    const { verifier, oldKey, newKey, mint, srv } = await setup({ clock });
    srv().fail('error500');
    srv().resetCounters();
    const rotated = await mint(newKey);
    const known = await mint(oldKey);
    const attempts: number[] = [];
    const start = clock();
    // 20 s of one request every 10 ms, each an unknown kid and a known one.
    for (let t = 0; t < 20_000; t += 10) {
      clock.set(start + t);
      const before = srv().counters.jwks;
      expect((await outcome(verifier.verify(rotated))).status).toBe(503);
      await verifier.verify(known);
      if (srv().counters.jwks > before) attempts.push(t);
    }
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(250);
    expect(gaps[0]).toBeLessThanOrEqual(510);
    expect(gaps[1]).toBeGreaterThanOrEqual(500);
    expect(gaps[1]).toBeLessThanOrEqual(1_010);
    for (const gap of gaps.slice(2)) {
      expect(gap).toBeGreaterThanOrEqual(750);
      expect(gap).toBeLessThanOrEqual(1_510);
    }
    // Jitter: the capped gaps are not all equal.
    expect(new Set(gaps.slice(2)).size).toBeGreaterThan(1);
  });
});

describe('unknown-kid refetch limit (token bucket: burst 1, one per 5 s)', () => {
  it('a key published right after another refetch is accepted within 6 s', async () => {
    const clock = createClock(Date.now());
    const { verifier, oldKey, newKey, mint, srv } = await setup({ clock });
    expect((await outcome(verifier.verify(await mint(oldKey, { kid: 'unrelated' })))).status).toBe(401);
    expect(srv().counters.jwks).toBe(2);
    clock.advance(9);
    srv().setKeys([oldKey, newKey]);
    const rotated = await mint(newKey);
    const published = clock();
    let acceptedAfter: number | undefined;
    while (clock() - published <= 10_000) {
      const r = await outcome(verifier.verify(rotated));
      if (r.status === 200) {
        acceptedAfter = clock() - published;
        break;
      }
      // Meanwhile a successful fetch under 5 s old shows the kid is not published: 401, no fetch.
      expect(r).toMatchObject({ status: 401, code: 'ERR_AUTH_KEY_NOT_FOUND' });
      expect(srv().counters.jwks).toBe(2);
      clock.advance(100);
    }
    expect(acceptedAfter).toBeLessThanOrEqual(6_000); // undefined (never accepted) fails too
    expect(srv().counters.jwks).toBe(3);
  });

  it('a storm of random kids (200 per second for 60 s) causes at most 1 + 60 / 5 = 13 fetches', async () => {
    const clock = createClock(Date.now());
    const { verifier, oldKey, mint, srv } = await setup({ clock });
    srv().resetCounters();
    // Signatures are never checked for a kid that is not found: one signed token, many kids.
    const [h, p, s] = (await mint(oldKey)).split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    const withKid = (kid: string) =>
      `${Buffer.from(JSON.stringify({ ...header, kid })).toString('base64url')}.${p}.${s}`;
    const start = clock();
    let rejected401 = 0;
    for (let ms = 0; ms < 60_000; ms += 5) {
      clock.set(start + ms);
      const r = await outcome(verifier.verify(withKid(`random-${ms}-${Math.random()}`)));
      if (r.status === 401) rejected401++;
    }
    expect(rejected401).toBe(12_000);
    expect(srv().counters.jwks).toBeLessThanOrEqual(13);
    expect(srv().counters.jwks).toBeGreaterThanOrEqual(12);
  });

  it('options are validated at setup; the removed cooldown alias is refused', () => {
    const bad: JwksOptions[] = [
      { unknownKidRefetchIntervalMs: -1 },
      { unknownKidRefetchIntervalMs: Number.NaN },
      { unknownKidRefetchIntervalMs: '5000' as unknown as number },
      { unknownKidRefetchBurst: 0 },
      { unknownKidRefetchBurst: 1.5 },
      { failureBackoffMinMs: -5 },
      { failureBackoffMaxMs: Number.POSITIVE_INFINITY },
      { failureBackoffMinMs: 2_000, failureBackoffMaxMs: 1_000 },
    ];
    for (const options of bad) expect(() => resolveJwksOptions(options)).toThrow(TypeError);
    expect(() =>
      createVerifier({
        issuers: [{ issuer: 'https://i.example', audience: AUD, jwks: { unknownKidRefetchBurst: 0 } }],
      }),
    ).toThrow(TypeError);
    expect(resolveJwksOptions()).toMatchObject({
      unknownKidRefetchIntervalMs: 5_000,
      unknownKidRefetchBurst: 1,
      failureBackoffMinMs: 500,
      failureBackoffMaxMs: 1_500,
    });
    expect(() => resolveJwksOptions({ cooldown: 30_000 } as JwksOptions)).toThrow(TypeError);
  });

  it('a typo that silently disables a setting: an unknown jwks option key is a TypeError at setup', () => {
    for (const typo of [
      'unknownKidRefetchInterval',
      'unknownKidRefetchBurstMs',
      'failureBackoffMin',
      'cooldwn',
    ]) {
      expect(() => resolveJwksOptions({ [typo]: 1 } as JwksOptions)).toThrow(new RegExp(`jwks.*"${typo}"`));
      for (const where of ['issuer', 'top'] as const) {
        const jwks = { [typo]: 1 } as JwksOptions;
        expect(() =>
          createVerifier({
            issuers: [{ issuer: 'https://i.example', audience: AUD, ...(where === 'issuer' && { jwks }) }],
            ...(where === 'top' && { jwks }),
          }),
        ).toThrow(TypeError);
      }
    }
  });
});
