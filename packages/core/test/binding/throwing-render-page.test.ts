/**
 * `handle()` is documented to never reject: an app's own `renderPage` that throws (a template bug)
 * must not turn into a rejected promise, which an adapter hands to the framework's error handler
 * (a 500, and a stack trace in Express's default handler).
 */
import { describe, expect, it } from 'vitest';
import { createWebLoginRoutes, type WebRequest } from '../../src/binding/web-login-routes.ts';
import { KEY_1, REDIRECT } from '../login/login-fixtures.ts';

const HTML = 'text/html,application/xhtml+xml';

function routesWithBrokenPage() {
  return createWebLoginRoutes({
    login: {
      issuer: 'http://127.0.0.1:9',
      clientId: 'web',
      clientSecret: 'web-secret',
      redirectUri: REDIRECT,
      allowInsecureRequests: true,
      cookieKeys: [KEY_1],
    },
    renderPage: () => {
      throw new Error('template bug with secret-ish detail');
    },
  });
}

describe('an app renderPage that throws', () => {
  it('never makes handle() reject: GET /logout and a 405 still answer, with the default page', async () => {
    const routes = routesWithBrokenPage();
    const requests: WebRequest[] = [
      { method: 'GET', url: '/logout', headers: { accept: HTML } },
      { method: 'PUT', url: '/session', headers: { accept: HTML } },
      { method: 'POST', url: '/logout', headers: { accept: HTML, origin: 'https://evil.test' } },
    ];
    for (const request of requests) {
      const response = await routes.handle(request);
      expect(response).toBeDefined();
      expect(response?.status).not.toBe(500);
      expect(response?.body).not.toContain('template bug');
    }
    const refused = await routes.handle(requests[2] as WebRequest);
    expect(refused?.status).toBe(403);
  });
});
