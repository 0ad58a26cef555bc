/** Starts the Express demo API. Configuration: HOST, PORT and AUTH_* (see README). */
// Production mode unless told otherwise: Express then never renders a stack trace.
process.env.NODE_ENV ??= 'production';
import { authFetch, clientCredentials } from '@auth/core/client';
import {
  demoAuthFromEnv,
  demoFleetFromEnv,
  demoPdpUrl,
  describeIssuers,
  limitApiKeyFailures,
  resourceServerFromEnv,
  webLoginFromEnv,
} from 'demo-support';
import { createApp } from './app.ts';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3001);

// AUTH_* (dev IdP defaults) and the service principals of GET /service: see demo-support.
const { auth: bearer, issuer, apiKey: localApiKey } = demoAuthFromEnv(env);
// RFC 9728 metadata at /.well-known/oauth-protected-resource (401 challenges name it) and DPoP for
// GET /payments: see demo-support.
const localAuth = { ...bearer, ...resourceServerFromEnv(env, { port }) };

// REDIS_URL (optional): one state for a fleet of replicas (see README "A fleet on Redis"): revocations
// checked on every request, client tokens, login sessions and the failed-API-key limiter on Redis.
// Unset: everything stays in this process, as before.
const fleet = await demoFleetFromEnv(env);
const auth = fleet ? { ...localAuth, customCheck: fleet.revocations.check } : localAuth;
const apiKey = fleet && localApiKey ? limitApiKeyFailures(localApiKey, fleet.limiter) : localApiKey;

// GET /items/upstream (optional): UPSTREAM_ITEMS_URL names another demo API, called with a
// client-credentials token of UPSTREAM_CLIENT_ID / UPSTREAM_CLIENT_SECRET (dev IdP `reader` by default),
// from UPSTREAM_TOKEN_ENDPOINT when set (else the issuer's discovered one).
const upstreamUrl = env.UPSTREAM_ITEMS_URL;
const tokenIssuer = env.UPSTREAM_ISSUER || issuer;
const tokenEndpoint = env.UPSTREAM_TOKEN_ENDPOINT;
const upstream =
  upstreamUrl && tokenIssuer
    ? {
        url: upstreamUrl,
        fetch: authFetch(
          clientCredentials({
            ...(tokenEndpoint ? { tokenEndpoint } : { issuer: tokenIssuer }),
            ...(fleet ? { store: fleet.tokenStore } : {}),
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

// Web login (/login, /callback, /logout, /session, /profile) for the single issuer: see demo-support.
const web = webLoginFromEnv(env, { issuer, port });

// /admin/users (@auth/aws) against the Cognito emulator when DEMO_COGNITO_* are set (`pnpm demo` does).
// Loaded only then: the AWS SDK is heavy, and every other run of the demo does without it.
const userAdmin = ['DEMO_COGNITO_ENDPOINT', 'DEMO_COGNITO_USER_POOL_ID', 'DEMO_COGNITO_CLIENT_ID'].some(
  (k) => env[k],
)
  ? (await import('demo-support/user-admin')).userAdminFromEnv(env)
  : undefined;

const { app, close } = createApp({
  auth,
  upstream,
  apiKey,
  web: web && fleet ? fleet.withSessions(web.login) : web?.login,
  pdp: demoPdpUrl(env),
  revoke: fleet?.revocations,
  userAdmin,
});
const server = app.listen(port, host, () => {
  console.log(`express-demo listening on http://${host}:${port} (issuers: ${describeIssuers(auth)})`);
  if (fleet) console.log('fleet state on Redis (REDIS_URL)');
  if (web) {
    console.log(
      `web login: ${new URL('/profile', web.login.redirectUri).href} (client ${web.login.clientId})`,
    );
    if (web.generatedCookieSecret)
      console.log('web login: COOKIE_SECRET not set, sessions end with this process');
  }
  if (userAdmin) console.log(`user administration: /admin/users on Cognito ${env.DEMO_COGNITO_ENDPOINT}`);
});
// Slow clients: bound how long a request's headers and the whole request may take to arrive, and
// how long an idle keep-alive connection is held (Node's defaults are 60 s and 5 min).
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 5_000;

function shutdown() {
  close();
  void fleet?.close().catch(() => {});
  userAdmin?.close();
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
