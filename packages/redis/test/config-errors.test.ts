/** @auth/redis setup mistakes are core ConfigurationErrors (still TypeErrors); no server needed. */
import { ConfigurationError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import {
  limitFailures,
  redisFailureLimiter,
  redisJwksCacheStore,
  redisSecretStore,
  redisSessionStore,
} from '../src/index.ts';

const redis = { sendCommand: async () => null } as never;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@auth/redis: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'no client',
      () => redisSecretStore({} as never),
      'redisSecretStore(): redis must be a connected node-redis client or cluster',
    ],
    [
      'a prefix with braces',
      () => redisSecretStore({ redis, prefix: 'a{b}' }),
      'redisSecretStore(): prefix must be a string without { or }',
    ],
    [
      'a zero command timeout',
      () => redisSecretStore({ redis, commandTimeoutMs: 0 }),
      /commandTimeoutMs must be a number > 0/,
    ],
    [
      'a failure limit of 0',
      () => redisFailureLimiter({ redis, limit: 0 } as never),
      /limit must be an integer >= 1/,
    ],
    [
      'a short integrity key',
      () => redisJwksCacheStore({ redis, integrityKey: 'short' }),
      /integrityKey must be a string of at least 32 characters/,
    ],
    [
      'a session store without a name',
      () => redisSessionStore({ redis, name: '' } as never),
      /name must be a cookie name/,
    ],
    [
      'limitFailures without an authenticator',
      () => limitFailures({} as never, {} as never, () => []),
      'limitFailures(): authenticator must be an Authenticator',
    ],
  ])('%s', (_, fn, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });
});
