/**
 * The contract's demo API (docs/contract.md in the repository) on Hono, written the way an application would
 * write it: only the public exports of @auth/core and @auth/hono (demo data: demo-support). Web-standard: runs on any runtime.
 */
import {
  oneOfAuthenticators,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  orgParam,
} from '@auth/core';
import {
  type AuthEnv,
  optionalAuth,
  requireAuth,
  requireGroups,
  requireOrgPermission,
  requireScopes,
} from '@auth/hono';
import type { WebLoginConfig } from '@auth/core/login';
import { demoProjects, items, nextItem, principalJson } from 'demo-support';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { mountWebPages } from './web-pages.ts';
import { documentRoutes } from './documents.ts';
import { registerReady } from './ready.ts';
import { mountSenderConstrainedRoutes } from './sender-constrained.ts';

export interface DemoConfig {
  /** Bearer tokens: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
  /** Web login (`/login`, `/callback`, `/logout`, `/session`, `/profile`); off when absent. */
  web?: WebLoginConfig;
  /** `GET|DELETE /documents/:id`: the AuthZEN decision point's URL (the dev PDP); no routes without it. */
  pdp?: string;
}

export interface DemoApp {
  app: Hono;
  /** Stops the authenticators' background key refreshes. */
  close(): void;
}

export function createApp(config: DemoConfig): DemoApp {
  const bearer = createAuthenticator(config.auth);
  const service = config.apiKey ? oneOfAuthenticators(bearer, config.apiKey) : bearer;

  const app = new Hono();

  // Web login pages first: they never see the API routes' bearer check (nor does the API see the session).
  if (config.web) mountWebPages(app, config.web);

  app.get('/health', (c) => c.json({ status: 'ok' }));
  registerReady(app, bearer);

  app.get('/optional', optionalAuth(bearer), (c) => {
    const principal = c.var.auth;
    return c.json(principal ? principalJson(principal) : { authenticated: false });
  });

  app.get('/service', requireAuth(service), (c) => c.json(principalJson(c.var.auth)));
  mountSenderConstrainedRoutes(app, bearer, config.auth.resourceMetadata !== undefined);

  // Every route below needs a valid access token; `AuthEnv` types `c.var.auth` as a Principal here.
  const api = new Hono<AuthEnv>();
  api.use(requireAuth(bearer));

  api.get('/me', (c) => c.json(principalJson(c.var.auth)));

  api.get('/items', requireScopes('read:items'), (c) => c.json(items));

  api.post('/items', requireScopes('write:items'), async (c) => {
    const text = await c.req.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return c.json(
        { status: 400, code: 'ERR_INVALID_JSON', message: 'The request body is not valid JSON' },
        400,
      );
    }
    return c.json(nextItem(body), 201);
  });

  api.get('/admin', requireGroups('admin'), (c) => c.json({ admin: true }));

  // Action `read` on `projects` within the organization named by the route (granted by `projects:read`).
  api.get('/orgs/:orgId/projects', requireOrgPermission(orgParam('orgId'), 'read', 'projects'), (c) =>
    c.json(demoProjects(c.req.param('orgId'))),
  );

  documentRoutes(api, config.pdp);

  app.route('/', api);

  // Anything unexpected: a fixed JSON 500, never the error's text or stack (HTTPExceptions, such as
  // the auth failures, carry their own response).
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    console.error(error);
    return c.json({ status: 500, code: 'ERR_INTERNAL', message: 'Internal server error' }, 500);
  });

  return {
    app,
    close() {
      bearer.close();
      config.apiKey?.close();
    },
  };
}
