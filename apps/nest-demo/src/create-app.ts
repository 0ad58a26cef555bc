import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUTH_AUTHENTICATOR, protectedResourceMetadata } from '@auth/nest';
import { AppModule, type DemoConfig } from './app.module.ts';
import { JSON_BODY_LIMIT } from './json-body-after-auth.ts';

export type Platform = 'express' | 'fastify';

/** The demo app on platform-express (default) or platform-fastify, not yet listening. */
export async function createApp(
  config: DemoConfig,
  platform: Platform = 'express',
  options: { logger?: false } = { logger: false },
): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  // JSON bodies are parsed after the guards (JsonBodyAfterAuth), not by the platform before them;
  // form bodies stay with the platform (bounded), so a second token in one is refused by the guard.
  const app =
    platform === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter({ bodyLimit: JSON_BODY_LIMIT }), {
          ...options,
          abortOnError: false,
          bodyParser: false,
        })
      : await NestFactory.create<NestExpressApplication>(module, {
          ...options,
          abortOnError: false,
          bodyParser: false,
        });
  if (platform === 'fastify') {
    const fastify = (app as NestFastifyApplication).getHttpAdapter().getInstance();
    // Leave JSON bodies unread: the interceptor reads them once the request is authenticated.
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', (_request, _payload, done) => done(null, undefined));
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
  } else {
    (app as NestExpressApplication).useBodyParser('urlencoded', { extended: false, limit: JSON_BODY_LIMIT });
  }
  // RFC 9728 metadata of the module's authenticator (contract: further demo routes), when configured.
  if (config.auth.resourceMetadata !== undefined)
    app.use(protectedResourceMetadata(app.get(AUTH_AUTHENTICATOR)));
  app.enableShutdownHooks();
  return app;
}
