/** @auth/nest setup mistakes are core ConfigurationErrors (still TypeErrors). */
import { ConfigurationError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { AuthenticateWith, AuthModule, Authorize, OrgPermission } from '../src/index.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@auth/nest: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      '@Authorize without a policy',
      () => Authorize('admin' as never),
      'Authorize: policy must be a core Policy function',
    ],
    [
      '@AuthenticateWith(undefined)',
      () => AuthenticateWith(undefined as never),
      'AuthenticateWith: token is required',
    ],
    [
      '@OrgPermission with options null',
      () => OrgPermission('read', 'items', null as never),
      '@OrgPermission: options must be an object',
    ],
    ['AuthModule.forRoot(42)', () => AuthModule.forRoot(42 as never), /AuthModule.forRoot: options must be/],
    [
      'AuthModule.forRootAsync({})',
      () => AuthModule.forRootAsync({} as never),
      'AuthModule.forRootAsync: give exactly one of useFactory, useClass or useExisting',
    ],
  ])('%s', (_, fn, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });
});
