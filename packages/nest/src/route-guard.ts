import type { Authenticator } from '@auth/core';
import type { RouteRequirement } from '@auth/core/internal';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { guardRoute } from './authenticate-request.ts';
import { RouteBindings } from './route-bindings.ts';
import { type CompiledRoute, guardedRoute } from './route-requirements.ts';
import { AUTH_AUTHENTICATOR } from './tokens.ts';

/** What AuthGuard and ScopeGuard share: they differ only in what of the route they run. */
export abstract class RouteGuard implements CanActivate {
  private readonly bindings: RouteBindings;

  constructor(
    authenticator: Authenticator,
    private readonly reflector: Reflector,
    moduleRef?: ModuleRef,
  ) {
    this.bindings = new RouteBindings(authenticator, moduleRef);
  }

  protected abstract runs(route: CompiledRoute): RouteRequirement;

  /** Synchronous when the token was cached; throws (or rejects with) the AuthError to render. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const guarded = guardedRoute(this.reflector, context);
    if (typeof guarded === 'boolean') return guarded;
    const { route, req } = guarded;
    return guardRoute(this.bindings.get(route.authenticator), req, this.runs(route), context.getHandler());
  }
}

/** Nest's decorators applied as calls: the source needs no decorator transform and DI no emitted types. */
export function injectable(guard: Function): void {
  Injectable()(guard);
  Inject(AUTH_AUTHENTICATOR)(guard, undefined, 0);
  Inject(Reflector)(guard, undefined, 1);
  Inject(ModuleRef)(guard, undefined, 2);
  Optional()(guard, undefined, 2);
}
