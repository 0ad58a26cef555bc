/**
 * The demo's web login (contract "Web login"): `fastifyWebAuth` adds /login, /callback, /logout,
 * /session; `/profile` needs a login, `/security` a second factor (step-up); `/` links to them. The API routes stay bearer-only.
 */
import type { WebLoginConfig } from '@auth/core/login';
import { fastifyWebAuth, requireLoginWith } from '@auth/fastify';
import { demoLayout, homePage, profilePage, SECURITY_ACR_VALUES, securityPage } from 'demo-support';
import type { FastifyInstance } from 'fastify';

export async function mountWebPages(app: FastifyInstance, login: WebLoginConfig): Promise<void> {
  await app.register(fastifyWebAuth, { login, renderPage: demoLayout });
  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(homePage()),
  );
  app.get('/profile', { preHandler: app.requireLogin }, async (request, reply) => {
    const user = request.webLogin;
    if (!user) return reply; // requireLogin answered
    await user.save(); // a refresh during this request is written back
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(profilePage(user.identity, app.webLoginRoutes.paths.logout));
  });
  // Step-up: a password session is sent back through login with acr_values (the dev IdP asks again).
  app.get(
    '/security',
    { preHandler: requireLoginWith({ acr: SECURITY_ACR_VALUES }) },
    async (request, reply) => {
      const user = request.webLogin;
      if (!user) return reply;
      await user.save();
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(securityPage({ ...user.identity, claims: user.session.data.claims }));
    },
  );
}
