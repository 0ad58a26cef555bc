/** @auth/aws setup mistakes are core ConfigurationErrors (still TypeErrors). */
import { ConfigurationError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import {
  cognitoUsers,
  cognitoUserTokens,
  secretsManagerStore,
  userAdminClient,
  userAdminRoutes,
} from '../src/index.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@auth/aws: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'secretsManagerStore without prefix or allowedIds',
      () => secretsManagerStore({}),
      /secretsManagerStore\(\)/,
    ],
    [
      'secretsManagerStore with a misspelt option',
      () => secretsManagerStore({ prefix: 'p/', allowedID: ['a'] } as never),
      'secretsManagerStore(): unknown option "allowedID"',
    ],
    [
      'secretsManagerStore with an empty region',
      () => secretsManagerStore({ prefix: 'p/', region: '' }),
      'secretsManagerStore(): region must be a non-empty string',
    ],
    [
      'cognitoUsers with a bad pool id',
      () => cognitoUsers({ userPoolId: 'pool' }),
      'cognitoUsers(): `userPoolId` must look like <region>_<id>',
    ],
    [
      'cognitoUserTokens with an unknown option',
      () =>
        cognitoUserTokens({
          userPoolId: 'eu-west-1_A',
          clientId: 'c',
          username: 'u',
          password: 'p',
          flows: 'srp',
        } as never),
      'cognitoUserTokens(): unknown option "flows"',
    ],
    [
      'userAdminRoutes without users',
      () => userAdminRoutes({} as never),
      /`users` \(a cognitoUsers\(\)\) is required/,
    ],
    [
      'userAdminClient with a relative baseUrl',
      () => userAdminClient({ baseUrl: '/admin', tokens: { getToken: async () => 't' } } as never),
      'userAdminClient(): `baseUrl` must be an absolute URL',
    ],
  ])('%s', (_, fn, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });
});
