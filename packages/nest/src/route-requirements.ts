import { ConfigurationError } from '@auth/core';
import {
  compileRouteRequirement,
  OPTIONAL,
  PUBLIC,
  REQUIRED,
  type RouteRequirement,
} from '@auth/core/internal';
import type { ExecutionContext, InjectionToken } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import { AuthenticatorMetadata, AuthModeMetadata, requirementKinds } from './decorators.ts';
import { httpRequest, type NestRequest } from './request.ts';

export interface CompiledRoute {
  /** What ScopeGuard runs: the mode and the route's one policy. */
  requirement: RouteRequirement;
  /** What AuthGuard runs: the same mode, no policy. */
  authentication: RouteRequirement;
  /** `@AuthenticateWith(token)`: the provider to authenticate with instead of the module's. */
  authenticator: InjectionToken | undefined;
}

const kinds = Object.entries(requirementKinds);

// Metadata is fixed once classes are defined: compile each (handler, class) pair once, not per request.
const cache = new WeakMap<Function, WeakMap<Function, CompiledRoute>>();

/**
 * The route's requirement: handler metadata overrides class metadata, per kind, merged into one core
 * `RouteSpec`. A `@Public()` handler opts out of its class's requirements; `@Public()` next to a
 * requirement of its own level or below (a public controller, a route with `@Scopes`) is refused with
 * core's TypeError rather than dropping the requirement.
 */
export function compileRoute(reflector: Reflector, handler: Function, cls: Function): CompiledRoute {
  let byClass = cache.get(handler);
  let found = byClass?.get(cls);
  if (found) return found;
  const handlerMode = reflector.get(AuthModeMetadata, handler);
  const mode = handlerMode ?? reflector.get(AuthModeMetadata, cls);
  const levels = handlerMode === 'public' ? [handler] : [handler, cls];
  const spec: Record<string, unknown> = { public: mode === 'public', optional: mode === 'optional' };
  for (const [key, decorator] of kinds) {
    const value = reflector.getAllAndOverride(decorator, levels);
    if (value !== undefined) spec[key] = value;
  }
  const where = `@auth/nest route ${cls.name}.${handler.name}`;
  const requirement = compileRouteRequirement(spec, { where });
  // @AuthenticateWith asks for authentication: under a @Public() that covers it, it would be dropped.
  if (
    requirement.mode === 'public' &&
    reflector.getAllAndOverride(AuthenticatorMetadata, levels) !== undefined
  ) {
    throw new ConfigurationError(`${where}: a public route cannot name an authenticator (@AuthenticateWith)`);
  }
  const authentication =
    requirement.mode === 'public' ? PUBLIC : requirement.mode === 'optional' ? OPTIONAL : REQUIRED;
  found = {
    requirement,
    authentication,
    authenticator: reflector.getAllAndOverride(AuthenticatorMetadata, [handler, cls]),
  };
  if (!byClass) {
    byClass = new WeakMap();
    cache.set(handler, byClass);
  }
  byClass.set(cls, found);
  return found;
}

/** The compiled route of an execution context. */
export function routeOf(reflector: Reflector, context: ExecutionContext): CompiledRoute {
  return compileRoute(reflector, context.getHandler(), context.getClass());
}

/**
 * What both guards do first: `true` for a `@Public()` route (skip), `false` where there is no HTTP
 * request to authenticate (WebSocket, RPC, GraphQL without a request: fail closed, Nest answers with
 * its transport's Forbidden), otherwise the route and its request.
 */
export function guardedRoute(
  reflector: Reflector,
  context: ExecutionContext,
): boolean | { route: CompiledRoute; req: NestRequest } {
  const route = routeOf(reflector, context);
  if (route.requirement.mode === 'public') return true;
  const req = httpRequest(context);
  return req === undefined ? false : { route, req };
}
