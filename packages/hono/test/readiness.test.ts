/**
 * Start-up and readiness on Hono (no lifecycle: the app awaits `ready()`): `startup: 'fail'` rejects
 * with a StartupError naming the JWKS URL; `'warn'` logs through the `logger` option and retries, and
 * `GET /ready` (`readinessHandler`) flips from 503 to 200 when a JWKS server started after the app
 * comes up. Misuse is a TypeError at setup.
 */
import { generateKeyPair, lateJwksServer, mintToken } from '@auth/testing';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { optionalAuth, readinessHandler, requireAuth, StartupError } from '../src/index.ts';

const AUDIENCE = 'api://hono-ready';
const key = await generateKeyPair('ES256', { kid: 'hono-ready-1' });
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
});

async function lateIssuer() {
  const late = await lateJwksServer({ keys: [key] });
  return { late, options: { issuers: [{ issuer: late.issuer, audience: AUDIENCE, jwksUri: late.jwksUri }] } };
}

function recorder() {
  const records: [string, Record<string, unknown>, string | undefined][] = [];
  const logger = Object.fromEntries(
    (['debug', 'info', 'warn', 'error'] as const).map((level) => [
      level,
      (obj: Record<string, unknown>, msg?: string) => records.push([level, obj, msg]),
    ]),
  ) as never;
  return { records, logger };
}

describe('@auth/hono start-up', () => {
  it("'warn': logs through the logger option and retries; /ready flips from 503 to 200 when a late JWKS comes up", async () => {
    const { late, options } = await lateIssuer();
    const { records, logger } = recorder();
    const auth = requireAuth({ ...options, logger, startup: 'warn', startupRetryMs: 20 });
    closers.push(() => auth.authenticator.close());
    await auth.ready();
    const app = new Hono();
    app.get('/ready', readinessHandler(auth));
    app.get('/items', auth, (c) => c.json([]));
    const before = await app.request('/ready');
    expect(before.status).toBe(503);
    expect(before.headers.get('cache-control')).toBe('no-store');
    expect(await before.json()).toEqual({ ready: false });
    await vi.waitFor(() => expect(records.some(([, o]) => o.type === 'startup')).toBe(true));
    const [level, fields, message] = records.find(([, o]) => o.type === 'startup')!;
    expect(level).toBe('warn');
    expect(fields).toMatchObject({
      component: '@auth',
      url: late.jwksUri,
      reason: 'request failed (ECONNREFUSED)',
    });
    expect(message).toContain('@auth/hono requireAuth(): start-up failed');

    const server = await late.start();
    closers.push(() => server.close());
    await vi.waitFor(async () => expect((await app.request('/ready')).status).toBe(200), { timeout: 3_000 });
    expect(records.filter(([, o]) => o.type === 'startup').map(([l]) => l)).toEqual(['warn', 'info']);
    const token = await mintToken({ key, issuer: late.issuer, audience: AUDIENCE });
    expect((await app.request('/items', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it("'fail': await ready() rejects with a StartupError naming the JWKS URL; optionalAuth too", async () => {
    const { late, options } = await lateIssuer();
    const auth = optionalAuth({ ...options, logger: false, startup: 'fail' });
    closers.push(() => auth.authenticator.close());
    const error = await auth.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ url: late.jwksUri, code: 'ERR_AUTH_STARTUP_KEYS_UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /^@auth\/hono optionalAuth\(\): start-up failed: .*\/\.well-known\/jwks\.json/,
    );
  });

  it('misuse is a TypeError at setup', () => {
    const options = { issuers: [{ issuer: 'https://idp.example', audience: AUDIENCE }] };
    expect(() => requireAuth({ ...options, startup: 'warm' as never })).toThrow(
      new TypeError("@auth/hono requireAuth(): startup must be 'fail', 'warn' or 'lazy'"),
    );
    expect(() => requireAuth({ ...options, startupRetryMs: 5 })).toThrow(/only applies/);
    expect(() => readinessHandler()).toThrow(TypeError);
    expect(() => readinessHandler('auth' as never)).toThrow(/argument 0 is not an authenticator/);
    expect(() => requireAuth({ issuers: [{ issuer: '127.0.0.1:4000', audience: AUDIENCE }] })).toThrow(
      /must be an http\(s\) URL when keys are discovered/,
    );
  });
});
