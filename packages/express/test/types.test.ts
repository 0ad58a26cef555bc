import type { Principal } from '@auth/core';
import type { Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { AuthenticatedRequest, AuthMiddleware } from '../src/index.ts';
import { getAuth, requireAuth, requireScopes } from '../src/index.ts';

describe('typing', () => {
  it('req.auth is an optional Principal on every Express request', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<Principal | undefined>();
  });

  it('getAuth and AuthenticatedRequest give a non-optional Principal', () => {
    expectTypeOf(getAuth).returns.toEqualTypeOf<Principal>();
    expectTypeOf<AuthenticatedRequest['auth']>().toEqualTypeOf<Principal>();
    expectTypeOf<
      AuthenticatedRequest<Request<{ orgId: string }>>['params']['orgId']
    >().toEqualTypeOf<string>();
  });

  it('middleware factories return Express handlers', () => {
    expectTypeOf(requireAuth).returns.toEqualTypeOf<AuthMiddleware>();
    expectTypeOf<AuthMiddleware>().toExtend<RequestHandler>();
    expectTypeOf(requireScopes).returns.toExtend<RequestHandler>();
    expectTypeOf(requireScopes).parameters.toEqualTypeOf<(string | readonly string[])[]>();
  });
});
