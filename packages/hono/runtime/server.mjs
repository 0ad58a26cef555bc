// The Hono demo app (its built dist, resolved like an application would) on another runtime: Bun or
// Deno, with their own HTTP servers. Started by conformance.test.ts; prints {"port"} once listening.
// Config (JSON in CONFORMANCE_CONFIG): the conformance suite's authenticator options, plus the service
// principal for the API-key authenticator (an object cannot cross the process boundary); with `web`
// (the web-login rows) the app also serves the login routes, on the given `port`.
import { apiKeyPairAuth, memorySecretStore } from '@auth/core';
import { createApp } from '../../../apps/hono-demo/dist/app.js';

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : globalThis.process.env;
const { auth, principal, web, pdp, port = 0 } = JSON.parse(env.CONFORMANCE_CONFIG);
const apiKey = apiKeyPairAuth({
  store: memorySecretStore({ [principal.id]: { token: principal.token, scopes: principal.scopes } }),
});
const { app } = createApp({ auth, apiKey, pdp, ...(web ? { web } : {}) });

// Counts WebCrypto signature checks, so the test can tell which backend of core verified the tokens.
let subtleVerifies = 0;
const subtle = globalThis.crypto.subtle;
const verify = subtle.verify.bind(subtle);
subtle.verify = (...args) => {
  subtleVerifies += 1;
  return verify(...args);
};
const fetch = (request) =>
  new URL(request.url).pathname === '/__runtime' ? Response.json({ subtleVerifies }) : app.fetch(request);

const resolved = import.meta.resolve?.('@auth/core') ?? 'unknown';
if (globalThis.Bun) {
  const server = globalThis.Bun.serve({ hostname: '127.0.0.1', port, fetch });
  console.log(
    JSON.stringify({ port: server.port, runtime: `bun ${globalThis.Bun.version}`, core: resolved }),
  );
} else if (globalThis.Deno) {
  globalThis.Deno.serve(
    {
      hostname: '127.0.0.1',
      port,
      onListen: ({ port }) =>
        console.log(
          JSON.stringify({ port, runtime: `deno ${globalThis.Deno.version.deno}`, core: resolved }),
        ),
    },
    fetch,
  );
} else {
  throw new Error('run this with bun or deno');
}
