/** Starts the Nest demo API. Configuration: NEST_PLATFORM (express | fastify), HOST, PORT, AUTH_* (README). */
process.env.NODE_ENV ??= 'production';
import {
  demoAuthFromEnv,
  demoPdpUrl,
  describeIssuers,
  resourceServerFromEnv,
  webLoginFromEnv,
} from 'demo-support';
import { createApp, type Platform } from './create-app.ts';

const env = process.env;
const platform = (env.NEST_PLATFORM || 'express') as Platform;
if (platform !== 'express' && platform !== 'fastify') {
  console.error(`nest-demo: NEST_PLATFORM must be "express" or "fastify", got "${platform}"`);
  process.exit(1);
}
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3003);

// AUTH_* (dev IdP defaults) and the service principals of GET /service: see demo-support.
const { auth: bearer, issuer, apiKey } = demoAuthFromEnv(env);
// RFC 9728 metadata at /.well-known/oauth-protected-resource (401 challenges name it) and DPoP for
// GET /payments: see demo-support.
const auth = { ...bearer, ...resourceServerFromEnv(env, { port }) };

// Web login (/login, /callback, /logout, /session, /profile) for the single issuer: see demo-support.
const web = webLoginFromEnv(env, { issuer, port });

// /admin/users (@auth/aws) against the Cognito emulator when DEMO_COGNITO_* are set (`pnpm demo` does).
// Loaded only then: the AWS SDK is heavy, and every other run of the demo does without it.
const userAdmin = ['DEMO_COGNITO_ENDPOINT', 'DEMO_COGNITO_USER_POOL_ID', 'DEMO_COGNITO_CLIENT_ID'].some(
  (k) => env[k],
)
  ? (await import('demo-support/user-admin')).userAdminFromEnv(env)
  : undefined;

// Logs Nest's start-up lines; shutdown hooks (SIGINT/SIGTERM) close the app and its authenticators.
const app = await createApp({ auth, apiKey, web: web?.login, pdp: demoPdpUrl(env), userAdmin }, platform, {});
// Slow clients: bound how long a request's headers and the whole request may take to arrive, and how
// long an idle keep-alive connection is held (Node's defaults are 60 s and 5 min); both platforms
// serve through a Node http.Server.
const server = app.getHttpServer() as import('node:http').Server;
server.headersTimeout = 10_000;
server.requestTimeout = 30_000;
server.keepAliveTimeout = 5_000;
await app.listen(port, host);
console.log(
  `nest-demo (${platform}) listening on http://${host}:${port} (issuers: ${describeIssuers(auth)})`,
);
if (web) {
  console.log(`web login: ${new URL('/profile', web.login.redirectUri).href} (client ${web.login.clientId})`);
  if (web.generatedCookieSecret)
    console.log('web login: COOKIE_SECRET not set, sessions end with this process');
}
if (userAdmin) console.log(`user administration: /admin/users on Cognito ${env.DEMO_COGNITO_ENDPOINT}`);
