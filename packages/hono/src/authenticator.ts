import {
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  isAuthenticator,
  isVerifier,
  type Verifier,
  verifierOptionsFromEnv,
} from '@auth/core';

/** What `requireAuth()` / `optionalAuth()` accept: core's options, a verifier or an authenticator. */
export type HonoAuthOptions = AuthenticatorOptions | Verifier | Authenticator;

export interface ResolvedAuthenticator {
  authenticator: Authenticator;
  /** Parse form bodies before authenticating (body token location turned on in the options). */
  readsBody: boolean;
}

export function resolveAuthenticator(options?: HonoAuthOptions): ResolvedAuthenticator {
  if (options === undefined) {
    // AUTH_* variables where the runtime has a process environment (Node, Bun, Deno with compat).
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    if (!env) throw new TypeError('@auth/hono: options are required on a runtime without process.env');
    return { authenticator: createAuthenticator(verifierOptionsFromEnv(env)), readsBody: false };
  }
  if (isAuthenticator(options)) return { authenticator: options, readsBody: false };
  if (isVerifier(options)) return { authenticator: createAuthenticator(options), readsBody: false };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('@auth/hono: options must be an object, a verifier or an authenticator');
  }
  return {
    authenticator: createAuthenticator(options),
    readsBody: options.tokenLocations?.body === true,
  };
}
