/**
 * The contract's demo API (../../shared/contract.md) on Express, written the way an application would
 * write it: only the public exports of @auth/core and @auth/express (demo data: demo-support).
 */
import {
  anyAuthenticator,
  createAuthenticator,
  type Authenticator,
  type AuthenticatorOptions,
} from '@auth/core';
import {
  authErrorHandler,
  getAuth,
  optionalAuth,
  orgParam,
  requireAuth,
  requireGroups,
  requireOrgPermission,
  requireScopes,
} from '@auth/express';
import { demoProjects, items, nextItem, principalJson } from 'demo-support';
import express, { type Express } from 'express';

export interface DemoConfig {
  /** Bearer tokens: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
  /**
   * `GET /items/upstream`: another demo API (`url`) called with this service's own token, e.g.
   * `authFetch(clientCredentials(...), { allowedOrigins: [url] })` from `@auth/core/client`.
   */
  upstream?: { url: string; fetch: (input: string) => Promise<Response> };
}

export interface DemoApp {
  app: Express;
  /** Stops the authenticators' background key refreshes. */
  close(): void;
}

export function createApp(config: DemoConfig): DemoApp {
  const bearer = createAuthenticator(config.auth);
  const service = config.apiKey ? anyAuthenticator(bearer, config.apiKey) : bearer;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/optional', optionalAuth(bearer), (req, res) => {
    res.json(req.auth ? principalJson(req.auth) : { authenticated: false });
  });

  app.get('/service', requireAuth(service), (req, res) => {
    res.json(principalJson(getAuth(req)));
  });

  // Every route below needs a valid access token.
  app.use(requireAuth(bearer));

  app.get('/me', (req, res) => {
    res.json(principalJson(getAuth(req)));
  });

  app.get('/items', requireScopes('read:items'), (_req, res) => {
    res.json(items);
  });

  app.post('/items', requireScopes('write:items'), (req, res) => {
    res.status(201).json(nextItem(req.body));
  });

  // Calls another demo API's /items with a client-credentials token (authFetch); mounted when configured.
  const upstream = config.upstream;
  if (upstream) {
    app.get('/items/upstream', requireScopes('read:items'), async (_req, res, next) => {
      try {
        const r = await upstream.fetch(new URL('/items', upstream.url).href);
        if (!r.ok) {
          res
            .status(502)
            .json({ status: 502, code: 'ERR_UPSTREAM', message: 'The upstream API call failed' });
          return;
        }
        res.json({ upstream: upstream.url, items: await r.json() });
      } catch (error) {
        next(error);
      }
    });
  }

  app.get('/admin', requireGroups('admin'), (_req, res) => {
    res.json({ admin: true });
  });

  // Action `read` on `projects` within the organization named by the route (granted by `projects:read`).
  app.get(
    '/orgs/:orgId/projects',
    requireOrgPermission(orgParam('orgId'), 'read', 'projects'),
    (req, res) => {
      res.json(demoProjects(String(req.params.orgId)));
    },
  );

  app.use(authErrorHandler());

  return {
    app,
    close() {
      bearer.close();
      config.apiKey?.close();
    },
  };
}
