import {
  type Authenticator,
  apiKeyPairAuth,
  type EnvLike,
  type EnvVerifierOptions,
  envSecretStore,
  memorySecretStore,
  verifierOptionsFromEnv,
} from '@auth/core';

export interface DemoAuth {
  /** Bearer-token options from AUTH_* (dev IdP defaults filled in). */
  auth: EnvVerifierOptions;
  /** The single issuer in effect (AUTH_ISSUER or the dev IdP default), if any. */
  issuer: string | undefined;
  /** Service principals for `GET /service`, when any are configured (or the local-only demo one). */
  apiKey: Authenticator | undefined;
}

const DEV_IDP_ISSUER = 'http://127.0.0.1:4000';
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/;

/**
 * The demo apps' environment. Defaults point at the dev identity provider (`pnpm --filter dev-idp start`);
 * they step aside when another issuer is configured (Cognito variables or several named issuers).
 * Service principals: AUTH_SECRET__<id> variables (JSON records, see the core README); with none set and
 * a loopback issuer (the dev IdP), the documented local-only demo principal `svc-demo`.
 */
export function demoAuthFromEnv(env: EnvLike = process.env): DemoAuth {
  const names = Object.keys(env);
  const defaults: Record<string, string> = { AUTH_ALGORITHMS: 'RS256,ES256,EdDSA' };
  if (!names.some((n) => n.startsWith('AUTH__ISSUERS__') || n.startsWith('AUTH_COGNITO_'))) {
    defaults.AUTH_ISSUER = DEV_IDP_ISSUER;
    defaults.AUTH_AUDIENCE = 'api://demo';
  }
  const auth = verifierOptionsFromEnv(env, { defaults });
  const issuer = env.AUTH_ISSUER || defaults.AUTH_ISSUER;

  let apiKey: Authenticator | undefined;
  if (names.some((n) => n.startsWith('AUTH_SECRET__'))) {
    apiKey = apiKeyPairAuth({ store: envSecretStore(env) });
  } else if (LOOPBACK.test(issuer ?? '')) {
    const demoPrincipal = { token: 'demo-service-token-local-only', scopes: ['read:items'] };
    apiKey = apiKeyPairAuth({ store: memorySecretStore({ 'svc-demo': demoPrincipal }) });
  }
  return { auth, issuer, apiKey };
}

/** For the start-up line: the trusted issuers, or 'resolver' when they are resolved per token. */
export const describeIssuers = (auth: Pick<EnvVerifierOptions, 'issuers'>): string =>
  Array.isArray(auth.issuers) ? auth.issuers.map((i) => i.issuer).join(', ') : 'resolver';
