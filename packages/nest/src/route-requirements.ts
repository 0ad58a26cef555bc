import type { Policy } from '@auth/core';
import type { ExecutionContext, InjectionToken } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { httpRequest, type NestRequest } from './request.ts';
import { AuthenticatorMetadata, AuthModeMetadata, requirementKinds, type AuthMode } from './decorators.ts';

export interface RouteRequirements {
  mode: AuthMode | 'required';
  /** `@AuthenticateWith(token)`: the provider to authenticate with instead of the module's. */
  authenticator: InjectionToken | undefined;
  /** Policies in a fixed order (scopes first, then groups, permissions, custom): all must allow. */
  policies: readonly Policy[];
}

const kinds = Object.values(requirementKinds);

// Metadata is fixed once classes are defined: resolve each (handler, class) pair once, not per request.
const cache = new WeakMap<Function, WeakMap<Function, RouteRequirements>>();

/** The route's mode and policies: handler metadata overrides class metadata, per kind. */
export function routeRequirements(reflector: Reflector, context: ExecutionContext): RouteRequirements {
  const handler = context.getHandler();
  const cls = context.getClass();
  let byClass = cache.get(handler);
  let found = byClass?.get(cls);
  if (found) return found;
  const targets = [handler, cls];
  const policies: Policy[] = [];
  for (const kind of kinds) {
    const policy = reflector.getAllAndOverride(kind, targets);
    if (typeof policy === 'function') policies.push(policy);
  }
  found = {
    mode: reflector.getAllAndOverride(AuthModeMetadata, targets) ?? 'required',
    authenticator: reflector.getAllAndOverride(AuthenticatorMetadata, targets),
    policies,
  };
  if (!byClass) {
    byClass = new WeakMap();
    cache.set(handler, byClass);
  }
  byClass.set(cls, found);
  return found;
}

/**
 * What both guards do first: `true` for a `@Public()` route (skip), `false` where there is no HTTP
 * request to authenticate (WebSocket, RPC, GraphQL without a request: fail closed, Nest answers with
 * its transport's Forbidden), otherwise the route's requirements and its request.
 */
export function guardedRoute(
  reflector: Reflector,
  context: ExecutionContext,
): boolean | { route: RouteRequirements; req: NestRequest } {
  const route = routeRequirements(reflector, context);
  if (route.mode === 'public') return true;
  const req = httpRequest(context);
  return req === undefined ? false : { route, req };
}
