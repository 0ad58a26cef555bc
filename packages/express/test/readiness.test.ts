/**
 * Start-up and readiness on Express: `startup: 'fail'` makes `await auth.ready()` reject with a
 * StartupError naming the JWKS URL; `'warn'` logs on the console and retries, and `GET /ready`
 * (`readinessHandler`) flips from 503 to 200 when a JWKS server started after the app comes up;
 * `'lazy'` fetches nothing. Misuse is a TypeError at setup.
 */
import express from 'express';
import { generateKeyPair, lateJwksServer, mintToken } from '@auth/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authErrorHandler, readinessHandler, requireAuth, StartupError } from '../src/index.ts';
import { get, listen } from './helpers.ts';

const AUDIENCE = 'api://express-ready';
const key = await generateKeyPair('RS256', { kid: 'ready-1' });
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
});

async function lateIssuer() {
  const late = await lateJwksServer({ keys: [key] });
  const options = { issuers: [{ issuer: late.issuer, audience: AUDIENCE, jwksUri: late.jwksUri }] };
  return { late, options };
}

async function serve(auth: ReturnType<typeof requireAuth>) {
  const app = express();
  app.get('/ready', readinessHandler(auth));
  app.get('/items', auth, (_req, res) => {
    res.json([]);
  });
  app.use(authErrorHandler());
  const server = await listen(app);
  closers.push(server.close, () => auth.authenticator.close());
  return server.url;
}

describe('@auth/express start-up', () => {
  it("'warn': logs on the console and retries; /ready flips from 503 to 200 when a late JWKS comes up", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {}); // keys.unavailable events
    vi.spyOn(console, 'info').mockImplementation(() => {});
    const { late, options } = await lateIssuer();
    const auth = requireAuth({ ...options, startup: 'warn', startupRetryMs: 20 });
    await auth.ready(); // never waits with 'warn'
    const url = await serve(auth);
    const before = await get(`${url}/ready`);
    expect(before).toMatchObject({ status: 503, body: { ready: false } });
    expect(before.headers['cache-control']).toBe('no-store');
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1));
    const line = String(warn.mock.calls[0]![0]);
    expect(line).toContain('@auth/express requireAuth(): start-up failed');
    expect(line).toContain(late.jwksUri);
    expect(line).toContain('ECONNREFUSED');
    const server = await late.start();
    closers.push(() => server.close());
    await vi.waitFor(async () => expect((await get(`${url}/ready`)).status).toBe(200), { timeout: 3_000 });
    expect((await get(`${url}/ready`)).body).toEqual({ ready: true });
    // The retries fetched the keys: the first request needs no fetch.
    const jwksFetches = server.counters.jwks;
    const token = await mintToken({ key, issuer: late.issuer, audience: AUDIENCE });
    expect((await get(`${url}/items`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(server.counters.jwks).toBe(jwksFetches);
    expect(warn).toHaveBeenCalledTimes(1); // the first failure only
  });

  it("'fail': await ready() rejects with a StartupError naming the JWKS URL; then resolves once it is up", async () => {
    const error_ = vi.spyOn(console, 'error').mockImplementation(() => {}); // keys.unavailable
    const { late, options } = await lateIssuer();
    const auth = requireAuth({ ...options, startup: 'fail' });
    closers.push(() => auth.authenticator.close());
    const error = await auth.ready().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({
      code: 'ERR_AUTH_STARTUP_KEYS_UNAVAILABLE',
      url: late.jwksUri,
      reason: 'request failed (ECONNREFUSED)',
    });
    expect((error as Error).message).toMatch(/^@auth\/express requireAuth\(\): start-up failed: /);
    // Awaited: the app reports it; the adapter logged only the keys.unavailable event.
    expect(error_.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('startup'))).toEqual([]);

    const server = await late.start();
    closers.push(() => server.close());
    const again = requireAuth({ ...options, startup: 'fail' });
    closers.push(() => again.authenticator.close());
    await again.ready();
    expect(server.counters.jwks).toBe(1);
  });

  it("'lazy' (default) fetches nothing at start-up; /ready is 503 until a request fetched the keys", async () => {
    const { late, options } = await lateIssuer();
    const server = await late.start();
    closers.push(() => server.close());
    const auth = requireAuth(options);
    await auth.ready();
    const url = await serve(auth);
    expect(server.counters.jwks).toBe(0);
    expect((await get(`${url}/ready`)).status).toBe(503);
    const token = await mintToken({ key, issuer: late.issuer, audience: AUDIENCE });
    expect((await get(`${url}/items`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get(`${url}/ready`)).status).toBe(200);
  });

  it('misuse is a TypeError at setup: a bad startup, an interval without retries, a wrong probe argument', () => {
    const options = { issuers: [{ issuer: 'https://idp.example', audience: AUDIENCE }] };
    expect(() => requireAuth({ ...options, startup: 'eager' as never })).toThrow(
      new TypeError("@auth/express requireAuth(): startup must be 'fail', 'warn' or 'lazy'"),
    );
    expect(() => requireAuth({ ...options, startup: 'fail', startupRetryMs: 10 })).toThrow(/only applies/);
    // A misspelt option name is refused like any unknown key, not ignored.
    expect(() => requireAuth({ ...options, startUp: 'fail' } as never)).toThrow(/startUp/);
    expect(() => readinessHandler()).toThrow(TypeError);
    expect(() => readinessHandler({} as never)).toThrow(/argument 0 is not an authenticator/);
    // An issuer without a scheme cannot be discovered: refused when the middleware is made.
    expect(() => requireAuth({ issuers: [{ issuer: '127.0.0.1:4000', audience: AUDIENCE }] })).toThrow(
      /issuers\[0\]\.issuer must be an http\(s\) URL when keys are discovered/,
    );
  });
});
