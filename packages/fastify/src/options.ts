import { ConfigurationError } from '@auth/core';
import type { AuthLogger, Authenticator, AuthenticatorOptions, Verifier } from '@auth/core';
import { STARTUP_KEYS } from '@auth/core/internal';

/** Plugin-only settings (everything else is core's AuthenticatorOptions). */
export interface FastifyAuthPluginSettings {
  /**
   * `'required'`: every route registered in this scope (and its children) after the plugin needs a
   * valid token unless its `config.auth` says otherwise. `'none'` (default): only routes with
   * `config.auth` or an explicit hook are protected.
   */
  defaultAuth?: 'required' | 'none';
  /**
   * Lifecycle hook the declarative `config.auth` check runs in. `onRequest` (default) rejects before the
   * body is parsed; with `tokenLocations.body` the default is `preValidation` (after body parsing).
   */
  hook?: 'onRequest' | 'preValidation' | 'preHandler';
  /**
   * `false` (default): failures are answered from the hook with the contract's response, whatever error
   * handler the app has. `true`: the AuthError is thrown into Fastify's error handling instead; your
   * `setErrorHandler` then renders it (see `replyAuthError`).
   */
  throwErrors?: boolean;
  /**
   * Where auth events are logged: a pino-style logger, or `false` for none. Default: this scope's
   * Fastify logger (`fastify.log`, so Fastify's `logLevel` register option filters them).
   */
  logger?: AuthLogger | false;
  /**
   * When the issuers' keys (and discovery documents) are fetched. `'fail'`: at registration, and
   * `app.ready()` / `listen()` reject with a `StartupError` when they cannot be; `'warn'`: at
   * registration, a failure is logged and retried in the background every `startupRetryMs` (requests
   * get 503 until the keys arrive); `'lazy'` (default): by the first request.
   */
  startup?: 'fail' | 'warn' | 'lazy';
  /** `startup: 'warn'`: milliseconds between background attempts (default 5000). */
  startupRetryMs?: number;
}

/**
 * Options of `fastify.register(fastifyAuth, options)`: core's options, `{ authenticator }` (a ready
 * Authenticator or Verifier, e.g. API keys; not closed by the plugin), or nothing but plugin settings
 * (then `AUTH_*` environment variables configure it).
 *
 * @example
 * ```ts
 * await app.register(fastifyAuth, { issuers: [{ issuer, audience }], defaultAuth: 'required' });
 * await app.register(fastifyAuth, { authenticator: oneOfAuthenticators(bearer, apiKeys) });
 * ```
 */
export type FastifyAuthOptions = FastifyAuthPluginSettings &
  (AuthenticatorOptions | { authenticator: Authenticator | Verifier } | {});

/** The plugin's own keys, and those Fastify's `register` reads itself (they may reach the plugin). */
export const PLUGIN_KEYS = [
  'defaultAuth',
  'hook',
  'throwErrors',
  'logger',
  ...STARTUP_KEYS,
  'prefix',
  'logLevel',
  'logSerializers',
];

export function readSettings(
  options: unknown,
  readsBody: boolean,
): Required<Omit<FastifyAuthPluginSettings, 'logger' | 'startup' | 'startupRetryMs'>> {
  const record = (
    typeof options === 'object' && options !== null ? options : {}
  ) as FastifyAuthPluginSettings;
  const defaultAuth = record.defaultAuth ?? 'none';
  if (defaultAuth !== 'required' && defaultAuth !== 'none') {
    throw new ConfigurationError("@auth/fastify: options.defaultAuth must be 'required' or 'none'");
  }
  // A body token is only there once the body is parsed: then check in preValidation by default.
  const hook = record.hook ?? (readsBody ? 'preValidation' : 'onRequest');
  if (hook !== 'onRequest' && hook !== 'preValidation' && hook !== 'preHandler') {
    throw new ConfigurationError(
      "@auth/fastify: options.hook must be 'onRequest', 'preValidation' or 'preHandler'",
    );
  }
  const throwErrors = record.throwErrors ?? false;
  if (typeof throwErrors !== 'boolean')
    throw new ConfigurationError('@auth/fastify: options.throwErrors must be a boolean');
  return { defaultAuth, hook, throwErrors };
}
