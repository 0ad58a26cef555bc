import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule, type DemoConfig } from './app.module.ts';

export type Platform = 'express' | 'fastify';

/** The demo app on platform-express (default) or platform-fastify, not yet listening. */
export async function createApp(
  config: DemoConfig,
  platform: Platform = 'express',
  options: { logger?: false } = { logger: false },
): Promise<INestApplication> {
  const module = AppModule.forRoot(config);
  const app =
    platform === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), { ...options, abortOnError: false })
      : await NestFactory.create(module, { ...options, abortOnError: false });
  app.enableShutdownHooks();
  return app;
}
