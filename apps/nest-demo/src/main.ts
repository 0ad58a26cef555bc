/** Starts the Nest demo API. Configuration: NEST_PLATFORM (express | fastify), HOST, PORT, AUTH_* (README). */
import { demoAuthFromEnv, describeIssuers } from 'demo-support';
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
const { auth, apiKey } = demoAuthFromEnv(env);

// Logs Nest's start-up lines; shutdown hooks (SIGINT/SIGTERM) close the app and its authenticators.
const app = await createApp({ auth, apiKey }, platform, {});
await app.listen(port, host);
console.log(
  `nest-demo (${platform}) listening on http://${host}:${port} (issuers: ${describeIssuers(auth)})`,
);
