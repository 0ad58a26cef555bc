/**
 * The user-administration API of @auth/aws (`userAdminRoutes`) on Express, against the Cognito emulator
 * (`pnpm demo` starts it; see demo-support's `userAdminFromEnv`). Callers bring the emulator's ID tokens,
 * verified by their own `requireAuth`; `authorize(admin.policy)` lets INTERNAL_ADMIN and CLIENT_ADMIN
 * through and each route applies the tenant rules. JSON is parsed after authentication.
 */
import { authorize, requireAuth } from '@auth/express';
import type { DemoUserAdmin } from 'demo-support/user-admin';
import express, { type Express, type RequestHandler } from 'express';

export function mountUserAdmin(app: Express, { admin, authenticator }: DemoUserAdmin): void {
  const auth = requireAuth(authenticator);
  const gate = authorize(admin.policy);
  const parse = express.json({ limit: '100kb' });
  // A body that does not parse reaches the route as `undefined`: its 400 in the contract's shape.
  const json: RequestHandler = (req, res, next) => parse(req, res, () => next());
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
}
