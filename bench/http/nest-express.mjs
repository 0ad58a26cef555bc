// Nest scenarios for bench/http.mjs on platform-express (nest-fastify.mjs reuses `nestScenarios`):
// GET /items with no auth, @nestjs/passport + passport-jwt + jwks-rsa, and @auth/nest with the token
// cache off and on. Decorators are applied as calls, so no decorator transform is needed.
// Nest and the passport baseline are devDependencies of @auth/bench, at the versions (and peers) @auth/nest
// resolves, so the app, the guards and @auth/nest share one copy of @nestjs/common and @nestjs/core.
import { dpopAuthOptions } from './lib/dpop.mjs';

export const framework = 'nest-express';
export const baseline = 'no auth';
export const targets = [
  { scenario: 'ours, cache off', over: '@nestjs/passport + passport-jwt', min: 1.2 },
  { scenario: 'ours, cache on', over: 'no auth', min: 0.85 },
];

const items = [{ id: 1, name: 'hammer' }];

/** A controller serving GET /items behind the given guards. */
function itemsController(common, guards) {
  class ItemsController {
    items() {
      return items;
    }
  }
  const proto = ItemsController.prototype;
  common.Get('items')(proto, 'items', Object.getOwnPropertyDescriptor(proto, 'items'));
  common.Controller()(ItemsController);
  if (guards.length > 0) common.UseGuards(...guards)(ItemsController);
  return ItemsController;
}

async function serve(platform, module) {
  const { NestFactory } = await import('@nestjs/core');
  const options = { logger: false };
  const app =
    platform === 'fastify'
      ? await NestFactory.create(
          module,
          new (await import('@nestjs/platform-fastify')).FastifyAdapter(),
          options,
        )
      : await NestFactory.create(module, options);
  await app.listen(0, '127.0.0.1');
  return { port: app.getHttpServer().address().port, close: () => app.close() };
}

async function noAuth(platform) {
  const common = await import('@nestjs/common');
  class AppModule {}
  common.Module({ controllers: [itemsController(common, [])] })(AppModule);
  return serve(platform, AppModule);
}

async function passport(platform, ctx) {
  const common = await import('@nestjs/common');
  const { AuthGuard, PassportModule, PassportStrategy } = await import('@nestjs/passport');
  const { Strategy, ExtractJwt } = await import('passport-jwt');
  const { passportJwtSecret } = await import('jwks-rsa');
  class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
    constructor() {
      super({
        secretOrKeyProvider: passportJwtSecret({ jwksUri: ctx.jwksUri, cache: true, rateLimit: true }),
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        issuer: ctx.issuer,
        audience: ctx.audience,
        algorithms: ['RS256'],
      });
    }
    validate(payload) {
      return payload;
    }
  }
  common.Injectable()(JwtStrategy);
  class AppModule {}
  common.Module({
    imports: [PassportModule],
    providers: [JwtStrategy],
    controllers: [itemsController(common, [AuthGuard('jwt')])],
  })(AppModule);
  return serve(platform, AppModule);
}

async function ours(platform, ctx, cacheSize, options) {
  const common = await import('@nestjs/common');
  const { AuthGuard, AuthModule } = await import('@auth/nest');
  class AppModule {}
  common.Module({
    imports: [
      AuthModule.forRoot(
        options ?? {
          issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }],
          cacheSize,
        },
      ),
    ],
    controllers: [itemsController(common, [AuthGuard])],
  })(AppModule);
  return serve(platform, AppModule);
}

/** Reject scenarios: GET /health (no guard) next to GET /items behind AuthGuard (AuthModule's filter). */
export async function nestRejectApp(platform, ctx) {
  const common = await import('@nestjs/common');
  const { AuthGuard, AuthModule } = await import('@auth/nest');
  class HealthController {
    health() {
      return { status: 'ok' };
    }
  }
  const proto = HealthController.prototype;
  common.Get('health')(proto, 'health', Object.getOwnPropertyDescriptor(proto, 'health'));
  common.Controller()(HealthController);
  class AppModule {}
  common.Module({
    imports: [
      AuthModule.forRoot({ issuers: [{ issuer: ctx.issuer, audience: ctx.audience, jwksUri: ctx.jwksUri }] }),
    ],
    controllers: [HealthController, itemsController(common, [AuthGuard])],
  })(AppModule);
  return serve(platform, AppModule);
}

export const rejectApp = (ctx) => nestRejectApp('express', ctx);

/** The five scenarios on one Nest platform. */
export function nestScenarios(platform) {
  return {
    'no auth': () => noAuth(platform),
    '@nestjs/passport + passport-jwt': (ctx) => passport(platform, ctx),
    'ours, cache off': (ctx) => ours(platform, ctx, 0),
    'ours, cache on': (ctx) => ours(platform, ctx, 10_000),
    // Authorization: DPoP + a fresh proof per request (http.mjs sends them; see lib/dpop.mjs).
    'ours, DPoP': async (ctx) => ours(platform, ctx, 10_000, await dpopAuthOptions(ctx)),
  };
}

export const scenarios = nestScenarios('express');
