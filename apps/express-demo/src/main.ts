/** Starts the Express demo API. Configuration: HOST, PORT and AUTH_* (see README). */
import { apiKeyAuth, envSecretStore, memorySecretStore, verifierOptionsFromEnv } from '@auth/core';
import { authFetch, clientCredentials } from '@auth/core/client';
import { createApp } from './app.ts';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3001);

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

// GET /items/upstream (optional): UPSTREAM_ITEMS_URL names another demo API, called with a
// client-credentials token of UPSTREAM_CLIENT_ID / UPSTREAM_CLIENT_SECRET (dev IdP `reader` by default).
const upstreamUrl = env.UPSTREAM_ITEMS_URL;
const tokenIssuer = env.UPSTREAM_ISSUER || env.AUTH_ISSUER || defaults.AUTH_ISSUER;
const upstream =
  upstreamUrl && tokenIssuer
    ? {
        url: upstreamUrl,
        fetch: authFetch(
          clientCredentials({
            issuer: tokenIssuer,
            clientId: env.UPSTREAM_CLIENT_ID || 'reader',
            clientSecret: env.UPSTREAM_CLIENT_SECRET || 'reader-secret',
            scope: 'read:items',
            allowInsecureRequests:
              tokenIssuer.startsWith('http://127.0.0.1') || tokenIssuer.startsWith('http://localhost'),
          }),
          { allowedOrigins: [upstreamUrl] },
        ),
      }
    : undefined;

const { app, close } = createApp({ auth, upstream, ...(apiKey ? { apiKey } : {}) });
const server = app.listen(port, host, () => {
  const issuers = Array.isArray(auth.issuers) ? auth.issuers.map((i) => i.issuer).join(', ') : 'resolver';
  console.log(`express-demo listening on http://${host}:${port} (issuers: ${issuers})`);
});

function shutdown() {
  close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
