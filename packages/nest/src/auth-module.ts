import {
  assertKnownKeys,
  createAuthenticator,
  isAuthenticator,
  isVerifier,
  verifierOptionsFromEnv,
  type Authenticator,
  type AuthenticatorOptions,
  type Verifier,
} from '@auth/core';
import { Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { AuthGuard } from './auth-guard.ts';
import {
  AUTHENTICATOR_OPTION_KEYS,
  type AUTH_ASYNC_OPTIONS_TYPE,
  type AUTH_OPTIONS_TYPE,
  AuthConfigurableModule,
  type AuthModuleOptions,
  MODULE_EXTRAS_KEYS,
} from './auth-module-definition.ts';
import { ScopeGuard } from './scope-guard.ts';
import { AUTH_AUTHENTICATOR, AUTH_MODULE_OPTIONS } from './tokens.ts';

// Which authenticators this module created (and so closes); one handed in belongs to the caller.
const owned = new WeakSet<Authenticator>();

const ASYNC_KEYS = [
  'imports',
  'inject',
  'useFactory',
  'useClass',
  'useExisting',
  'provideInjectionTokensFrom',
  ...MODULE_EXTRAS_KEYS,
];

/**
 * Unknown keys throw (a typo must not drop a setting): core options or `{ authenticator }`, plus the
 * module settings where the caller can give them (`forRoot`, not a `forRootAsync` factory's result).
 */
function checkKeys(
  options: unknown,
  where: string,
  extras: readonly string[],
): asserts options is AuthModuleOptions {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options are required (verifier options, a verifier or an authenticator)`);
  }
  if (isVerifier(options) || isAuthenticator(options)) return;
  const base = 'authenticator' in options ? ['authenticator'] : AUTHENTICATOR_OPTION_KEYS;
  assertKnownKeys(options, [...base, ...extras], where);
}

function toAuthenticator(options: AuthModuleOptions | undefined): Authenticator {
  // `forRoot` checked its options already (the builder strips the settings); a factory's result not yet.
  checkKeys(options, 'AuthModule options', []);
  const source =
    'authenticator' in options && !isAuthenticator(options)
      ? (options.authenticator as Verifier | Authenticator)
      : (options as AuthenticatorOptions | Verifier | Authenticator);
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
    checkKeys(options, 'AuthModule.forRoot', MODULE_EXTRAS_KEYS);
    // The builder copies option objects key by key, which would break a verifier or authenticator.
    const normalized = isVerifier(options) || isAuthenticator(options) ? { authenticator: options } : options;
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
    return super.forRoot(normalized);
  }

  /** `{ imports, inject, useFactory | useClass | useExisting, isGlobal?, exceptionFilter? }`. */
  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    assertKnownKeys(options, ASYNC_KEYS, 'AuthModule.forRootAsync');
    const { useFactory, useClass, useExisting } = options;
    if ([useFactory, useClass, useExisting].filter((v) => v !== undefined).length !== 1) {
      throw new TypeError('AuthModule.forRootAsync: give exactly one of useFactory, useClass or useExisting');
    }
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
    return super.forRootAsync(options);
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
