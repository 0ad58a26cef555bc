/** userAdminRoutes mounted on Hono (fetch-style request, no Node server), against the shared rows. */
import { createAuthenticator } from '@auth/core';
import { type AuthEnv, authorize, requireAuth } from '@auth/hono';
import { Hono } from 'hono';
import { userAdminRoutes } from '../src/index.ts';
import { describeAdminMount } from './support/admin-route-rows.ts';
import { emulatorIssuer } from './support/cognito-local.ts';

describeAdminMount('Hono', async (emu, users) => {
  const admin = userAdminRoutes({ users });
  const authenticator = createAuthenticator({
    issuers: [emulatorIssuer(emu)],
  });
  const app = new Hono<AuthEnv>();
  const auth = requireAuth(authenticator);
  const gate = authorize(admin.policy);
  for (const route of admin.routes) {
    app.on(route.method, route.path, auth, gate, async (c) => {
      // Read after authentication; a body that does not parse is `undefined` (the route's 400).
      const body = route.method === 'GET' ? undefined : await c.req.json().catch(() => undefined);
      const out = await route.handle({
        principal: c.var.auth,
        params: c.req.param(),
        query: c.req.query(),
        body,
      });
      return c.json(out.body as object, out.status as 200, out.headers);
    });
  }
  return {
    fetch: async (path, init) => app.request(path, init),
    close: async () => authenticator.close(),
  };
});
