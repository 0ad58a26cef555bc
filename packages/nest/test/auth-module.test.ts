import type { Authenticator } from '@auth/core';
import { Controller, Get, Inject, Injectable, Module, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AUTH_AUTHENTICATOR,
  AUTH_MODULE_OPTIONS,
  AuthGuard,
  AuthModule,
  Principal,
  Public,
  ScopeGuard,
  Scopes,
  type AuthOptionsFactory,
} from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';
import { platforms, serve, type Running } from './support/platforms.ts';

const people = { reader: principal('reader', { scopes: ['read:items'] }) };
const opened: Running[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const VERIFIER_OPTIONS = {
  issuers: [{ issuer: 'https://issuer.test', audience: 'api://test', jwksUri: 'http://127.0.0.1:9/jwks' }],
};

@Module({ providers: [{ provide: 'SETTINGS', useValue: { realm: 'from-config' } }], exports: ['SETTINGS'] })
class ConfigModule {}

@Controller()
class AppController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('me')
  me(@Principal('subject') subject: string) {
    return { subject };
  }

  @Get('items')
  @UseGuards(AuthGuard, ScopeGuard)
  @Scopes('read:items')
  items() {
    return [];
  }
}

describe('AuthModule', () => {
  it('forRoot(options) creates a core authenticator and closes it on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot(VERIFIER_OPTIONS)],
    }).compile();
    const authenticator = moduleRef.get<Authenticator>(AUTH_AUTHENTICATOR);
    expect(authenticator.realm).toBe('api');
    const close = vi.spyOn(authenticator, 'close');
    await moduleRef.close();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('forRoot() without options reads AUTH_* environment variables', async () => {
    vi.stubEnv('AUTH_ISSUER', 'https://env-issuer.test/');
    vi.stubEnv('AUTH_AUDIENCE', 'api://env');
    vi.stubEnv('AUTH_JWKS_URI', 'http://127.0.0.1:9/jwks');
    try {
      const moduleRef = await Test.createTestingModule({ imports: [AuthModule.forRoot()] }).compile();
      const authenticator = moduleRef.get<Authenticator>(AUTH_AUTHENTICATOR);
      expect(typeof authenticator.authenticate).toBe('function');
      await moduleRef.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('forRoot() reads the environment when the application is created, not when the module is defined', async () => {
    vi.stubEnv('AUTH_ISSUER', '');
    vi.stubEnv('AUTH_AUDIENCE', '');
    vi.stubEnv('AUTH_JWKS_URI', '');
    try {
      // Defined first (as at import time, before ConfigModule.forRoot() loads .env)…
      const authModule = AuthModule.forRoot();
      // …then the variables appear…
      vi.stubEnv('AUTH_ISSUER', 'https://late-issuer.test/');
      vi.stubEnv('AUTH_AUDIENCE', 'api://late');
      vi.stubEnv('AUTH_JWKS_URI', 'http://127.0.0.1:9/jwks');
      const moduleRef = await Test.createTestingModule({ imports: [authModule] }).compile();
      const options = moduleRef.get<{ issuers: { issuer: string; audience: unknown }[] }>(
        AUTH_MODULE_OPTIONS,
      );
      expect(options.issuers[0]).toMatchObject({
        issuer: 'https://late-issuer.test/',
        audience: ['api://late'],
      });
      expect(typeof moduleRef.get<Authenticator>(AUTH_AUTHENTICATOR).authenticate).toBe('function');
      await moduleRef.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('forRoot(authenticator) and forRoot({ authenticator }) use it as is and leave closing to its owner', async () => {
    for (const make of [(a: Authenticator) => a, (a: Authenticator) => ({ authenticator: a })]) {
      const authenticator = fakeAuthenticator(people);
      const moduleRef = await Test.createTestingModule({
        imports: [AuthModule.forRoot(make(authenticator))],
      }).compile();
      expect(moduleRef.get(AUTH_AUTHENTICATOR)).toBe(authenticator);
      await moduleRef.close();
      expect(authenticator.closed).toBe(0);
    }
  });

  it('forRoot with a realm renders challenges in that realm', async () => {
    const server = await serve(
      'express',
      [AuthModule.forRoot({ ...VERIFIER_OPTIONS, realm: 'demo' })],
      [AppController],
    );
    opened.push(server);
    const res = await fetch(`${server.url}/items`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="demo"');
  });

  it('forRootAsync({ imports, inject, useFactory }) builds the options from other providers', async () => {
    const authenticator = fakeAuthenticator(people, 'async');
    const moduleRef = await Test.createTestingModule({
      imports: [
        AuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: ['SETTINGS'],
          useFactory: (settings: { realm: string }) => {
            expect(settings.realm).toBe('from-config');
            return { ...VERIFIER_OPTIONS, realm: settings.realm };
          },
        }),
      ],
    }).compile();
    expect(moduleRef.get<Authenticator>(AUTH_AUTHENTICATOR).realm).toBe('from-config');
    await moduleRef.close();

    const again = await Test.createTestingModule({
      imports: [AuthModule.forRootAsync({ useFactory: async () => authenticator })],
    }).compile();
    expect(again.get(AUTH_AUTHENTICATOR)).toBe(authenticator);
    await again.close();
  });

  it('forRootAsync({ useClass }) calls createAuthOptions()', async () => {
    @Injectable()
    class AuthConfig implements AuthOptionsFactory {
      createAuthOptions() {
        return { ...VERIFIER_OPTIONS, realm: 'from-class' };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRootAsync({ useClass: AuthConfig })],
    }).compile();
    expect(moduleRef.get<Authenticator>(AUTH_AUTHENTICATOR).realm).toBe('from-class');
    await moduleRef.close();
  });

  it('isGlobal makes the authenticator injectable in every module', async () => {
    @Injectable()
    class UsesAuth {
      constructor(@Inject(AUTH_AUTHENTICATOR) readonly authenticator: Authenticator) {}
    }
    @Module({ providers: [UsesAuth] })
    class FeatureModule {}
    const authenticator = fakeAuthenticator(people);
    const moduleRef = await Test.createTestingModule({
      imports: [AuthModule.forRoot({ authenticator, isGlobal: true }), FeatureModule],
    }).compile();
    expect(moduleRef.get(UsesAuth).authenticator).toBe(authenticator);
    await moduleRef.close();

    const local = Test.createTestingModule({
      imports: [AuthModule.forRoot({ authenticator }), FeatureModule],
    }).compile();
    await expect(local).rejects.toThrow();
  });

  it('option mistakes throw a TypeError naming the option', async () => {
    await expect(
      Test.createTestingModule({
        imports: [AuthModule.forRootAsync({ useFactory: () => null as never })],
      }).compile(),
    ).rejects.toThrow(TypeError);
    await expect(
      Test.createTestingModule({
        imports: [AuthModule.forRoot({ ...VERIFIER_OPTIONS, realm: '' })],
      }).compile(),
    ).rejects.toThrow(/realm/);
  });

  it.each(platforms)(
    'APP_GUARD recipe on platform-%s: everything protected, @Public() opts out',
    async (platform) => {
      const authenticator = fakeAuthenticator(people);
      const server = await serve(
        platform,
        [
          AuthModule.forRoot({ authenticator, isGlobal: true }),
          { module: class AppGuardModule {}, providers: [{ provide: APP_GUARD, useClass: AuthGuard }] },
        ],
        [AppController],
      );
      opened.push(server);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(authenticator.calls).toBe(0);
      expect((await fetch(`${server.url}/me`)).status).toBe(401);
      const me = await fetch(`${server.url}/me`, { headers: { authorization: 'Bearer reader' } });
      expect(await me.json()).toEqual({ subject: 'reader' });
      // APP_GUARD + @UseGuards(AuthGuard, ScopeGuard): authenticated once per request
      const before = authenticator.calls;
      const items = await fetch(`${server.url}/items`, { headers: { authorization: 'Bearer reader' } });
      expect(items.status).toBe(200);
      expect(authenticator.calls - before).toBe(1);
    },
  );

  it('exceptionFilter: false leaves rendering to the application', async () => {
    const server = await serve(
      'express',
      [AuthModule.forRoot({ authenticator: fakeAuthenticator(people), exceptionFilter: false })],
      [AppController],
    );
    opened.push(server);
    const res = await fetch(`${server.url}/items`);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});
