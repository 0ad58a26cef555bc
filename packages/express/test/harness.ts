import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConformanceHarness, DemoServer } from '@auth/conformance';
import { createAuthenticator } from '@auth/core';
import express, { type Express } from 'express';
import { createApp } from 'express-demo/app';
import { authErrorHandler, authorize, optionalAuth, requireAuth, requireScopes } from '../src/index.ts';

async function listen(app: Express, close: () => void, listenPort = 0): Promise<DemoServer> {
  const server: Server = app.listen(listenPort, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds the Express demo app (apps/express-demo) and serves it on 127.0.0.1, port 0. */
export const expressHarness: ConformanceHarness = {
  name: 'express',
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
    const app = express();
    app.get('/guarded', requireAuth(authenticator), authorize(policy), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(authErrorHandler());
    return listen(app, () => authenticator.close());
  },
  async startStacked({ optional, required }) {
    const first = createAuthenticator(optional);
    const second = required === undefined ? first : createAuthenticator(required);
    const app = express();
    app.get('/stacked', optionalAuth(first), requireAuth(second), (req, res) => {
      res.json({ sub: req.auth?.subject });
    });
    app.use(authErrorHandler());
    return listen(app, () => {
      first.close();
      if (second !== first) second.close();
    });
  },
  async startDeclared({ auth, route }) {
    // Express's idiom for a declared route: the auth middleware, then the requirement middleware.
    const authenticator = createAuthenticator(auth);
    const app = express();
    const authenticate = route.optional ? optionalAuth(authenticator) : requireAuth(authenticator);
    app.get('/declared', authenticate, requireScopes(...(route.scopes ?? [])), (req, res) => {
      res.json({ sub: req.auth?.subject ?? null });
    });
    app.use(authErrorHandler());
    return listen(app, () => authenticator.close());
  },
  declareRoute(options, auth) {
    // Express's route-level options are those of requireAuth / optionalAuth.
    const guard = requireAuth({ ...auth, ...options });
    express().get('/declared', guard, (_req, res) => {
      res.json({ ok: true });
    });
    guard.authenticator.close();
  },
};
