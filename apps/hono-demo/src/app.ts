/**
 * The contract's demo API (../../shared/contract.md) on Hono, written the way an application would
 * write it: only the public exports of @auth/core and @auth/hono. Web-standard: runs on any runtime.
 */
import {
  anyAuthenticator,
  type Authenticator,
  type AuthenticatorOptions,
  createAuthenticator,
  orgParam,
  type Principal,
} from '@auth/core';
import {
  type AuthEnv,
  optionalAuth,
  requireAuth,
  requireGroups,
  requireOrgPermission,
  requireScopes,
} from '@auth/hono';
import { Hono } from 'hono';

export interface DemoConfig {
  /** Bearer tokens: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
}

export interface DemoApp {
  app: Hono;
  /** Stops the authenticators' background key refreshes. */
  close(): void;
}

const items = [
  { id: 1, name: 'hammer' },
  { id: 2, name: 'screwdriver' },
];

// The contract's principal JSON (more fields allowed; `claims` are left out on purpose).
const principalJson = (p: Principal) => ({
  subject: p.subject,
  issuer: p.issuer,
  clientId: p.clientId,
  tokenUse: p.tokenUse,
  scopes: p.scopes,
  groups: p.groups,
  organizations: p.organizations,
  expiresAt: p.expiresAt,
});

export function createApp(config: DemoConfig): DemoApp {
  const bearer = createAuthenticator(config.auth);
  const service = config.apiKey ? anyAuthenticator(bearer, config.apiKey) : bearer;

  const app = new Hono();

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/optional', optionalAuth(bearer), (c) => {
    const principal = c.var.auth;
    return c.json(principal ? principalJson(principal) : { authenticated: false });
  });

  app.get('/service', requireAuth(service), (c) => c.json(principalJson(c.var.auth)));

  // Every route below needs a valid access token; `AuthEnv` types `c.var.auth` as a Principal here.
  const api = new Hono<AuthEnv>();
  api.use(requireAuth(bearer));

  api.get('/me', (c) => c.json(principalJson(c.var.auth)));

  api.get('/items', requireScopes('read:items'), (c) => c.json(items));

  api.post('/items', requireScopes('write:items'), async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { name?: unknown } | undefined;
    const name = typeof body?.name === 'string' ? body.name : 'unnamed';
    return c.json({ id: items.length + 1, name }, 201);
  });

  api.get('/admin', requireGroups('admin'), (c) => c.json({ admin: true }));

  // Action `read` on `projects` within the organization named by the route (granted by `projects:read`).
  api.get('/orgs/:orgId/projects', requireOrgPermission(orgParam('orgId'), 'read', 'projects'), (c) =>
    c.json([{ id: 'p1', orgId: c.req.param('orgId'), name: 'demo project' }]),
  );

  app.route('/', api);

  return {
    app,
    close() {
      bearer.close();
      config.apiKey?.close();
    },
  };
}
