import type { AddressInfo } from 'node:net';
import { runConformance } from '@auth/conformance';
import { type Authenticator, createAuthenticator, type Policy } from '@auth/core';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Inject,
  type INestApplication,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createApp, type Platform } from 'nest-demo/app';
import {
  AUTH_AUTHENTICATOR,
  AuthenticateWith,
  AuthGuard,
  AuthModule,
  Authorize,
  OptionalAuth,
  Principal,
  ScopeGuard,
  Scopes,
} from '../src/index.ts';

async function listen(app: INestApplication) {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** A controller with one route, `GET /guarded`, behind AuthGuard, ScopeGuard and `@Authorize(policy)`. */
function guardedController(policy: Policy) {
  @Controller()
  @UseGuards(AuthGuard, ScopeGuard)
  class GuardedController {
    @Get('guarded')
    @Authorize(policy)
    guarded() {
      return { ok: true };
    }
  }
  return GuardedController;
}

const REQUIRED_AUTH = 'STACKED_REQUIRED_AUTH';

/**
 * `GET /stacked`: on one request, `AuthGuard` for an `@OptionalAuth()` route (the module's
 * authenticator), then `AuthGuard` for the route itself (required, `@AuthenticateWith(REQUIRED_AUTH)`).
 * Nest runs one route per HTTP request; GraphQL runs one per field on a shared `req`, which the first
 * guard reproduces by running AuthGuard against the optional route's metadata.
 */
function stackedController() {
  class OptionalFirstGuard implements CanActivate {
    private readonly guard: AuthGuard;
    constructor(authenticator: Authenticator, reflector: Reflector, moduleRef: ModuleRef) {
      this.guard = new AuthGuard(authenticator, reflector, moduleRef);
    }
    canActivate(context: ExecutionContext) {
      const optional = new ExecutionContextHost(
        context.getArgs(),
        StackedController,
        StackedController.prototype.optionalStep,
      );
      return this.guard.canActivate(optional);
    }
  }
  Injectable()(OptionalFirstGuard);
  Inject(AUTH_AUTHENTICATOR)(OptionalFirstGuard, undefined, 0);
  Inject(Reflector)(OptionalFirstGuard, undefined, 1);
  Inject(ModuleRef)(OptionalFirstGuard, undefined, 2);

  @Controller()
  @UseGuards(OptionalFirstGuard, AuthGuard)
  class StackedController {
    @OptionalAuth()
    optionalStep() {}

    @Get('stacked')
    @AuthenticateWith(REQUIRED_AUTH)
    stacked(@Principal() principal: Principal | undefined) {
      return { sub: principal?.subject };
    }
  }
  return StackedController;
}

/** `GET /declared` with `@OptionalAuth()` when asked and `@Scopes(...)`, behind AuthGuard and ScopeGuard. */
function declaredController(route: { optional?: boolean; scopes?: readonly string[] }) {
  @Controller()
  @UseGuards(AuthGuard, ScopeGuard)
  class DeclaredController {
    @Get('declared')
    declared(@Principal() principal: Principal | undefined) {
      return { sub: principal?.subject ?? null };
    }
  }
  const method = Object.getOwnPropertyDescriptor(DeclaredController.prototype, 'declared')!;
  const decorate = (d: MethodDecorator) => d(DeclaredController.prototype, 'declared', method);
  if (route.scopes !== undefined) decorate(Scopes(...route.scopes));
  if (route.optional) decorate(OptionalAuth());
  return DeclaredController;
}

async function compile(
  platform: Platform,
  imports: unknown[],
  controllers: unknown[],
  providers: unknown[] = [],
) {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    controllers: controllers as never[],
    providers: providers as never[],
  }).compile();
  return platform === 'fastify'
    ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
    : moduleRef.createNestApplication({ logger: false });
}

// The contract's suite against the Nest demo module, once per HTTP platform.
for (const platform of ['express', 'fastify'] satisfies Platform[]) {
  runConformance({
    name: `nest-${platform}`,
    async start(config) {
      return listen(await createApp(config, platform));
    },
    async startGuarded({ auth, policy }) {
      return listen(await compile(platform, [AuthModule.forRoot(auth)], [guardedController(policy)]));
    },
    async startStacked({ optional, required }) {
      const second = required === undefined ? undefined : createAuthenticator(required);
      const provider =
        second === undefined
          ? { provide: REQUIRED_AUTH, useExisting: AUTH_AUTHENTICATOR }
          : { provide: REQUIRED_AUTH, useValue: second };
      const server = await listen(
        await compile(platform, [AuthModule.forRoot(optional)], [stackedController()], [provider]),
      );
      return {
        baseUrl: server.baseUrl,
        close: async () => {
          await server.close();
          second?.close();
        },
      };
    },
    async startDeclared({ auth, route }) {
      return listen(await compile(platform, [AuthModule.forRoot(auth)], [declaredController(route)]));
    },
    async declareRoute(options, auth) {
      // Nest's route-level requirements are decorators without option objects; the options object
      // that guards its routes is the module's.
      const app = await compile(platform, [AuthModule.forRoot({ ...auth, ...options })], []);
      await app.close();
    },
  });
}
