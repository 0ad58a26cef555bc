/** @auth/express setup mistakes are core ConfigurationErrors (still TypeErrors). */
import { ConfigurationError } from '@auth/core';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { authErrorHandler, authorize, requireAuth, requireLogin } from '../src/index.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('@auth/express: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'authorize without a policy',
      () => authorize('admin' as never),
      '@auth/express: authorize(policy) needs a policy',
    ],
    [
      'authErrorHandler(null)',
      () => authErrorHandler(null as never),
      'authErrorHandler(): options must be an object',
    ],
    [
      'requireAuth with a misspelt option',
      () => requireAuth({ issuers: [], scope: ['a'] } as never),
      /unknown option "scope"/,
    ],
  ])('%s', (_, fn, message) => {
    const error = thrown(fn);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as ConfigurationError).code).toBe('ERR_AUTH_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });

  it('requireLogin() mounted without webAuth() hands a ConfigurationError to next()', () => {
    let passed: unknown;
    requireLogin()(
      {} as Request,
      {} as Response,
      ((e: unknown) => {
        passed = e;
      }) as NextFunction,
    );
    expect(passed).toBeInstanceOf(ConfigurationError);
    expect((passed as Error).message).toBe(
      '@auth/express requireLogin(): mount app.use(webAuth(...)) before it',
    );
  });
});
