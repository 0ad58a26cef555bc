import { type Authenticator, ConfigurationError, isReady } from '@auth/core';
import { Inject, Injectable } from '@nestjs/common';
import { AUTH_AUTHENTICATOR } from './tokens.ts';

/**
 * What `AuthHealthIndicator.isHealthy(key)` returns: `@nestjs/terminus`'s `HealthIndicatorResult`
 * shape, `{ [key]: { status: 'up' | 'down' } }` (structural: this package does not import terminus).
 */
export type AuthHealthResult<Key extends string = 'auth'> = Record<Key, { status: 'up' | 'down' }>;

/**
 * A `@nestjs/terminus` health indicator (provided by `AuthModule`): up once every issuer of the
 * module's authenticator has usable keys, down until then. `isReady()` is the same answer as a
 * boolean, for a `/ready` controller without terminus.
 *
 * @example
 * ```ts
 * @Controller('ready')
 * export class ReadyController {
 *   constructor(private readonly health: HealthCheckService, private readonly auth: AuthHealthIndicator) {}
 *   @Get() @Public() @HealthCheck()
 *   check() {
 *     return this.health.check([() => this.auth.isHealthy('auth')]); // 503 while down
 *   }
 * }
 * ```
 */
export class AuthHealthIndicator {
  constructor(private readonly authenticator: Authenticator) {}

  /** True once every issuer has usable keys. */
  isReady(): boolean {
    return isReady(this.authenticator);
  }

  /** `{ [key]: { status: 'up' } }` once every issuer has usable keys, else `{ [key]: { status: 'down' } }`. */
  isHealthy<Key extends string = 'auth'>(key: Key = 'auth' as Key): AuthHealthResult<Key> {
    if (typeof key !== 'string' || key === '')
      throw new ConfigurationError('AuthHealthIndicator.isHealthy: key must be a non-empty string');
    return { [key]: { status: this.isReady() ? 'up' : 'down' } } as AuthHealthResult<Key>;
  }
}
// Decorators applied as calls (see route-guard.ts).
Injectable()(AuthHealthIndicator);
Inject(AUTH_AUTHENTICATOR)(AuthHealthIndicator, undefined, 0);
