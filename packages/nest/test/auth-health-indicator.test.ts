/**
 * AuthHealthIndicator with @nestjs/terminus: `GET /ready` through `HealthCheckService` is 503 with the
 * indicator down while the JWKS is not up (a server started after the app, `startup: 'warn'`
 * retrying in the background), then 200 with it up. Works alike on Express and Fastify.
 */
import { generateKeyPair, lateJwksServer } from '@auth/testing';
import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthHealthIndicator, AuthModule } from '../src/index.ts';
import { platforms, type Running, serve } from './support/platforms.ts';

const AUDIENCE = 'api://nest-ready';
const key = await generateKeyPair('RS256', { kid: 'nest-ready-1' });

@Controller('ready')
class ReadyController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(AuthHealthIndicator) private readonly auth: AuthHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.auth.isHealthy('auth')]);
  }

  @Get('plain')
  plain() {
    return { ready: this.auth.isReady() };
  }
}

const closers: (() => unknown)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0).reverse()) await close();
});

describe.each(platforms)('AuthHealthIndicator (%s)', (platform) => {
  it('terminus /ready: 503 with auth down until a late JWKS comes up, then 200 with auth up', async () => {
    vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
    vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    vi.spyOn(Logger.prototype, 'log').mockImplementation(() => {});
    const late = await lateJwksServer({ keys: [key] });
    const server: Running = await serve(
      platform,
      [
        TerminusModule,
        AuthModule.forRoot({
          issuers: [{ issuer: late.issuer, audience: AUDIENCE, jwksUri: late.jwksUri }],
          startup: 'warn',
          startupRetryMs: 20,
        }),
      ],
      [ReadyController],
    );
    closers.push(() => server.close());
    const before = await fetch(`${server.url}/ready`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ status: 'error', error: { auth: { status: 'down' } } });
    expect(await (await fetch(`${server.url}/ready/plain`)).json()).toEqual({ ready: false });

    const jwks = await late.start();
    closers.push(() => jwks.close());
    await vi.waitFor(async () => expect((await fetch(`${server.url}/ready`)).status).toBe(200), {
      timeout: 3_000,
    });
    expect(await (await fetch(`${server.url}/ready`)).json()).toMatchObject({
      status: 'ok',
      info: { auth: { status: 'up' } },
    });
    expect(await (await fetch(`${server.url}/ready/plain`)).json()).toEqual({ ready: true });
  });
});

describe('AuthHealthIndicator.isHealthy', () => {
  it('names its key; an empty or non-string key is a TypeError', () => {
    const indicator = new AuthHealthIndicator({} as never); // not ours: nothing to wait for
    expect(indicator.isHealthy()).toEqual({ auth: { status: 'up' } });
    expect(indicator.isHealthy('jwks')).toEqual({ jwks: { status: 'up' } });
    expect(() => indicator.isHealthy('')).toThrow(TypeError);
    expect(() => indicator.isHealthy(7 as never)).toThrow(TypeError);
  });
});
