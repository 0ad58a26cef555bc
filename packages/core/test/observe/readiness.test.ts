/**
 * Readiness: false until every issuer has usable keys, true once they arrive (a JWKS that comes up
 * late), and the start-up warm-up modes: 'fail' rejects with the reason, 'warn' retries in the
 * background, 'lazy' fetches nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator, oneOfAuthenticators } from '../../src/authenticate.ts';
import { apiKeyHeaderAuth } from '../../src/apikey/api-key-auth.ts';
import { memorySecretStore } from '../../src/apikey/store.ts';
import { isReady, readiness, warmUp } from '../../src/observe/readiness.ts';
import { lateJwks as lateJwksFixture } from '../fixtures/late-jwks.ts';
import { generateKeyPair, lateJwksServer } from '@auth/testing';
import type { AuthEvent } from '../../src/index.ts';

const ISS = 'https://issuer.ready.test';
const key = await generateKeyPair('RS256', { kid: 'r1' });

const lateJwks = () => lateJwksFixture(key, ISS);

describe('readiness', () => {
  it('flips from false to true when a late JWKS comes up (warm-up "warn" retries)', async () => {
    const t = lateJwks();
    expect(isReady(t.auth)).toBe(false);
    expect(readiness(t.auth)).toEqual({ status: 503, body: { ready: false } });
    await warmUp(t.auth, 'warn', { retryMs: 20 });
    await vi.waitFor(() => expect(t.fetch.mock.calls.length).toBeGreaterThanOrEqual(2));
    expect(isReady(t.auth)).toBe(false);
    t.bringUp();
    await vi.waitFor(() => expect(isReady(t.auth)).toBe(true));
    expect(readiness(t.auth)).toEqual({ status: 200, body: { ready: true } });
    t.auth.close();
  });

  it("'fail' rejects with the reason; 'lazy' fetches nothing", async () => {
    const t = lateJwks();
    await warmUp(t.auth, 'lazy');
    expect(t.fetch).not.toHaveBeenCalled();
    await expect(warmUp(t.auth, 'fail')).rejects.toMatchObject({
      name: 'StartupError',
      code: 'ERR_AUTH_STARTUP_KEYS_UNAVAILABLE',
      issuer: ISS,
      url: `${ISS}/jwks`,
      httpStatus: 503,
      reason: 'unexpected status 503',
    });
    t.bringUp();
    await warmUp(t.auth, 'fail');
    expect(isReady(t.auth)).toBe(true);
    await expect(warmUp(t.auth, 'sometimes' as never)).rejects.toThrow(TypeError);
  });

  it('retryMs and signal are checked: a wait setTimeout cannot honour would spin', async () => {
    const t = lateJwks();
    for (const retryMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5' as never]) {
      await expect(warmUp(t.auth, 'warn', { retryMs })).rejects.toThrow(/retryMs must be a number/);
    }
    await expect(warmUp(t.auth, 'warn', { signal: {} as never })).rejects.toThrow(
      /signal must be an AbortSignal/,
    );
    expect(t.fetch).not.toHaveBeenCalled();
    t.auth.close();
  });

  it("'warn' stops retrying when its signal aborts, and when the authenticator is closed", async () => {
    const a = lateJwks();
    const controller = new AbortController();
    await warmUp(a.auth, 'warn', { retryMs: 5, signal: controller.signal });
    await vi.waitFor(() => expect(a.fetch.mock.calls.length).toBeGreaterThanOrEqual(2));
    controller.abort();
    const afterAbort = a.fetch.mock.calls.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(a.fetch.mock.calls.length).toBeLessThanOrEqual(afterAbort + 1); // at most the one in flight
    a.auth.close();

    // Closed: the retries end (a closed key source fetches nothing, so count the pending timers).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const b = lateJwks();
      await warmUp(b.auth, 'warn', { retryMs: 5 });
      // setImmediate is not faked: let the failed attempt settle and schedule the next one.
      for (let i = 0; i < 100 && vi.getTimerCount() === 0; i++) await new Promise((r) => setImmediate(r));
      expect(b.fetch).toHaveBeenCalledTimes(1);
      expect(vi.getTimerCount()).toBe(1); // the next attempt
      b.auth.close();
      await vi.advanceTimersByTimeAsync(5);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }

    // Already aborted: nothing is fetched.
    const c = lateJwks();
    await warmUp(c.auth, 'warn', { signal: AbortSignal.abort() });
    expect(c.fetch).not.toHaveBeenCalled();
    c.auth.close();
  });

  it('a combined authenticator is ready when its bearer part is; API keys need no keys', async () => {
    const t = lateJwks();
    const either = oneOfAuthenticators(t.auth, apiKeyHeaderAuth({ store: memorySecretStore({}) }));
    expect(isReady(either)).toBe(false);
    t.bringUp();
    await warmUp(either, 'fail');
    expect(isReady(either)).toBe(true);
  });
});

describe('a JWKS server started after the app', () => {
  it("'warn': connection refused, then the server comes up: the probe flips from false to true", async () => {
    // Its URL is fixed, but connections are refused until it starts.
    const late = await lateJwksServer({ keys: [key] });
    const jwksUri = late.jwksUri;
    const events: AuthEvent[] = [];
    const auth = createAuthenticator({
      issuers: [{ issuer: ISS, audience: 'api', jwksUri }],
      onEvent: (e) => events.push(e),
    });
    try {
      await warmUp(auth, 'warn', { retryMs: 20 });
      await vi.waitFor(() =>
        expect(events.filter((e) => e.type === 'keys.unavailable').length).toBeGreaterThanOrEqual(2),
      );
      expect(readiness(auth)).toEqual({ status: 503, body: { ready: false } });
      const server = await late.start();
      try {
        await vi.waitFor(() => expect(readiness(auth)).toEqual({ status: 200, body: { ready: true } }));
        expect(server.counters.jwks).toBeGreaterThanOrEqual(1);
      } finally {
        await server.close();
      }
    } finally {
      auth.close();
    }
  });
});

describe('issuers that discovery cannot use', () => {
  it('an issuer without a scheme is a TypeError at setup when keys would be discovered', () => {
    expect(() => createAuthenticator({ issuers: [{ issuer: '127.0.0.1:4000', audience: 'api' }] })).toThrow(
      /issuers\[0\]\.issuer must be an http\(s\) URL when keys are discovered/,
    );
    // With a JWKS URL, or HMAC only, nothing is discovered: any issuer string is fine.
    createAuthenticator({
      issuers: [{ issuer: '127.0.0.1:4000', audience: 'api', jwksUri: 'https://x.test/jwks' }],
    }).close();
    createAuthenticator({
      issuers: [
        {
          issuer: 'urn:local',
          audience: 'api',
          algorithms: ['HS256'],
          secret: 'a-secret-of-32-bytes-0123456789ab',
        },
      ],
    }).close();
  });
});
