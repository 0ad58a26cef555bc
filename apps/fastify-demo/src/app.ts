import {
  type Authenticator,
  type AuthenticatorOptions,
  oneOfAuthenticators,
  createAuthenticator,
  orgParam,
} from '@auth/core';
import type { WebLoginConfig } from '@auth/core/login';
import { fastifyAuth } from '@auth/fastify';
import { demoProjects, items, nextItem, principalJson } from 'demo-support';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { mountWebPages } from './web-pages.ts';
import { documentRoutes } from './documents.ts';
import { registerReady } from './ready.ts';
import { senderConstrainedRoutes } from './sender-constrained.ts';

export interface AppConfig {
  /** Bearer-token authentication (issuer, audience, algorithms…). */
  auth: AuthenticatorOptions;
  /** Fastify server options set at start-up (timeouts for slow clients: see main.ts). */
  server?: Pick<FastifyServerOptions, 'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'>;
  /** Service-principal credentials that `GET /service` accepts besides a bearer token. */
  apiKey?: Authenticator;
  /** Fastify's logger (off by default: failures are logged at info level). */
  logger?: boolean;
  /** Web login (`/login`, `/callback`, `/logout`, `/session`, `/profile`); off when absent. */
  web?: WebLoginConfig;
  /** `GET|DELETE /documents/:id`: the AuthZEN decision point's URL (the dev PDP); no routes without it. */
  pdp?: string;
}

/** The contract's demo API on @auth/fastify. */
export async function createApp(config: AppConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: config.logger ?? false, bodyLimit: 100 * 1024, ...config.server });

  // Errors that are not auth failures (those are answered by the plugin) in the contract's JSON shape:
  // a client error keeps its status and code; anything else is a fixed 500, never a stack or message.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ status, code: error.code ?? 'ERR_BAD_REQUEST', message: error.message });
    }
    request.log.error(error);
    return reply.code(500).send({ status: 500, code: 'ERR_INTERNAL', message: 'Internal server error' });
  });
  const bearer = createAuthenticator(config.auth);
  // The app owns the authenticators it was given: stop their background key refreshes on close.
  app.addHook('onClose', async () => {
    bearer.close();
    config.apiKey?.close();
  });

  app.get('/health', async () => ({ status: 'ok' }));
  registerReady(app, bearer);

  // Web login pages at the root; the API scopes below never read the session cookie.
  if (config.web) await mountWebPages(app, config.web);
  await senderConstrainedRoutes(app, bearer, config.auth.resourceMetadata !== undefined);

  // Every route in this scope needs a valid token unless its `config.auth` says otherwise.
  await app.register(async (api) => {
    await api.register(fastifyAuth, { authenticator: bearer, defaultAuth: 'required' });
    // Form bodies, parsed after authentication (the plugin checks in onRequest): a second token in
    // one next to the Authorization header is then refused (RFC 6750 §2).
    api.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    api.get('/me', async (request) => principalJson(request.auth!));

    api.get('/items', { config: { auth: { scopes: ['read:items'] } } }, async () => items);

    api.post('/items', { config: { auth: { scopes: ['write:items'] } } }, async (request, reply) => {
      return reply.code(201).send(nextItem(request.body));
    });

    api.get('/admin', { config: { auth: { groups: ['admin'] } } }, async () => ({ admin: true }));

    api.get('/optional', { config: { auth: { optional: true } } }, async (request) =>
      request.auth ? principalJson(request.auth) : { authenticated: false },
    );

    api.get(
      '/orgs/:orgId/projects',
      { preHandler: api.requireOrgPermission(orgParam('orgId'), 'read', 'projects') },
      async (request) => {
        const { orgId } = request.params as { orgId: string };
        return demoProjects(orgId);
      },
    );

    documentRoutes(api, config.pdp);
  });

  // A sibling scope with its own registration: a token or service-principal credentials.
  await app.register(async (service) => {
    const either = config.apiKey ? oneOfAuthenticators(bearer, config.apiKey) : bearer;
    await service.register(fastifyAuth, { authenticator: either, defaultAuth: 'required' });
    service.get('/service', async (request) => principalJson(request.auth!));
  });

  return app;
}
