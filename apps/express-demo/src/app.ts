/**
 * The contract's demo API (docs/contract.md in the repository) on Express, written the way an application would
 * write it: only the public exports of @auth/core and @auth/express (demo data: demo-support).
 */
import {
  oneOfAuthenticators,
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
import type { DemoUserAdmin } from 'demo-support/user-admin';
import type { WebLoginConfig } from '@auth/core/login';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { mountWebPages } from './web-pages.ts';
import { documentRoutes } from './documents.ts';
import { registerReady } from './ready.ts';
import { mountSenderConstrainedRoutes } from './sender-constrained.ts';
import { mountUserAdmin } from './user-admin.ts';

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
  /** Web login (`/login`, `/callback`, `/logout`, `/session`, `/profile`); off when absent. */
  web?: WebLoginConfig;
  /** `GET|DELETE /documents/:id`: the AuthZEN decision point's URL (the dev PDP); no routes without it. */
  pdp?: string;
  /**
   * `POST /revoke`: revokes the request's own bearer token (its `jti`, until its `exp`) on every replica,
   * e.g. `redisRevocationList(...)` from `@auth/redis`; no route without it.
   */
  revoke?: { revokeToken(jti: string, expiresAtSeconds: number): Promise<void> };
  /** `POST|GET /admin/users`, `PATCH /admin/users/:id` (@auth/aws) against the Cognito emulator; off when absent. */
  userAdmin?: DemoUserAdmin;
}

export interface DemoApp {
  app: Express;
  /** Stops the authenticators' background key refreshes. */
  close(): void;
}

export function createApp(config: DemoConfig): DemoApp {
  const bearer = createAuthenticator(config.auth);
  const service = config.apiKey ? oneOfAuthenticators(bearer, config.apiKey) : bearer;

  const app = express();
  app.disable('x-powered-by');
  // No app-wide body parser: a body is parsed on the routes that take one, after authentication, so
  // an unauthenticated request never gets as far as a parser (or its error).
  const json = express.json({ limit: '100kb' });

  // Web login pages first: they never see the API routes' bearer check (nor does the API see the session).
  if (config.web) mountWebPages(app, config.web);

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  registerReady(app, bearer);

  app.get('/optional', optionalAuth(bearer), (req, res) => {
    res.json(req.auth ? principalJson(req.auth) : { authenticated: false });
  });

  app.get('/service', requireAuth(service), (req, res) => {
    res.json(principalJson(getAuth(req)));
  });

  mountSenderConstrainedRoutes(app, bearer, config.auth.resourceMetadata !== undefined);

  // User administration: its own authentication (the emulator's ID tokens), before the bearer check below.
  if (config.userAdmin) mountUserAdmin(app, config.userAdmin);

  // Every route below needs a valid access token.
  app.use(requireAuth(bearer));

  app.get('/me', (req, res) => {
    res.json(principalJson(getAuth(req)));
  });

  app.get('/items', requireScopes('read:items'), (_req, res) => {
    res.json(items);
  });

  app.post('/items', requireScopes('write:items'), json, (req, res) => {
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

  const revoke = config.revoke;
  if (revoke) {
    app.post('/revoke', async (req, res, next) => {
      const { claims } = getAuth(req);
      if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
        res
          .status(400)
          .json({ status: 400, code: 'ERR_NOT_REVOCABLE', message: 'The token has no jti or exp' });
        return;
      }
      try {
        await revoke.revokeToken(claims.jti, claims.exp);
        res.status(204).end();
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

  documentRoutes(app, config.pdp);

  app.use((_req, res) => {
    res.status(404).json({ status: 404, code: 'ERR_NOT_FOUND', message: 'Not found' });
  });
  app.use(authErrorHandler());
  app.use(finalErrorHandler);

  return {
    app,
    close() {
      bearer.close();
      config.apiKey?.close();
      config.userAdmin?.close();
    },
  };
}

// body-parser's error types, as the contract's JSON (status, code, message).
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': {
    status: 400,
    code: 'ERR_INVALID_JSON',
    message: 'The request body is not valid JSON',
  },
  'entity.too.large': { status: 413, code: 'ERR_BODY_TOO_LARGE', message: 'The request body is too large' },
  'encoding.unsupported': {
    status: 415,
    code: 'ERR_UNSUPPORTED_ENCODING',
    message: 'The request body encoding is not supported',
  },
  'charset.unsupported': {
    status: 415,
    code: 'ERR_UNSUPPORTED_CHARSET',
    message: 'The request body charset is not supported',
  },
};

/**
 * Every error that is not an AuthError, as JSON without a stack trace or the error's own text: a
 * body-parser error with its status, anything else as a 500 with a fixed message (the details go to
 * the server log only).
 */
const finalErrorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: unknown })?.type;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  const status = (err as { status?: unknown })?.status;
  const reply =
    known ??
    (typeof status === 'number' && status >= 400 && status < 500
      ? { status, code: 'ERR_BAD_REQUEST', message: 'The request could not be processed' }
      : { status: 500, code: 'ERR_INTERNAL', message: 'Internal server error' });
  if (reply.status >= 500) console.error(err);
  res.status(reply.status).json(reply);
};
