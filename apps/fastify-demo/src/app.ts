import {
  type Authenticator,
  type AuthenticatorOptions,
  anyAuthenticator,
  createAuthenticator,
  orgParam,
  type Principal,
} from '@auth/core';
import { fastifyAuth } from '@auth/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

export interface AppConfig {
  /** Bearer-token authentication (issuer, audience, algorithms…). */
  auth: AuthenticatorOptions;
  /** Service-principal credentials that `GET /service` accepts besides a bearer token. */
  apiKey?: Authenticator;
  /** Fastify's logger (off by default: failures are logged at info level). */
  logger?: boolean;
}

// The contract's principal JSON (more fields allowed; `claims` are left out on purpose).
const toJson = (p: Principal) => ({
  subject: p.subject,
  issuer: p.issuer,
  clientId: p.clientId,
  tokenUse: p.tokenUse,
  scopes: p.scopes,
  groups: p.groups,
  organizations: p.organizations,
  expiresAt: p.expiresAt,
});

const items = [
  { id: 1, name: 'hammer' },
  { id: 2, name: 'screwdriver' },
];

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

    api.get('/me', async (request) => toJson(request.auth!));

    api.get('/items', { config: { auth: { scopes: ['read:items'] } } }, async () => items);

    api.post('/items', { config: { auth: { scopes: ['write:items'] } } }, async (request, reply) => {
      const body = request.body as { name?: unknown } | undefined;
      const name = typeof body?.name === 'string' ? body.name : 'unnamed';
      return reply.code(201).send({ id: items.length + 1, name });
    });

    api.get('/admin', { config: { auth: { groups: ['admin'] } } }, async () => ({ admin: true }));

    api.get('/optional', { config: { auth: { optional: true } } }, async (request) =>
      request.auth ? toJson(request.auth) : { authenticated: false },
    );

    api.get(
      '/orgs/:orgId/projects',
      { preHandler: api.requireOrgPermission(orgParam('orgId'), 'read', 'projects') },
      async (request) => {
        const { orgId } = request.params as { orgId: string };
        return [{ id: 'p1', orgId, name: 'demo project' }];
      },
    );
  });

  // A sibling scope with its own registration: a token or service-principal credentials.
  await app.register(async (service) => {
    const either = config.apiKey ? anyAuthenticator(bearer, config.apiKey) : bearer;
    await service.register(fastifyAuth, { authenticator: either, defaultAuth: 'required' });
    service.get('/service', async (request) => toJson(request.auth!));
  });

  return app;
}
