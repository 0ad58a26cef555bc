/** @auth/fastify setup mistakes are core ConfigurationErrors (still TypeErrors). */
import { ConfigurationError } from '@auth/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyAuth, requireLogin } from '../src/index.ts';
import { authOptions } from './tokens.ts';

async function registrationError(settings: Record<string, unknown>): Promise<unknown> {
  const app = Fastify();
  try {
    await app.register(fastifyAuth, { ...authOptions(), ...settings } as never);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close().catch(() => undefined);
  }
}

describe('@auth/fastify: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [{ defaultAuth: 'always' }, "@auth/fastify: options.defaultAuth must be 'required' or 'none'"],
    [{ hook: 'onSend' }, "@auth/fastify: options.hook must be 'onRequest', 'preValidation' or 'preHandler'"],
    [{ throwErrors: 'yes' }, '@auth/fastify: options.throwErrors must be a boolean'],
  ])('%j', async (settings, message) => {
    const error = await registrationError(settings);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toBe(message);
  });

  it('requireLogin without fastifyWebAuth is a ConfigurationError', async () => {
    const error = await requireLogin
      .call(undefined as never, {} as never, {} as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe('@auth/fastify requireLogin: register fastifyWebAuth before it');
  });
});
