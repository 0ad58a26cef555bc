/**
 * Injection tokens. `Symbol.for` keeps them equal across duplicate copies of this package (ESM and CJS
 * builds loaded side by side), and explicit tokens keep DI independent of emitted parameter types.
 */

/** The module's `Authenticator` (core): `@Inject(AUTH_AUTHENTICATOR) authenticator: Authenticator`. */
export const AUTH_AUTHENTICATOR: unique symbol = Symbol.for('@auth/nest.authenticator');

/** The options given to `AuthModule.forRoot` / returned by `forRootAsync` (before normalisation). */
export const AUTH_MODULE_OPTIONS = '@auth/nest.module-options';

/** @internal The module's binding (core's authenticator bound to Nest's request). */
export const AUTH_BINDING: unique symbol = Symbol.for('@auth/nest.binding');
