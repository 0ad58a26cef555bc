import type { AddressInfo } from 'node:net';
import type { ConformanceHarness, DemoServer } from '@auth/conformance';
import { createAuthenticator } from '@auth/core';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { createApp } from 'hono-demo/app';
import { authorize, optionalAuth, requireAuth, requireScopes } from '../src/index.ts';

async function listen(app: Hono, close: () => void, listenPort = 0): Promise<DemoServer> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: listenPort }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        close();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Builds the Hono demo app (apps/hono-demo) and serves it with @hono/node-server on 127.0.0.1, port 0. */
export const honoHarness: ConformanceHarness = {
  name: 'hono',
  async start(config) {
    const { app, close } = createApp(config);
    return listen(app, close);
  },
  async startWebLogin({ auth, port, web }) {
    const { app, close } = createApp({ auth, web });
    return listen(app, close, port);
  },
  async startGuarded({ auth, policy }) {
    const authenticator = createAuthenticator(auth);
    const app = new Hono();
    app.get('/guarded', requireAuth(authenticator), authorize(policy), (c) => c.json({ ok: true }));
    return listen(app, () => authenticator.close());
  },
  async startStacked({ optional, required }) {
    const first = createAuthenticator(optional);
    const second = required === undefined ? first : createAuthenticator(required);
    const app = new Hono();
    app.get('/stacked', optionalAuth(first), requireAuth(second), (c) =>
      c.json({ sub: c.var.auth?.subject }),
    );
    return listen(app, () => {
      first.close();
      if (second !== first) second.close();
    });
  },
  async startDeclared({ auth, route }) {
    // Hono's idiom for a declared route: the auth middleware, then the requirement middleware.
    const authenticator = createAuthenticator(auth);
    const app = new Hono();
    const requirement = requireScopes(...(route.scopes ?? []));
    const reply = (c: Context) => c.json({ sub: c.get('auth')?.subject ?? null });
    if (route.optional) app.get('/declared', optionalAuth(authenticator), requirement, reply);
    else app.get('/declared', requireAuth(authenticator), requirement, reply);
    return listen(app, () => authenticator.close());
  },
  declareRoute(options, auth) {
    // Hono's route-level options are those of requireAuth / optionalAuth (nothing is fetched before
    // a request, so the unused verifier holds no timer).
    new Hono().get('/declared', requireAuth({ ...auth, ...options }), (c) => c.json({ ok: true }));
  },
};
