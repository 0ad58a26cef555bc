import { ConfigurationError } from '@auth/core';
import type { AdapterStartup, AuthBinding } from '@auth/core/internal';
import {
  assertKnownKeys,
  LOGGING_KEYS,
  readStartupOptions,
  STARTUP_KEYS,
  startAuthentication,
  startupLog,
} from '@auth/core/internal';
import { isAuthenticator, isVerifier, verifierOptionsFromEnv } from '@auth/core';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AuthGuard } from './auth-guard.ts';
import { AuthHealthIndicator } from './auth-health-indicator.ts';
import {
  AUTHENTICATOR_OPTION_KEYS,
  type AUTH_ASYNC_OPTIONS_TYPE,
  type AUTH_OPTIONS_TYPE,
  AuthConfigurableModule,
  MODULE_EXTRAS_KEYS,
} from './auth-module-definition.ts';
import type { NestRequest } from './request.ts';
import { createNestBinding, nestLines } from './route-bindings.ts';
import { compileRoute } from './route-requirements.ts';
import { ScopeGuard } from './scope-guard.ts';
import { AUTH_AUTHENTICATOR, AUTH_BINDING, AUTH_MODULE_OPTIONS } from './tokens.ts';

const WHERE = 'AuthModule options';

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
 * `AuthModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory | useClass })`: provides
 * the authenticator under `AUTH_AUTHENTICATOR`, the guards, `AuthHealthIndicator` and the
 * `AuthExceptionFilter` (APP_FILTER). Fetches the keys at module init as `startup` says (`'fail'`:
 * `app.init()` rejects with a StartupError when it cannot), checks every route's auth decorators when
 * the application starts, and closes the authenticator it created when the application shuts down.
 *
 * @example
 * ```ts
 * @Module({ imports: [AuthModule.forRoot({ issuers: [{ issuer, audience: 'api://orders' }] })] })
 * export class AppModule {}
 * ```
 */
export class AuthModule
  extends AuthConfigurableModule
  implements OnModuleInit, OnModuleDestroy, OnApplicationBootstrap
{
  private startup: AdapterStartup | undefined;

  constructor(
    private readonly binding: AuthBinding<NestRequest>,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly options: unknown,
  ) {
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
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError(
        'AuthModule.forRoot: options must be verifier options, a verifier or an authenticator',
      );
    }
    const ready = isVerifier(options) || isAuthenticator(options);
    // Checked here, when the module is defined: a typo must not wait for the application to start.
    if (!ready) {
      const base = 'authenticator' in options ? ['authenticator'] : AUTHENTICATOR_OPTION_KEYS;
      assertKnownKeys(
        options,
        [...base, ...LOGGING_KEYS, ...STARTUP_KEYS, ...MODULE_EXTRAS_KEYS],
        'AuthModule.forRoot',
      );
      readStartupOptions(options, 'AuthModule.forRoot');
    }
    // The builder copies option objects key by key, which would break a verifier or authenticator.
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
    return super.forRoot(ready ? { authenticator: options } : options);
  }

  /** `{ imports, inject, useFactory | useClass | useExisting, isGlobal?, exceptionFilter? }`. */
  static override forRootAsync(options: typeof AUTH_ASYNC_OPTIONS_TYPE): DynamicModule {
    assertKnownKeys(options, ASYNC_KEYS, 'AuthModule.forRootAsync');
    const { useFactory, useClass, useExisting } = options;
    if ([useFactory, useClass, useExisting].filter((v) => v !== undefined).length !== 1) {
      throw new ConfigurationError(
        'AuthModule.forRootAsync: give exactly one of useFactory, useClass or useExisting',
      );
    }
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = AuthModule, the module the builder returns
    return super.forRootAsync(options);
  }

  /**
   * Starts fetching the keys as `startup` says. `'fail'`: awaited here, so `app.init()` (and
   * `listen()`) reject with the StartupError; `'warn'`: logged on Nest's Logger, retried in the background.
   */
  async onModuleInit(): Promise<void> {
    const settings = readStartupOptions(this.options, WHERE);
    this.startup = startAuthentication(this.binding.authenticator, settings, {
      where: WHERE,
      log: startupLog(this.options, nestLines),
      awaited: true,
    });
    await this.startup.ready();
  }

  /** Compiles every route's decorators once: a misdeclared route fails the start with its TypeError. */
  onApplicationBootstrap(): void {
    const reflector = new Reflector();
    for (const { metatype } of [...this.discovery.getControllers(), ...this.discovery.getProviders()]) {
      const prototype = typeof metatype === 'function' ? metatype.prototype : undefined;
      if (prototype === undefined || prototype === null) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        compileRoute(reflector, prototype[name], metatype as Function);
      }
    }
  }

  onModuleDestroy(): void {
    this.startup?.stop();
    this.binding.close(); // closes only what the binding created from options
  }
}

// Decorators applied as calls (see route-guard.ts).
Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: AUTH_BINDING,
      useFactory: (options: unknown) => createNestBinding(options, WHERE),
      inject: [AUTH_MODULE_OPTIONS],
    },
    {
      provide: AUTH_AUTHENTICATOR,
      useFactory: (binding: AuthBinding<NestRequest>) => binding.authenticator,
      inject: [AUTH_BINDING],
    },
    AuthGuard,
    ScopeGuard,
    AuthHealthIndicator,
  ],
  exports: [AUTH_AUTHENTICATOR, AuthGuard, ScopeGuard, AuthHealthIndicator],
})(AuthModule);
Inject(AUTH_BINDING)(AuthModule, undefined, 0);
Inject(DiscoveryService)(AuthModule, undefined, 1);
Inject(MetadataScanner)(AuthModule, undefined, 2);
Inject(AUTH_MODULE_OPTIONS)(AuthModule, undefined, 3);
