/**
 * Start-up and readiness on Fastify: `startup: 'fail'` makes `app.ready()` (and so `listen()`) reject
 * with a StartupError naming the JWKS URL; `'warn'` logs on Fastify's logger and retries, and
 * `GET /ready` (`readinessHandler()`, reading the scope's registration) flips from 503 to 200 when a
 * JWKS server started after the app comes up. Misuse is a TypeError at registration.
 */
import { createAuthenticator } from '@auth/core';
import { generateKeyPair, lateJwksServer, mintToken } from '@auth/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fastifyAuth, readinessHandler, StartupError } from '../src/index.ts';

const AUDIENCE = 'api://fastify-ready';
const key = await generateKeyPair('RS256', { kid: 'fastify-ready-1' });
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function lateIssuer() {
  const late = await lateJwksServer({ keys: [key] });
  return { late, options: { issuers: [{ issuer: late.issuer, audience: AUDIENCE, jwksUri: late.jwksUri }] } };
}

function loggedApp() {
  const lines: Record<string, unknown>[] = [];
  const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
  const app = Fastify({ logger: { level: 'info', stream } });
  closers.push(() => app.close());
  return { app, lines };
}

function newApp(): FastifyInstance {
  const app = Fastify();
  closers.push(() => app.close());
  return app;
}

describe('@auth/fastify start-up', () => {
  it("'warn': Fastify's logger gets the failure, retries run; /ready flips from 503 to 200 when a late JWKS comes up", async () => {
    const { late, options } = await lateIssuer();
    const { app, lines } = loggedApp();
    await app.register(fastifyAuth, { ...options, startup: 'warn', startupRetryMs: 20 });
    app.get('/ready', readinessHandler());
    app.get('/items', { config: { auth: true } }, async () => []);
    await app.ready(); // 'warn' never holds start-up
    const before = await app.inject({ method: 'GET', url: '/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.headers['cache-control']).toBe('no-store');
    expect(before.json()).toEqual({ ready: false });
    await vi.waitFor(() => expect(lines.some((l) => l.type === 'startup')).toBe(true));
    expect(lines.find((l) => l.type === 'startup')).toMatchObject({
      level: 40, // warn
      component: '@auth',
      url: late.jwksUri,
      reason: 'request failed (ECONNREFUSED)',
      msg: expect.stringContaining('@auth/fastify options: start-up failed'),
    });
    const server = await late.start();
    closers.push(() => server.close());
    await vi.waitFor(
      async () => expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200),
      { timeout: 3_000 },
    );
    expect(lines.filter((l) => l.type === 'startup').map((l) => l.level)).toEqual([40, 30]);
    const token = await mintToken({ key, issuer: late.issuer, audience: AUDIENCE });
    const res = await app.inject({
      method: 'GET',
      url: '/items',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
  });

  it("'fail': app.ready() rejects with a StartupError naming the JWKS URL; it starts once the JWKS is up", async () => {
    const { late, options } = await lateIssuer();
    const app = newApp();
    await app.register(fastifyAuth, { ...options, startup: 'fail' });
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ url: late.jwksUri, reason: 'request failed (ECONNREFUSED)' });
    expect((error as Error).message).toMatch(/^@auth\/fastify options: start-up failed: /);

    const server = await late.start();
    closers.push(() => server.close());
    const up = newApp();
    await up.register(fastifyAuth, { ...options, startup: 'fail' });
    up.get('/ready', readinessHandler());
    await up.ready();
    expect((await up.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
  });

  it("'fail' with a given authenticator: listen() rejects too", async () => {
    const { late, options } = await lateIssuer();
    const authenticator = createAuthenticator(options);
    closers.push(() => authenticator.close());
    const app = newApp();
    await app.register(fastifyAuth, { authenticator, startup: 'fail' });
    await expect(app.listen({ port: 0, host: '127.0.0.1' })).rejects.toMatchObject({
      name: 'StartupError',
      url: late.jwksUri,
    });
  });

  it('readinessHandler: explicit sources; a route outside any registration answers 503 and logs once', async () => {
    const { options } = await lateIssuer();
    const bearer = createAuthenticator(options);
    closers.push(() => bearer.close());
    const { app, lines } = loggedApp();
    app.get('/ready', readinessHandler());
    app.get('/ready-bearer', readinessHandler(bearer));
    const unbound = readinessHandler();
    app.get('/ready-wrapped', (request, reply) => unbound.call(undefined as never, request, reply));
    await app.register(async (api) => {
      await api.register(fastifyAuth, options);
    });
    expect((await app.inject({ method: 'GET', url: '/ready-bearer' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    expect((await app.inject({ method: 'GET', url: '/ready-wrapped' })).statusCode).toBe(503);
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2); // once per handler
    expect(errors[0]!.msg).toContain('no fastifyAuth registration in the scope of /ready');
  });

  it('misuse is a TypeError at registration', async () => {
    const options = { issuers: [{ issuer: 'https://idp.example', audience: AUDIENCE }] };
    await expect(newApp().register(fastifyAuth, { ...options, startup: 'early' as never })).rejects.toThrow(
      new TypeError("@auth/fastify options: startup must be 'fail', 'warn' or 'lazy'"),
    );
    await expect(newApp().register(fastifyAuth, { ...options, startupRetryMs: 5 })).rejects.toThrow(
      /only applies/,
    );
    expect(() => readinessHandler({} as never)).toThrow(/argument 0 is not an authenticator/);
    await expect(
      newApp().register(fastifyAuth, { issuers: [{ issuer: '127.0.0.1:4000', audience: AUDIENCE }] }),
    ).rejects.toThrow(/must be an http\(s\) URL when keys are discovered/);
  });
});
