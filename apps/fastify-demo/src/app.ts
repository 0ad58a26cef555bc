import {
  type Authenticator,
  type AuthenticatorOptions,
  anyAuthenticator,
  createAuthenticator,
  orgParam,
} from '@auth/core';
import { fastifyAuth } from '@auth/fastify';
import { demoProjects, items, nextItem, principalJson } from 'demo-support';
import Fastify, { type FastifyInstance } from 'fastify';

export interface AppConfig {
  /** Bearer-token authentication (issuer, audience, algorithms…). */
  auth: AuthenticatorOptions;
  /** Service-principal credentials that `GET /service` accepts besides a bearer token. */
  apiKey?: Authenticator;
  /** Fastify's logger (off by default: failures are logged at info level). */
  logger?: boolean;
}

/** The contract's demo API on @auth/fastify. */
export async function createApp(config: AppConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: config.logger ?? false });
  const bearer = createAuthenticator(config.auth);
  // The app owns the authenticators it was given: stop their background key refreshes on close.
  app.addHook('onClose', async () => {
    bearer.close();
    config.apiKey?.close();
  });

  app.get('/health', async () => ({ status: 'ok' }));

  // Every route in this scope needs a valid token unless its `config.auth` says otherwise.
  await app.register(async (api) => {
    await api.register(fastifyAuth, { authenticator: bearer, defaultAuth: 'required' });

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
  });

  // A sibling scope with its own registration: a token or service-principal credentials.
  await app.register(async (service) => {
    const either = config.apiKey ? anyAuthenticator(bearer, config.apiKey) : bearer;
    await service.register(fastifyAuth, { authenticator: either, defaultAuth: 'required' });
    service.get('/service', async (request) => principalJson(request.auth!));
  });

  return app;
}
