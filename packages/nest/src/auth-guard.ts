import { RouteGuard, injectable } from './route-guard.ts';
import type { CompiledRoute } from './route-requirements.ts';

/**
 * Authenticates the request and sets `request.auth` (Express and Fastify alike). Honours `@Public()`
 * (skipped), `@OptionalAuth()` (no credentials → `request.auth` undefined, unless the route has a
 * requirement) and `@AuthenticateWith()`. Throws the AuthError, which `AuthExceptionFilter` renders.
 * Contexts without an HTTP request (WebSocket, RPC, GraphQL subscriptions) are denied unless
 * `@Public()`: see the README.
 *
 * @example
 * ```ts
 * @Controller('items') @UseGuards(AuthGuard, ScopeGuard) export class ItemsController {}
 * ```
 */
export class AuthGuard extends RouteGuard {
  protected runs(route: CompiledRoute) {
    return route.authentication;
  }
}
injectable(AuthGuard);
