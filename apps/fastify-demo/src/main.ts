/** Starts the Fastify demo API. Configuration: HOST, PORT and AUTH_* (see README). */
process.env.NODE_ENV ??= 'production';
import {
  demoAuthFromEnv,
  demoPdpUrl,
  describeIssuers,
  resourceServerFromEnv,
  webLoginFromEnv,
} from 'demo-support';
import { createApp } from './app.ts';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3002);

// AUTH_* (dev IdP defaults) and the service principals of GET /service: see demo-support.
const { auth: bearer, issuer, apiKey } = demoAuthFromEnv(env);
// RFC 9728 metadata at /.well-known/oauth-protected-resource (401 challenges name it) and DPoP for
// GET /payments: see demo-support.
const auth = { ...bearer, ...resourceServerFromEnv(env, { port }) };

// Web login (/login, /callback, /logout, /session, /profile) for the single issuer: see demo-support.
const web = webLoginFromEnv(env, { issuer, port });

// Slow clients: bound the idle socket, the whole request and idle keep-alive connections (Fastify's
// defaults leave the first unbounded), and the time for a request's headers below.
const app = await createApp({
  auth,
  apiKey,
  web: web?.login,
  pdp: demoPdpUrl(env),
  server: { connectionTimeout: 30_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 },
});
app.server.headersTimeout = 10_000;
await app.listen({ host, port });
console.log(`fastify-demo listening on http://${host}:${port} (issuers: ${describeIssuers(auth)})`);
if (web) {
  console.log(`web login: ${new URL('/profile', web.login.redirectUri).href} (client ${web.login.clientId})`);
  if (web.generatedCookieSecret)
    console.log('web login: COOKIE_SECRET not set, sessions end with this process');
}

async function shutdown() {
  await app.close(); // onClose stops the authenticators' background refreshes
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
