/** Starts the Nest demo API. Configuration: NEST_PLATFORM (express | fastify), HOST, PORT, AUTH_* (README). */
import { apiKeyAuth, envSecretStore, memorySecretStore, verifierOptionsFromEnv } from '@auth/core';
import { createApp, type Platform } from './create-app.ts';

const env = process.env;
const platform = (env.NEST_PLATFORM || 'express') as Platform;
if (platform !== 'express' && platform !== 'fastify') {
  console.error(`nest-demo: NEST_PLATFORM must be "express" or "fastify", got "${platform}"`);
  process.exit(1);
}
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3003);

// Defaults point at the dev identity provider (`pnpm --filter dev-idp start`); they step aside when
// another issuer is configured (Cognito variables or several named issuers).
const names = Object.keys(env);
const defaults: Record<string, string> = { AUTH_ALGORITHMS: 'RS256,ES256,EdDSA' };
if (!names.some((n) => n.startsWith('AUTH__ISSUERS__') || n.startsWith('AUTH_COGNITO_'))) {
  defaults.AUTH_ISSUER = 'http://127.0.0.1:4000';
  defaults.AUTH_AUDIENCE = 'api://demo';
}
const auth = verifierOptionsFromEnv(env, { defaults });

// Service principals for GET /service: AUTH_SECRET__<id> variables (JSON records, see the core README);
// with none set and a loopback issuer (the dev IdP), the documented local-only demo principal.
const localIssuer = /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(
  env.AUTH_ISSUER || defaults.AUTH_ISSUER || '',
);
let apiKey: ReturnType<typeof apiKeyAuth> | undefined;
if (names.some((n) => n.startsWith('AUTH_SECRET__'))) {
  apiKey = apiKeyAuth({ store: envSecretStore(env) });
} else if (localIssuer) {
  const demoPrincipal = { token: 'demo-service-token-local-only', scopes: ['read:items'] };
  apiKey = apiKeyAuth({ store: memorySecretStore({ 'svc-demo': demoPrincipal }) });
}

// Logs Nest's start-up lines; shutdown hooks (SIGINT/SIGTERM) close the app and its authenticators.
const app = await createApp({ auth, ...(apiKey ? { apiKey } : {}) }, platform, {});
await app.listen(port, host);
const issuers = Array.isArray(auth.issuers) ? auth.issuers.map((i) => i.issuer).join(', ') : 'resolver';
console.log(`nest-demo (${platform}) listening on http://${host}:${port} (issuers: ${issuers})`);
