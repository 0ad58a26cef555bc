/**
 * The demo's web login (contract "Web login"): `webAuth` answers /login, /callback, /logout, /session;
 * `/profile` needs a login, `/security` a second factor (step-up); `/` links to them. The API routes stay bearer-only. Web-standard like the
 * rest of the app (no Node built-in): it runs on any runtime.
 */
import type { WebLoginConfig } from '@auth/core/login';
import { requireLogin, type WebAuthMiddleware, webAuth } from '@auth/hono';
import { demoLayout, homePage, profilePage, SECURITY_ACR_VALUES, securityPage } from 'demo-support';
import type { Hono } from 'hono';

export function mountWebPages(app: Hono, login: WebLoginConfig): WebAuthMiddleware {
  const web = webAuth({ login, renderPage: demoLayout });
  app.use(web);
  app.get('/', (c) => {
    c.header('cache-control', 'no-store');
    return c.html(homePage());
  });
  app.get('/profile', requireLogin(), async (c) => {
    const user = c.var.webLogin;
    await user.save(); // a refresh during this request is written back
    c.header('cache-control', 'no-store');
    return c.html(profilePage(user.identity, web.routes.paths.logout));
  });
  // Step-up: a password session is sent back through login with acr_values (the dev IdP asks again).
  app.get('/security', requireLogin({ acr: SECURITY_ACR_VALUES }), async (c) => {
    const user = c.var.webLogin;
    await user.save();
    c.header('cache-control', 'no-store');
    return c.html(securityPage({ ...user.identity, claims: user.session.data.claims }));
  });
  return web;
}
