import type { AddressInfo } from 'node:net';
import { runConformance } from '@auth/conformance';
import type { Policy } from '@auth/core';
import { Controller, Get, type INestApplication, UseGuards } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { createApp, type Platform } from '../../../apps/nest-demo/src/create-app.ts';
import { AuthGuard, AuthModule, Authorize, ScopeGuard } from '../src/index.ts';

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

async function compile(platform: Platform, imports: unknown[], controllers: unknown[]) {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never[],
    controllers: controllers as never[],
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
    async declareRoute(options, auth) {
      // Nest's route-level requirements are decorators without option objects; the options object
      // that guards its routes is the module's.
      const app = await compile(platform, [AuthModule.forRoot({ ...auth, ...options })], []);
      await app.close();
    },
  });
}
