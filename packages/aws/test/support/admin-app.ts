/** Mounts userAdminRoutes on Express the way the README shows, for the route and client tests. */
import type { AddressInfo } from 'node:net';
import { cognito } from '@auth/core';
import { requireAuth } from '@auth/express';
import express from 'express';
import type { CognitoUsers } from '../../src/index.ts';
import { userAdminRoutes } from '../../src/index.ts';

export async function startAdminApp(
  emu: { endpoint: string; userPoolId: string; clientId: string },
  users: CognitoUsers,
) {
  const admin = userAdminRoutes({ users });
  const app = express();
  app.use(express.json());
  const auth = requireAuth({
    issuers: [
      cognito({
        region: 'local',
        userPoolId: emu.userPoolId,
        clientId: emu.clientId,
        tokenUse: 'id',
        endpoint: emu.endpoint,
      }),
    ],
  });
  for (const route of admin.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    app[method](route.path, auth, async (req, res) => {
      const out = await route.handle({
        principal: req.auth,
        params: req.params,
        query: req.query,
        body: req.body,
      });
      res.status(out.status).set(out.headers).json(out.body);
    });
  }
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      auth.authenticator.close();
      await new Promise((r) => server.close(r));
    },
  };
}
