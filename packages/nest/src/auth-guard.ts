import type { Authenticator } from '@auth/core';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { authenticateRequest } from './authenticate-request.ts';
import { RouteAuthenticators } from './route-authenticator.ts';
import { guardedRoute } from './route-requirements.ts';
import { AUTH_AUTHENTICATOR } from './tokens.ts';

/**
 * Authenticates the request and sets `request.auth` (Express and Fastify alike). Honours `@Public()`
 * (skipped), `@OptionalAuth()` (no credentials → `request.auth` undefined) and `@AuthenticateWith()`.
 * Throws the AuthError, which `AuthExceptionFilter` renders. Contexts without an HTTP request
 * (WebSocket, RPC, GraphQL subscriptions) are denied unless `@Public()`: see the README.
 */
export class AuthGuard implements CanActivate {
  private readonly authenticators: RouteAuthenticators;

  constructor(
    authenticator: Authenticator,
    private readonly reflector: Reflector,
    moduleRef?: ModuleRef,
  ) {
    this.authenticators = new RouteAuthenticators(authenticator, moduleRef);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const guarded = guardedRoute(this.reflector, context);
    if (typeof guarded === 'boolean') return guarded;
    const { route, req } = guarded;
    await authenticateRequest(
      this.authenticators.get(route.authenticator),
      req,
      route.mode === 'optional',
      context.getHandler(),
    );
    return true;
  }
}

// Decorators applied as calls: the source needs no decorator transform (tsx, esbuild, Vite) and DI
// needs no emitted parameter types.
Injectable()(AuthGuard);
Inject(AUTH_AUTHENTICATOR)(AuthGuard, undefined, 0);
Inject(Reflector)(AuthGuard, undefined, 1);
Inject(ModuleRef)(AuthGuard, undefined, 2);
Optional()(AuthGuard, undefined, 2);
