/**
 * createTokenSource({ fetchToken }): any way of obtaining a token gets the token manager's cache,
 * refresh ahead of expiry with jitter, single flight, retries with backoff and dead credentials.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  InvalidCredentialsError,
  createTokenSource,
  type FetchedToken,
} from '../../src/client/index.ts';
import { fakeTime } from '../fixtures/client.ts';

function counted(make: (n: number) => FetchedToken | Promise<FetchedToken>) {
  const calls = { n: 0 };
  const fetchToken = async () => make(++calls.n);
  return { calls, fetchToken };
}

describe('createTokenSource: the token manager for a custom grant', () => {
  it('caches the token until the refresh window', async () => {
    const time = fakeTime();
    const { calls, fetchToken } = counted((n) => ({ accessToken: `t${n}`, expiresInSeconds: 600 }));
    const tokens = createTokenSource({ fetchToken, clock: time.clock, random: () => 0 });
    expect(await tokens.getToken()).toBe('t1');
    time.advance(500_000);
    expect(await tokens.getToken()).toBe('t1');
    expect(calls.n).toBe(1);
  });

  it('one fetch however many callers wait (single flight)', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const { calls, fetchToken } = counted(async (n) => {
      await gate;
      return { access_token: `t${n}`, expires_in: 600 };
    });
    const tokens = createTokenSource({ fetchToken });
    const waiting = Promise.all(Array.from({ length: 200 }, () => tokens.getToken()));
    release();
    expect(new Set(await waiting)).toEqual(new Set(['t1']));
    expect(calls.n).toBe(1);
  });

  it('refreshes ahead of expiry, earlier by a random jitter, while serving the cached token', async () => {
    const time = fakeTime(1_000_000);
    const { calls, fetchToken } = counted((n) => ({ accessToken: `t${n}`, expiresInSeconds: 1000 }));
    // buffer 60 s (a tenth of 1000 s is 100 s, so not capped), jitter up to 30 s: random 1 → 90 s early.
    const tokens = createTokenSource({
      fetchToken,
      clock: time.clock,
      random: () => 1,
      refreshBufferSeconds: 60,
      refreshJitterSeconds: 30,
    });
    expect(await tokens.getToken()).toBe('t1');
    time.advance(909_000);
    expect(await tokens.getToken()).toBe('t1');
    expect(calls.n).toBe(1);
    time.advance(2_000); // 911 s: inside the jittered window, not yet expired
    expect(await tokens.getToken()).toBe('t1'); // served at once, refresh in the background
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.n).toBe(2);
    expect(await tokens.getToken()).toBe('t2');
  });

  it('retries retryable failures with growing backoff, then succeeds', async () => {
    const time = fakeTime();
    const { calls, fetchToken } = counted((n) => {
      if (n < 3) throw Object.assign(new Error('STS unavailable'), { retryable: true });
      return { accessToken: 'ok', expiresInSeconds: 60 };
    });
    const tokens = createTokenSource({
      fetchToken,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 1,
      retry: { attempts: 4, baseDelayMs: 100 },
    });
    expect(await tokens.getToken()).toBe('ok');
    expect(calls.n).toBe(3);
    expect(time.sleeps).toEqual([100, 200]);
  });

  it('a failure that is not retryable is thrown as it was, after one attempt', async () => {
    const time = fakeTime();
    const boom = new Error('bad response');
    const { calls, fetchToken } = counted(() => {
      throw boom;
    });
    const tokens = createTokenSource({ fetchToken, clock: time.clock, sleep: time.sleep });
    await expect(tokens.getToken()).rejects.toBe(boom);
    expect(calls.n).toBe(1);
  });

  it('after retries run out, the caller gets what fetchToken threw, and the next cycle waits (cool-down)', async () => {
    const time = fakeTime();
    const failure = Object.assign(new Error('STS unavailable'), { retryable: true });
    const { calls, fetchToken } = counted(() => {
      throw failure;
    });
    const tokens = createTokenSource({
      fetchToken,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0,
      retry: { attempts: 2, baseDelayMs: 1000 },
    });
    await expect(tokens.getToken()).rejects.toBe(failure);
    expect(calls.n).toBe(2);
    await expect(tokens.getToken()).rejects.toBe(failure);
    expect(calls.n).toBe(2); // cooling down: no new attempt yet
    time.advance(5_000);
    await expect(tokens.getToken()).rejects.toBe(failure);
    expect(calls.n).toBe(4);
  });

  it('refused credentials stop the source: no retry, no further attempt', async () => {
    const time = fakeTime();
    const { calls, fetchToken } = counted(() => {
      throw new InvalidCredentialsError();
    });
    const tokens = createTokenSource({ fetchToken, clock: time.clock, sleep: time.sleep });
    await expect(tokens.getToken()).rejects.toBeInstanceOf(InvalidCredentialsError);
    time.advance(3_600_000);
    await expect(tokens.getToken()).rejects.toBeInstanceOf(InvalidCredentialsError);
    expect(calls.n).toBe(1);
  });

  it('passes the current set (its refresh token) to the next fetch', async () => {
    const time = fakeTime();
    const seen: (string | undefined)[] = [];
    const tokens = createTokenSource({
      clock: time.clock,
      fetchToken: async (current) => {
        seen.push(current?.refreshToken);
        return {
          accessToken: `t${seen.length}`,
          refreshToken: `r${seen.length}`,
          expiresAt: new Date(time.now + 60_000),
        };
      },
    });
    await tokens.getToken();
    await tokens.getToken({ forceRefresh: true });
    expect(seen).toEqual([undefined, 'r1']);
    expect((await tokens.getTokenSet()).expiresAtMs).toBe(time.now + 60_000);
  });

  it('a result without an access token is an error, not a cached empty token', async () => {
    const tokens = createTokenSource({
      fetchToken: async () => ({ accessToken: '' }),
      retry: { attempts: 1 },
    });
    await expect(tokens.getToken()).rejects.toThrow('fetchToken() returned no access token');
  });

  it('option misuse is a ConfigurationError at setup', () => {
    expect(() => createTokenSource({} as never)).toThrow(ConfigurationError);
    expect(() => createTokenSource({} as never)).toThrow(
      'createTokenSource(): fetchToken must be a function',
    );
    expect(() =>
      createTokenSource({ fetchToken: async () => ({ accessToken: 'x' }), fetchTokens: 1 } as never),
    ).toThrow('createTokenSource(): unknown option "fetchTokens"');
    expect(() =>
      createTokenSource({ fetchToken: async () => ({ accessToken: 'x' }), refreshBufferSeconds: -1 }),
    ).toThrow(TypeError);
  });
});
