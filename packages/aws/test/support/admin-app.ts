/** Mounts userAdminRoutes on Express the way the README shows, for the route rows, the client tests and the tour. */
import type { AddressInfo } from 'node:net';
import { authErrorHandler, authorize, requireAuth } from '@auth/express';
import express from 'express';
import type { CognitoUsers } from '../../src/index.ts';
import { userAdminRoutes } from '../../src/index.ts';
import type { AdminEmulator, AdminMount } from './admin-route-rows.ts';
import { emulatorIssuer } from './cognito-local.ts';

export async function startAdminApp(
  emu: AdminEmulator,
  users: CognitoUsers,
): Promise<AdminMount & { url: string }> {
  const admin = userAdminRoutes({ users });
  const app = express();
  const auth = requireAuth({
    issuers: [emulatorIssuer(emu)],
  });
  const gate = authorize(admin.policy); // the coarse gate: INTERNAL_ADMIN or CLIENT_ADMIN, else 403
  // JSON is parsed after authentication; a body that does not parse reaches the route as `undefined` (its 400).
  const parseJson = express.json({ limit: '100kb' });
  const json: express.RequestHandler = (req, res, next) =>
    parseJson(req, res, (err?: unknown) => next(err && undefined));
  for (const route of admin.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    app[method](route.path, auth, gate, json, async (req, res) => {
      const out = await route.handle({
        principal: req.auth,
        params: req.params,
        query: req.query,
        body: req.body,
      });
      res.status(out.status).set(out.headers).json(out.body);
    });
  }
  app.use(authErrorHandler()); // 401/403 of requireAuth/authorize in the contract's JSON
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    close: async () => {
      auth.authenticator.close();
      await new Promise((r) => server.close(r));
    },
  };
}
