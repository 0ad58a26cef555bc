import type { AddressInfo } from 'node:net';
import type { ConformanceHarness } from '@auth/conformance';
import Fastify, { type FastifyInstance } from 'fastify';
import { createApp } from 'fastify-demo/app';
import { fastifyAuth } from '../src/index.ts';

async function listen(app: FastifyInstance, listenPort = 0) {
  await app.listen({ host: '127.0.0.1', port: listenPort });
  const { port } = app.server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** Builds the Fastify demo app (apps/fastify-demo) and serves it on 127.0.0.1, port 0. */
export const fastifyHarness: ConformanceHarness = {
  name: 'fastify',
  async start(config) {
    return listen(await createApp(config));
  },
  async startWebLogin({ auth, port, web }) {
    return listen(await createApp({ auth, web }), port);
  },
  async startGuarded({ auth, policy }) {
    const app = Fastify();
    await app.register(fastifyAuth, auth);
    app.get('/guarded', { config: { auth: { policy } } }, async () => ({ ok: true }));
    return listen(app);
  },
  async startStacked({ optional, required }) {
    const app = Fastify();
    await app.register(fastifyAuth, optional);
    // The route's declarative hook (optional) belongs to this registration; `app.authenticate` uses
    // whichever registration the route's scope has when the request comes.
    app.get(
      '/stacked',
      { config: { auth: { optional: true } }, preHandler: app.authenticate },
      async (request) => ({ sub: request.auth?.subject }),
    );
    // A second registration in the same scope: later requests authenticate with it in the decorators,
    // while the route keeps the first one's optional hook. The only way to put two authenticators on
    // one route: decorators follow the route's scope.
    if (required !== undefined) await app.register(fastifyAuth, required);
    return listen(app);
  },
  async startDeclared({ auth, route }) {
    // Fastify's idiom for a declared route: `config.auth` holds core's route spec as it is.
    const app = Fastify();
    await app.register(fastifyAuth, auth);
    app.get('/declared', { config: { auth: route } }, async (request) => ({
      sub: request.auth?.subject ?? null,
    }));
    return listen(app);
  },
  async declareRoute(options, auth) {
    // Fastify's route-level options: `config.auth`, checked when the route is declared (onRoute).
    const app = Fastify();
    try {
      await app.register(fastifyAuth, auth);
      app.get('/declared', { config: { auth: options as never } }, async () => ({ ok: true }));
      await app.ready();
    } finally {
      await app.close();
    }
  },
};
