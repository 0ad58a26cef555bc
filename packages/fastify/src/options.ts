import {
  assertKnownKeys,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  isAuthenticator,
  isVerifier,
  type Verifier,
  verifierOptionsFromEnv,
} from '@auth/core';

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
}

/**
 * Options of `fastify.register(fastifyAuth, options)`: core's options, `{ authenticator }` (a ready
 * Authenticator or Verifier, e.g. API keys; not closed by the plugin), or nothing but plugin settings
 * (then `AUTH_*` environment variables configure it).
 */
export type FastifyAuthOptions = FastifyAuthPluginSettings &
  (AuthenticatorOptions | { authenticator: Authenticator | Verifier } | { verifier: Verifier } | {});

const PLUGIN_KEYS = ['defaultAuth', 'hook', 'throwErrors'] as const;
// Read by Fastify's `register` itself, so they may reach the plugin's options.
const REGISTER_KEYS = ['prefix', 'logLevel', 'logSerializers'] as const;

/** The authenticator to use and whether the plugin owns it (closes it with the server). */
export function resolveAuthenticator(options: unknown): { authenticator: Authenticator; owned: boolean } {
  if (isAuthenticator(options)) return { authenticator: options, owned: false };
  if (isVerifier(options)) return { authenticator: createAuthenticator(options), owned: false };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('@auth/fastify: options must be an object, a verifier or an authenticator');
  }
  const record = options as Record<string, unknown>;
  const given = record.authenticator ?? record.verifier;
  if (given !== undefined) {
    // With a ready authenticator, core options (realm, issuers…) would be ignored: name them instead.
    const which = record.authenticator !== undefined ? 'authenticator' : 'verifier';
    assertKnownKeys(record, [which, ...PLUGIN_KEYS, ...REGISTER_KEYS], '@auth/fastify options');
    if (isAuthenticator(given)) return { authenticator: given, owned: false };
    if (isVerifier(given)) return { authenticator: createAuthenticator(given), owned: false };
    throw new TypeError('@auth/fastify: options.authenticator must be an Authenticator or a Verifier');
  }
  const coreOptions: Record<string, unknown> = { ...record };
  for (const key of [...PLUGIN_KEYS, ...REGISTER_KEYS]) delete coreOptions[key];
  // Nothing but plugin settings: configure from AUTH_* environment variables, like the other adapters.
  if (Object.keys(coreOptions).length === 0) {
    return { authenticator: createAuthenticator(verifierOptionsFromEnv()), owned: true };
  }
  return { authenticator: createAuthenticator(coreOptions as unknown as AuthenticatorOptions), owned: true };
}

export function readSettings(options: unknown): Required<FastifyAuthPluginSettings> {
  const record = (
    typeof options === 'object' && options !== null ? options : {}
  ) as FastifyAuthPluginSettings;
  const defaultAuth = record.defaultAuth ?? 'none';
  if (defaultAuth !== 'required' && defaultAuth !== 'none') {
    throw new TypeError("@auth/fastify: options.defaultAuth must be 'required' or 'none'");
  }
  // A body token is only there once the body is parsed: then check in preValidation by default.
  const readsBody =
    (options as { tokenLocations?: { body?: unknown } } | null)?.tokenLocations?.body === true;
  const hook = record.hook ?? (readsBody ? 'preValidation' : 'onRequest');
  if (hook !== 'onRequest' && hook !== 'preValidation' && hook !== 'preHandler') {
    throw new TypeError("@auth/fastify: options.hook must be 'onRequest', 'preValidation' or 'preHandler'");
  }
  const throwErrors = record.throwErrors ?? false;
  if (typeof throwErrors !== 'boolean')
    throw new TypeError('@auth/fastify: options.throwErrors must be a boolean');
  return { defaultAuth, hook, throwErrors };
}
