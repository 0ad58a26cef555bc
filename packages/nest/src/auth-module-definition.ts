import type { Authenticator, AuthenticatorOptions, Verifier } from '@auth/core';
import {
  AUTHENTICATOR_OPTION_KEYS,
  type AuthLoggingOptions,
  type AuthStartupOptions,
} from '@auth/core/internal';
import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthExceptionFilter } from './auth-exception-filter.ts';
import { AUTH_MODULE_OPTIONS } from './tokens.ts';

/**
 * What the module authenticates with: core's authenticator options (verifier options plus `realm`,
 * `tokenLocations`, `apiKey`), or `{ authenticator }` holding an existing verifier or authenticator.
 * `forRoot(verifier)` and `forRoot(authenticator)` are accepted as shorthands. Beside either: the
 * logging options (`logger`, `logLevel`) and the start-up ones (`startup: 'fail' | 'warn' | 'lazy'`,
 * `startupRetryMs`): with `'fail'`, `app.init()` / `listen()` reject when the keys cannot be fetched.
 */
export type AuthModuleOptions =
  | (AuthenticatorOptions & AuthLoggingOptions & AuthStartupOptions & { authenticator?: never })
  // Exact: core options next to an authenticator would be ignored, so they do not compile.
  | ({ authenticator: Verifier | Authenticator } & AuthLoggingOptions &
      AuthStartupOptions & {
        [K in keyof AuthenticatorOptions]?: never;
      })
  | Verifier
  | Authenticator;

/** Top-level keys of core's `AuthenticatorOptions` (core's one list, complete by its type check). */
export { AUTHENTICATOR_OPTION_KEYS };

/** Module-level settings that are not authenticator options. */
export interface AuthModuleExtras {
  /** Register the module globally (one `forRoot` in the root module serves every module). Default false. */
  isGlobal?: boolean;
  /** Register `AuthExceptionFilter` as an `APP_FILTER`. Default true; turn off to register it yourself. */
  exceptionFilter?: boolean;
}

export const MODULE_EXTRAS_KEYS: readonly string[] = Object.keys({
  isGlobal: true,
  exceptionFilter: true,
} satisfies Record<keyof AuthModuleExtras, true>);

/** For `forRootAsync({ useClass })`. */
export interface AuthOptionsFactory {
  createAuthOptions(): AuthModuleOptions | Promise<AuthModuleOptions>;
}

export const {
  ConfigurableModuleClass: AuthConfigurableModule,
  OPTIONS_TYPE: AUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: AUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<AuthModuleOptions>({ optionsInjectionToken: AUTH_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createAuthOptions')
  .setExtras<AuthModuleExtras>({ isGlobal: false, exceptionFilter: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    providers: [
      ...(definition.providers ?? []),
      ...(extras.exceptionFilter === false ? [] : [{ provide: APP_FILTER, useClass: AuthExceptionFilter }]),
    ],
  }))
  .build();

/** `AuthModule.forRootAsync(...)` options: `imports`, `inject`, `useFactory` | `useClass` | `useExisting`, plus extras. */
export type AuthModuleAsyncOptions = typeof AUTH_ASYNC_OPTIONS_TYPE;
