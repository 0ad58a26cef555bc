/**
 * The demo's web login (contract "Web login"): `fastifyWebAuth` adds /login, /callback, /logout,
 * /session; `/profile` needs a login; `/` links to them. The API routes stay bearer-only.
 */
import type { WebLoginConfig } from '@auth/core/login';
import { fastifyWebAuth } from '@auth/fastify';
import { demoLayout, homePage, profilePage } from 'demo-support';
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
}
