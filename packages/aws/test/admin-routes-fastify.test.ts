/** userAdminRoutes mounted on Fastify (a plugin scope with @auth/fastify), against the shared rows. */
import { fastifyAuth } from '@auth/fastify';
import Fastify from 'fastify';
import { userAdminRoutes } from '../src/index.ts';
import { describeAdminMount } from './support/admin-route-rows.ts';
import { emulatorIssuer } from './support/cognito-local.ts';

describeAdminMount('Fastify', async (emu, users) => {
  const admin = userAdminRoutes({ users });
  const app = Fastify();
  await app.register(async (scope) => {
    // This scope's routes authenticate with Cognito ID tokens, before the body is parsed (onRequest).
    await scope.register(fastifyAuth, {
      issuers: [emulatorIssuer(emu)],
    });
    // A body that does not parse reaches the route as `undefined` (its 400), not Fastify's own error shape.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 100_000 },
      (_req, text, done) => {
        try {
          done(null, JSON.parse(text as string));
        } catch {
          done(null, undefined);
        }
      },
    );
    for (const route of admin.routes) {
      scope.route({
        method: route.method,
        url: route.path,
        config: { auth: { policy: admin.policy } },
        handler: async (request, reply) => {
          const out = await route.handle({
            principal: request.auth,
            params: request.params as Record<string, unknown>,
            query: request.query as Record<string, unknown>,
            body: request.body,
          });
          return reply.code(out.status).headers(out.headers).send(out.body);
        },
      });
    }
  });
  await app.ready();
  return {
    fetch: async (path, init) => {
      const res = await app.inject({
        method: init.method as 'GET',
        url: path,
        headers: init.headers as Record<string, string>,
        payload: init.body as string | undefined,
      });
      return new Response(res.body, {
        status: res.statusCode,
        headers: res.headers as Record<string, string>,
      });
    },
    close: () => app.close(),
  };
});
