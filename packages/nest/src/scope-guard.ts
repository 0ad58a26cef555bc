import { assertAllowed, isAuthError, MissingTokenError, type Authenticator } from '@auth/core';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { authenticateRequest, authFailure } from './authenticate-request.ts';
import { policyContext } from './request.ts';
import { RouteAuthenticators } from './route-authenticator.ts';
import { guardedRoute } from './route-requirements.ts';
import { AUTH_AUTHENTICATOR } from './tokens.ts';

/**
 * Enforces `@Scopes`, `@AnyScope`, `@Groups`, `@Permission`, `@OrgPermission` and `@Authorize` with
 * core's `assertAllowed` (every requirement present must allow). Authenticates first when no AuthGuard
 * ran before it, so `@UseGuards(ScopeGuard)` alone is safe; `@Public()` routes are skipped.
 */
export class ScopeGuard implements CanActivate {
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
    const authenticator = this.authenticators.get(route.authenticator);
    const principal = await authenticateRequest(
      authenticator,
      req,
      route.mode === 'optional',
      context.getHandler(),
    );
    if (route.policies.length === 0) return true;
    // An optional route with requirements: the requirements win, so no credentials is a 401.
    if (principal === undefined) throw authFailure(authenticator, new MissingTokenError());
    const ctx = policyContext(req);
    try {
      for (const policy of route.policies) await assertAllowed(policy, principal, ctx);
    } catch (error) {
      // Denials are AuthErrors (403, or 503 for a failed decision point); anything else is a server bug.
      if (isAuthError(error)) error.realm = authenticator.realm;
      throw error;
    }
    return true;
  }
}

// Decorators applied as calls (see auth-guard.ts).
Injectable()(ScopeGuard);
Inject(AUTH_AUTHENTICATOR)(ScopeGuard, undefined, 0);
Inject(Reflector)(ScopeGuard, undefined, 1);
Inject(ModuleRef)(ScopeGuard, undefined, 2);
Optional()(ScopeGuard, undefined, 2);
