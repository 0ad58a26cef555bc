/** Starts the Hono demo API on Node (@hono/node-server). Configuration: HOST, PORT and AUTH_* (see README). */
process.env.NODE_ENV ??= 'production';
import { serve } from '@hono/node-server';
import {
  demoAuthFromEnv,
  demoPdpUrl,
  describeIssuers,
  resourceServerFromEnv,
  webLoginFromEnv,
} from 'demo-support';
import { createApp } from './app.ts';

const env = process.env;
const hostname = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3004);

// AUTH_* (dev IdP defaults) and the service principals of GET /service: see demo-support.
const { auth: bearer, issuer, apiKey } = demoAuthFromEnv(env);
// RFC 9728 metadata at /.well-known/oauth-protected-resource (401 challenges name it) and DPoP for
// GET /payments: see demo-support.
const auth = { ...bearer, ...resourceServerFromEnv(env, { port }) };

// Web login (/login, /callback, /logout, /session, /profile) for the single issuer: see demo-support.
const web = webLoginFromEnv(env, { issuer, port });

const { app, close } = createApp({ auth, apiKey, web: web?.login, pdp: demoPdpUrl(env) });
// Slow clients: bound how long a request's headers and the whole request may take to arrive, and how
// long an idle keep-alive connection is held (Node's defaults are 60 s and 5 min).
const serverOptions = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 };
const server = serve({ fetch: app.fetch, hostname, port, serverOptions }, () => {
  console.log(`hono-demo listening on http://${hostname}:${port} (issuers: ${describeIssuers(auth)})`);
  if (web) {
    console.log(
      `web login: ${new URL('/profile', web.login.redirectUri).href} (client ${web.login.clientId})`,
    );
    if (web.generatedCookieSecret)
      console.log('web login: COOKIE_SECRET not set, sessions end with this process');
  }
});

function shutdown() {
  close();
  server.close(() => process.exit(0));
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
