/**
 * The adapters' start-up layer: `startup` / `startupRetryMs` checked at setup, the warm-up each mode
 * starts, what 'warn' and an unawaited 'fail' log through the adapter's logger, and the sources of a
 * `/ready` helper.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  readinessResponse,
  readinessSources,
  readStartupOptions,
  STARTUP_KEYS,
  startAuthentication,
  startupLog,
  type StartupLog,
} from '../../src/binding/startup.ts';
import { createVerifier, StartupError } from '../../src/index.ts';
import { lateJwks as lateJwksFixture } from '../fixtures/late-jwks.ts';
import { generateKeyPair } from '@auth/testing';

const ISS = 'https://issuer.startup.test';
const key = await generateKeyPair('RS256', { kid: 's1' });
const where = '@auth/test options';

const lateJwks = () => lateJwksFixture(key, ISS);

function capture() {
  const lines: { level: string; message: string; fields: object }[] = [];
  const log: StartupLog = (level, message, fields) => lines.push({ level, message, fields });
  return { lines, log };
}

describe('readStartupOptions', () => {
  it("defaults to 'lazy' every 5 s; reads each mode; a verifier or authenticator given as is has none", () => {
    expect(STARTUP_KEYS).toEqual(['startup', 'startupRetryMs']);
    expect(readStartupOptions(undefined, where)).toEqual({ mode: 'lazy', retryMs: 5_000 });
    expect(readStartupOptions({ issuers: [] }, where)).toEqual({ mode: 'lazy', retryMs: 5_000 });
    expect(readStartupOptions({ startup: 'fail' }, where)).toEqual({ mode: 'fail', retryMs: 5_000 });
    expect(readStartupOptions({ startup: 'warn', startupRetryMs: 250 }, where)).toEqual({
      mode: 'warn',
      retryMs: 250,
    });
    const t = lateJwks();
    expect(readStartupOptions(t.auth, where).mode).toBe('lazy');
    t.auth.close();
  });

  it('a misspelt mode or an unusable interval is a TypeError naming the caller', () => {
    for (const startup of ['Fail', 'eager', true, 1]) {
      expect(() => readStartupOptions({ startup }, where)).toThrow(
        new TypeError(`${where}: startup must be 'fail', 'warn' or 'lazy'`),
      );
    }
    for (const startupRetryMs of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100']) {
      expect(() => readStartupOptions({ startup: 'warn', startupRetryMs }, where)).toThrow(
        /startupRetryMs must be a number of milliseconds/,
      );
    }
    // An interval without background retries would do nothing: refused rather than ignored.
    expect(() => readStartupOptions({ startup: 'fail', startupRetryMs: 100 }, where)).toThrow(
      /startupRetryMs only applies to startup: 'warn'/,
    );
    expect(() => readStartupOptions({ startupRetryMs: 100 }, where)).toThrow(/only applies/);
  });
});

describe('startupLog', () => {
  const fields = { issuer: ISS, url: `${ISS}/jwks`, httpStatus: 503, reason: 'unexpected status 503' };

  it('a line sink gets one line with the fields; logLevel filters it; logger: false silences it', () => {
    const sink = vi.fn();
    startupLog({}, sink)('warn', 'keys missing', fields);
    expect(sink).toHaveBeenCalledWith(
      'warn',
      `auth warn startup keys missing issuer="${ISS}" url="${ISS}/jwks" httpStatus=503 reason="unexpected status 503"`,
    );
    sink.mockClear();
    startupLog({ logLevel: 'error' }, sink)('warn', 'keys missing', fields);
    startupLog({ logger: false }, sink)('error', 'keys missing', fields);
    expect(sink).not.toHaveBeenCalled();
  });

  it('a pino-style logger gets the fields as an object, the message as the message', () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    startupLog({ logger }, vi.fn())('warn', 'keys missing', fields);
    expect(logger.warn).toHaveBeenCalledWith(
      { component: '@auth', type: 'startup', ...fields },
      'keys missing',
    );
  });
});

describe('startAuthentication', () => {
  it("'warn': fetches now, logs the first failure once, retries, logs the recovery; ready() never waits", async () => {
    const t = lateJwks();
    const { lines, log } = capture();
    const startup = startAuthentication(t.auth, { mode: 'warn', retryMs: 10 }, { where, log });
    await startup.ready();
    await vi.waitFor(() => expect(t.fetch.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(lines).toEqual([
      {
        level: 'warn',
        message: `${where}: start-up failed: the signing keys of "${ISS}" could not be fetched from ${ISS}/jwks: unexpected status 503; requests get 503 until the keys arrive, retrying every 10 ms`,
        fields: { issuer: ISS, url: `${ISS}/jwks`, httpStatus: 503, reason: 'unexpected status 503' },
      },
    ]);
    t.bringUp();
    await vi.waitFor(() => expect(lines).toHaveLength(2));
    expect(lines[1]).toMatchObject({
      level: 'info',
      message: expect.stringMatching(/signing keys are usable after \d+ failed attempt/),
    });
    startup.stop();
    t.auth.close();
  });

  it("'warn' that succeeds at once logs nothing; stop() ends the retries", async () => {
    const t = lateJwks();
    t.bringUp();
    const { lines, log } = capture();
    startAuthentication(t.auth, { mode: 'warn', retryMs: 10 }, { where, log });
    await vi.waitFor(() => expect(t.fetch).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 30));
    expect(lines).toEqual([]);
    t.auth.close();

    const u = lateJwks();
    const stopped = startAuthentication(u.auth, { mode: 'warn', retryMs: 5 }, { where, log: () => {} });
    await vi.waitFor(() => expect(u.fetch.mock.calls.length).toBeGreaterThanOrEqual(2));
    stopped.stop();
    const calls = u.fetch.mock.calls.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(u.fetch.mock.calls.length).toBeLessThanOrEqual(calls + 1);
    u.auth.close();
  });

  it("'fail': ready() rejects with the StartupError and nothing is logged; unawaited, the failure is logged", async () => {
    const t = lateJwks();
    const { lines, log } = capture();
    const startup = startAuthentication(t.auth, { mode: 'fail', retryMs: 5_000 }, { where, log });
    await expect(startup.ready()).rejects.toBeInstanceOf(StartupError);
    expect(lines).toEqual([]);
    t.bringUp();
    const again = startAuthentication(t.auth, { mode: 'fail', retryMs: 5_000 }, { where, log });
    await again.ready();
    t.auth.close();

    const u = lateJwks();
    startAuthentication(u.auth, { mode: 'fail', retryMs: 5_000 }, { where, log });
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    expect(lines[0]).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/await ready\(\) so start-up fails/),
    });
    u.auth.close();
  });

  it("'lazy' fetches nothing", async () => {
    const t = lateJwks();
    await startAuthentication(t.auth, { mode: 'lazy', retryMs: 5_000 }, { where, log: () => {} }).ready();
    expect(t.fetch).not.toHaveBeenCalled();
    t.auth.close();
  });

  it('a logger that throws neither stops the retries nor rejects anywhere', async () => {
    const t = lateJwks();
    const log = vi.fn(() => {
      throw new Error('broken logger');
    });
    startAuthentication(t.auth, { mode: 'warn', retryMs: 5 }, { where, log });
    await vi.waitFor(() => expect(t.fetch.mock.calls.length).toBeGreaterThanOrEqual(3));
    t.bringUp();
    await vi.waitFor(() => expect(log).toHaveBeenCalledTimes(2));
    t.auth.close();
  });
});

describe('readiness sources', () => {
  it('authenticators, verifiers and anything holding one as `authenticator`; anything else is a TypeError', () => {
    const t = lateJwks();
    const verifier = createVerifier({ issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }] });
    const middleware = Object.assign(() => {}, { authenticator: t.auth });
    expect(readinessSources([t.auth, verifier, middleware], where)).toEqual([t.auth, verifier, t.auth]);
    expect(() => readinessSources([], where)).toThrow(/give the authenticators/);
    expect(readinessSources([], where, { allowNone: true })).toEqual([]);
    for (const bad of [undefined, null, {}, 'auth', { authenticator: {} }]) {
      expect(() => readinessSources([t.auth, bad], where)).toThrow(
        new TypeError(`${where}: argument 1 is not an authenticator, a verifier or an auth middleware`),
      );
    }
    expect(readinessResponse([t.auth])).toEqual({
      status: 503,
      headers: { 'cache-control': 'no-store' },
      body: { ready: false },
    });
    t.auth.close();
    verifier.close();
  });
});
