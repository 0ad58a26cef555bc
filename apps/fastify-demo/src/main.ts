/** Starts the Fastify demo API. Configuration: HOST, PORT and AUTH_* (see README). */
import { demoAuthFromEnv, describeIssuers } from 'demo-support';
import { createApp } from './app.ts';

const env = process.env;
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3002);

// AUTH_* (dev IdP defaults) and the service principals of GET /service: see demo-support.
const { auth, apiKey } = demoAuthFromEnv(env);

const app = await createApp({ auth, apiKey });
await app.listen({ host, port });
console.log(`fastify-demo listening on http://${host}:${port} (issuers: ${describeIssuers(auth)})`);

async function shutdown() {
  await app.close(); // onClose stops the authenticators' background refreshes
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
