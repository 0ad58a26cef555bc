import { RouteGuard, injectable } from './route-guard.ts';
import type { CompiledRoute } from './route-requirements.ts';

/**
 * Enforces the requirement decorators (`@Scopes`, `@AnyScope`, `@Groups`, `@AnyGroup`, `@Permission`,
 * `@OrgPermission`, `@OrgRole`, `@Claim`, `@Authorize`: all must allow), compiled into one core
 * policy per route. Authenticates first when no AuthGuard ran before it (once per request), so
 * `@UseGuards(ScopeGuard)` alone is safe; `@Public()` routes are skipped.
 *
 * @example
 * ```ts
 * @Get('items') @UseGuards(ScopeGuard) @Scopes('read:items') items() {}
 * ```
 */
export class ScopeGuard extends RouteGuard {
  protected runs(route: CompiledRoute) {
    return route.requirement;
  }
}
injectable(ScopeGuard);
