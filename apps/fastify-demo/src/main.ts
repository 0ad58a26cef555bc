/** Starts the Fastify demo API. Configuration: HOST, PORT and AUTH_* (see README). */
import { apiKeyAuth, envSecretStore, memorySecretStore, verifierOptionsFromEnv } from '@auth/core';
import { createApp } from './app.ts';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3002);

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

const app = await createApp({ auth, ...(apiKey ? { apiKey } : {}) });
await app.listen({ host, port });
const issuers = Array.isArray(auth.issuers) ? auth.issuers.map((i) => i.issuer).join(', ') : 'resolver';
console.log(`fastify-demo listening on http://${host}:${port} (issuers: ${issuers})`);

async function shutdown() {
  await app.close(); // onClose stops the authenticators' background refreshes
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
