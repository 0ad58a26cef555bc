import {
  createAuthenticator,
  isAuthenticator,
  isVerifier,
  verifierOptionsFromEnv,
  type Authenticator,
} from '@auth/core';
import { Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { AuthGuard } from './auth-guard.ts';
import {
  type AUTH_OPTIONS_TYPE,
  AuthConfigurableModule,
  type AuthModuleOptions,
} from './auth-module-definition.ts';
import { ScopeGuard } from './scope-guard.ts';
import { AUTH_AUTHENTICATOR, AUTH_MODULE_OPTIONS } from './tokens.ts';

// Which authenticators this module created (and so closes); one handed in belongs to the caller.
const owned = new WeakSet<Authenticator>();

function toAuthenticator(options: AuthModuleOptions | undefined): Authenticator {
  if (options === undefined || options === null) {
    throw new TypeError(
      'AuthModule: options are required (verifier options, a verifier or an authenticator)',
    );
  }
  const source = 'authenticator' in options && !isAuthenticator(options) ? options.authenticator : options;
  if (isAuthenticator(source)) return source;
  const authenticator = createAuthenticator(source);
  owned.add(authenticator);
  return authenticator;
}

/**
 * `AuthModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory | useClass })`: provides
 * the authenticator under `AUTH_AUTHENTICATOR`, the guards, and the `AuthExceptionFilter` (APP_FILTER).
 * Closes the authenticator it created when the application shuts down.
 */
export class AuthModule extends AuthConfigurableModule implements OnModuleDestroy {
  constructor(private readonly authenticator: Authenticator) {
    super();
  }

  /**
   * Options, `{ authenticator, isGlobal? }`, or a verifier / authenticator as is. Without arguments,
   * the options come from `AUTH_*` environment variables (core's `verifierOptionsFromEnv`), read when
   * the application is created (so `.env` loaded by `ConfigModule.forRoot()` counts), not here.
   */
  static override forRoot(options?: typeof AUTH_OPTIONS_TYPE): DynamicModule {
    if (options === undefined) {
      // Read the environment when the provider is built, not when the module is defined: decorators
      // run at import time, before `ConfigModule.forRoot()` (or anything else) has loaded `.env`.
      // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
      return super.forRootAsync({ useFactory: () => verifierOptionsFromEnv() });
    }
    // The builder copies option objects key by key, which would break a verifier or authenticator.
    const normalized = isVerifier(options) || isAuthenticator(options) ? { authenticator: options } : options;
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
    return super.forRoot(normalized);
  }

  onModuleDestroy(): void {
    if (owned.has(this.authenticator)) this.authenticator.close();
  }
}

// Decorators applied as calls (see auth-guard.ts).
Module({
  providers: [
    { provide: AUTH_AUTHENTICATOR, useFactory: toAuthenticator, inject: [AUTH_MODULE_OPTIONS] },
    AuthGuard,
    ScopeGuard,
  ],
  exports: [AUTH_AUTHENTICATOR, AuthGuard, ScopeGuard],
})(AuthModule);
Inject(AUTH_AUTHENTICATOR)(AuthModule, undefined, 0);
