/**
 * AuthModule's `startup` option: `'fail'` makes `app.init()` reject with a StartupError naming the
 * JWKS URL; `'warn'` logs on Nest's Logger and retries; misuse is a TypeError (at `forRoot` when
 * given there, at init when a `forRootAsync` factory returns it).
 */
import { createAuthenticator } from '@auth/core';
import { generateKeyPair, lateJwksServer } from '@auth/testing';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthModule, StartupError } from '../src/index.ts';

const AUDIENCE = 'api://nest-startup';
const key = await generateKeyPair('RS256', { kid: 'nest-startup-1' });
const closers: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0).reverse()) await close();
});

async function app(imports: unknown[]) {
  const moduleRef = await Test.createTestingModule({ imports: imports as never[] }).compile();
  const application = moduleRef.createNestApplication({ logger: false });
  closers.push(() => application.close());
  return application;
}

async function lateIssuer() {
  const late = await lateJwksServer({ keys: [key] });
  return { late, issuers: [{ issuer: late.issuer, audience: AUDIENCE, jwksUri: late.jwksUri }] };
}

describe('AuthModule startup', () => {
  it("'fail': app.init() rejects with a StartupError naming the JWKS URL; it starts once the JWKS is up", async () => {
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {}); // keys.unavailable
    const { late, issuers } = await lateIssuer();
    const failing = await app([AuthModule.forRoot({ issuers, startup: 'fail' })]);
    const error = await failing.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ url: late.jwksUri, reason: 'request failed (ECONNREFUSED)' });
    expect((error as Error).message).toMatch(/^AuthModule options: start-up failed: /);

    const server = await late.start();
    closers.push(() => server.close());
    const authenticator = createAuthenticator({ issuers });
    closers.push(() => authenticator.close());
    const up = await app([AuthModule.forRoot({ authenticator, startup: 'fail' })]);
    await up.init();
    expect(server.counters.jwks).toBe(1);
  });

  it("'warn': one warning on Nest's Logger, retries, and a line when the keys arrive; init never waits", async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
    const log = vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    const { late, issuers } = await lateIssuer();
    const application = await app([
      AuthModule.forRootAsync({ useFactory: () => ({ issuers, startup: 'warn', startupRetryMs: 20 }) }),
    ]);
    await application.init();
    await vi.waitFor(() => expect(warn).toHaveBeenCalled());
    const warning = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('startup'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('AuthModule options: start-up failed');
    expect(warning[0]).toContain(late.jwksUri);
    const server = await late.start();
    closers.push(() => server.close());
    await vi.waitFor(() =>
      expect(log.mock.calls.map((c) => String(c[0])).some((l) => l.includes('signing keys are usable'))).toBe(
        true,
      ),
    );
  });

  it('misuse is a TypeError: at forRoot, or at init from a forRootAsync factory', async () => {
    const issuers = [{ issuer: 'https://idp.example', audience: AUDIENCE }];
    expect(() => AuthModule.forRoot({ issuers, startup: 'soon' as never })).toThrow(
      new TypeError("AuthModule.forRoot: startup must be 'fail', 'warn' or 'lazy'"),
    );
    expect(() => AuthModule.forRoot({ issuers, startup: 'lazy', startupRetryMs: 1 })).toThrow(/only applies/);
    expect(() => AuthModule.forRoot({ issuers, startup: 'warn', startupRetryMs: 0 })).toThrow(
      /startupRetryMs must be a number/,
    );
    const later = await app([
      AuthModule.forRootAsync({ useFactory: () => ({ issuers, startup: 'Warn' as never }) }),
    ]);
    await expect(later.init()).rejects.toThrow(
      new TypeError("AuthModule options: startup must be 'fail', 'warn' or 'lazy'"),
    );
  });
});
