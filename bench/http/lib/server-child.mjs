// Runs one scenario's server in its own process (started by bench/http.mjs with tsx, so scenario modules
// can import the workspace's TypeScript sources). IPC: 'cpu' → process.cpuUsage(); 'stop' → exit.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const [modulePath, scenarioName] = process.argv.slice(2);
const REJECT_APP = '@reject';
// The runner passes the issuer context (issuer, audience, jwksUri) as JSON.
const { env } = process;
const ctx = JSON.parse(env.BENCH_CTX);

/** Serves a node:http request listener (an Express app, …) on 127.0.0.1, port 0. */
ctx.listenNode = (listener) =>
  new Promise((resolve, reject) => {
    const server = createServer(listener);
    server.keepAliveTimeout = 30_000;
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }),
    );
  });

const mod = await import(pathToFileURL(modulePath).href);
// REJECT_APP: the module's reject-scenario app (GET /health next to an authenticated GET /items);
// REJECT_APP:label one of its variants (rejectApps[label]).
const scenario = scenarioName.startsWith(REJECT_APP)
  ? scenarioName === REJECT_APP
    ? mod.rejectApp
    : mod.rejectApps?.[scenarioName.slice(REJECT_APP.length + 1)]
  : mod.scenarios[scenarioName];
if (typeof scenario !== 'function') throw new Error(`${modulePath}: no scenario "${scenarioName}"`);
const started = await scenario(ctx);

process.on('message', async (message) => {
  if (message === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (message === 'stop') {
    await started.close?.();
    process.exit(0);
  }
});
process.send({ port: started.port });
