/**
 * The demo's web login (contract "Web login"): `webAuth` mounts /login, /callback, /logout, /session;
 * `/profile` needs a login, `/security` a second factor (step-up); `/` links to them. The API routes stay bearer-only.
 */
import { requireLogin, type WebAuthMiddleware, webAuth } from '@auth/express';
import type { WebLoginConfig } from '@auth/core/login';
import { demoLayout, homePage, profilePage, SECURITY_ACR_VALUES, securityPage } from 'demo-support';
import type { Express } from 'express';

export function mountWebPages(app: Express, login: WebLoginConfig): WebAuthMiddleware {
  const web = webAuth({ login, renderPage: demoLayout });
  app.use(web);
  app.get('/', (_req, res) => {
    res.type('html').set('cache-control', 'no-store').send(homePage());
  });
  // The API accepts bearer tokens only: the page calls it server-side with the session's access token.
  const items = new URL('/items', login.redirectUri).href;
  app.get('/profile', requireLogin(), async (req, res) => {
    const user = req.webLogin;
    if (!user) return; // requireLogin answered
    let apiCall: string;
    try {
      const reply = await user.session.fetch(items);
      const body = (await reply.json()) as unknown;
      apiCall = `GET /items → ${reply.status}${Array.isArray(body) ? `, ${body.length} items` : ''}`;
    } catch (error) {
      apiCall = `GET /items failed (${(error as Error).name})`;
    }
    await user.save(); // a refresh during this request is written back
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(profilePage(user.identity, web.routes.paths.logout, apiCall));
  });
  // Step-up: a password session is sent back through login with acr_values (the dev IdP asks again).
  app.get('/security', requireLogin({ acr: SECURITY_ACR_VALUES }), async (req, res) => {
    const user = req.webLogin;
    if (!user) return;
    await user.save();
    res
      .type('html')
      .set('cache-control', 'no-store')
      .send(securityPage({ ...user.identity, claims: user.session.data.claims }));
  });
  return web;
}
