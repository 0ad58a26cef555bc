/**
 * `@AuthenticateWith(token)` asks for authentication with a provider; next to a `@Public()` that
 * applies to the same route (the route's own, or the controller's) it used to be dropped silently: the
 * route ran unauthenticated. Like a requirement under `@Public()`, it is refused at startup.
 */
import { Controller, Get, UseGuards } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { AuthenticateWith, AuthGuard, AuthModule, Public, ScopeGuard } from '../src/index.ts';
import { fakeAuthenticator } from './support/fake-authenticator.ts';
import { serve } from './support/platforms.ts';

function start(controller: Function) {
  return serve(
    'express',
    [
      AuthModule.forRoot({ authenticator: fakeAuthenticator({}), isGlobal: true }),
      {
        module: class ServiceProviders {},
        providers: [{ provide: 'SERVICE', useValue: fakeAuthenticator({}, 'service') }],
        exports: ['SERVICE'],
        global: true,
      },
    ],
    [controller],
  );
}

describe('@Public() beside @AuthenticateWith()', () => {
  it('controller @Public() with a route @AuthenticateWith(): TypeError naming the route', async () => {
    @Controller()
    @UseGuards(AuthGuard, ScopeGuard)
    @Public()
    class PublicServiceController {
      @Get('service')
      @AuthenticateWith('SERVICE')
      service() {
        return { ok: true };
      }
    }
    await expect(start(PublicServiceController)).rejects.toThrow(
      /PublicServiceController\.service: a public route cannot name an authenticator/,
    );
  });

  it('@Public() and @AuthenticateWith() on the same route: TypeError', async () => {
    @Controller()
    @UseGuards(AuthGuard)
    class SameLevelServiceController {
      @Get('service')
      @Public()
      @AuthenticateWith('SERVICE')
      service() {
        return { ok: true };
      }
    }
    await expect(start(SameLevelServiceController)).rejects.toThrow(
      /a public route cannot name an authenticator/,
    );
  });

  it('a route @Public() still opts out of a controller @AuthenticateWith()', async () => {
    @Controller()
    @UseGuards(AuthGuard)
    @AuthenticateWith('SERVICE')
    class ServiceController {
      @Get('health')
      @Public()
      health() {
        return { ok: true };
      }
    }
    const server = await start(ServiceController);
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
