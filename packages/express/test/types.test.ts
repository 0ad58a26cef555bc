import type { Principal } from '@auth/core';
import type { Request, RequestHandler } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { AuthenticatedRequest, AuthMiddleware } from '../src/index.ts';
import { getAuth, requireAuth, requireScopes, withAuth } from '../src/index.ts';

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

  it('withAuth gives its handler a non-optional req.auth and typed params', () => {
    const handler = withAuth<Request<{ orgId: string }>>((req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<Principal>();
      expectTypeOf(req.params.orgId).toEqualTypeOf<string>();
      res.end();
    });
    expectTypeOf(handler).parameter(0).toEqualTypeOf<Request<{ orgId: string }>>();
    expectTypeOf(withAuth((req) => req.auth.subject)).toExtend<RequestHandler>();
  });

  it('middleware factories return Express handlers', () => {
    expectTypeOf(requireAuth).returns.toEqualTypeOf<AuthMiddleware>();
    expectTypeOf<AuthMiddleware>().toExtend<RequestHandler>();
    expectTypeOf(requireScopes).returns.toExtend<RequestHandler>();
    expectTypeOf(requireScopes).parameters.toEqualTypeOf<(string | readonly string[])[]>();
  });
});
