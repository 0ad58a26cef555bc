/**
 * What an adapter authenticates with, resolved one way for every framework: core's options, a Verifier,
 * an Authenticator, `{ authenticator }` holding either, or nothing (then `AUTH_*` environment variables).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { createAuthenticator, type AuthenticatorOptions } from '../authenticate.ts';
import { isAuthenticator, type Authenticator } from '../authenticator.ts';
import { type EnvLike, verifierOptionsFromEnv } from '../config/index.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { isVerifier, type Verifier } from '../verify/index.ts';

/**
 * What an adapter's `requireAuth()`, plugin or module accepts: core's authenticator options (a
 * verifier is created and owned), a ready Verifier or Authenticator (owned by the caller), or
 * `{ authenticator }` holding one of those.
 *
 * @example
 * ```ts
 * const a: AuthSource = { issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] };
 * const b: AuthSource = { authenticator: oneOf };
 * ```
 */
export type AuthSource =
  | AuthenticatorOptions
  | Verifier
  | Authenticator
  | { authenticator: Verifier | Authenticator };

/** An adapter's authenticator and whether the adapter created it (and so closes it). */
export interface ResolvedAuthenticator {
  readonly authenticator: Authenticator;
  /** True when created here from options or the environment: the adapter closes it on shutdown. */
  readonly owned: boolean;
  /** The options turned body tokens on: a form body must be parsed before authenticating. */
  readonly readsBody: boolean;
}

export interface ResolveOptions {
  /** Names the caller in TypeErrors, e.g. `@auth/fastify options`. */
  where: string;
  /** The adapter's own option keys (plugin settings, module extras): ignored here, allowed beside any source. */
  adapterKeys?: readonly string[];
  /** Environment read when no source is given; default `process.env` where the runtime has one. */
  env?: EnvLike;
}

function processEnv(where: string): EnvLike {
  const env = (globalThis as { process?: { env?: EnvLike } }).process?.env;
  if (env === undefined)
    throw new ConfigurationError(`${where}: options are required on a runtime without process.env`);
  return env;
}

function fromAuthenticatorOrVerifier(value: unknown, where: string): ResolvedAuthenticator | undefined {
  if (isAuthenticator(value)) return { authenticator: value, owned: false, readsBody: false };
  // Wrapping someone's verifier: the wrapper's close() leaves the verifier to its owner.
  if (isVerifier(value)) return { authenticator: createAuthenticator(value), owned: false, readsBody: false };
  if (value !== undefined)
    throw new ConfigurationError(`${where}: authenticator must be an Authenticator or a Verifier`);
  return undefined;
}

/**
 * Resolves an adapter's options into one Authenticator. Option misuse (unknown keys, core options next
 * to a ready authenticator, a value of the wrong kind) throws a TypeError here, at setup.
 *
 * @example
 * ```ts
 * const { authenticator, owned } = resolveAuthenticator(options, {
 *   where: '@auth/fastify options',
 *   adapterKeys: ['defaultAuth', 'hook'],
 * });
 * ```
 */
export function resolveAuthenticator(source: unknown, options: ResolveOptions): ResolvedAuthenticator {
  const { where, adapterKeys = [] } = options;
  if (source === undefined) {
    const env = options.env ?? processEnv(where);
    return { authenticator: createAuthenticator(verifierOptionsFromEnv(env)), owned: true, readsBody: false };
  }
  const ready =
    isAuthenticator(source) || isVerifier(source) ? fromAuthenticatorOrVerifier(source, where) : undefined;
  if (ready !== undefined) return ready;
  if (typeof source !== 'object' || source === null) {
    throw new ConfigurationError(`${where}: options must be an object, a verifier or an authenticator`);
  }
  const record = source as Record<string, unknown>;
  if ('authenticator' in record) {
    // Core options beside a ready authenticator would be ignored: refuse them by name instead.
    assertKnownKeys(record, ['authenticator', ...adapterKeys], where);
    const given = fromAuthenticatorOrVerifier(record.authenticator, where);
    if (given === undefined)
      throw new ConfigurationError(`${where}: authenticator must be an Authenticator or a Verifier`);
    return given;
  }
  let coreOptions: Record<string, unknown> = record;
  if (adapterKeys.some((key) => key in record)) {
    coreOptions = { ...record };
    for (const key of adapterKeys) delete coreOptions[key];
  }
  // Nothing but adapter settings: configure from AUTH_* environment variables, like no options at all.
  if (Object.keys(coreOptions).length === 0) {
    const env = options.env ?? processEnv(where);
    return { authenticator: createAuthenticator(verifierOptionsFromEnv(env)), owned: true, readsBody: false };
  }
  const authenticatorOptions = coreOptions as unknown as AuthenticatorOptions;
  return {
    authenticator: createAuthenticator(authenticatorOptions),
    owned: true,
    readsBody: authenticatorOptions.tokenLocations?.body === true,
  };
}
