/**
 * Fastify glue of web login: setup errors, `requireLogin` as a preHandler, the routes' own scope (body
 * parsing, public under `defaultAuth: 'required'`). The contract's rows themselves run in
 * web-login-conformance.test.ts (with the dev IdP).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { fastifyAuth, fastifyWebAuth, requireLogin, type WebLoginState } from '../src/index.ts';
import { authOptions } from './tokens.ts';

const login = {
  issuer: 'http://127.0.0.1:9',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3002/callback',
  cookieKeys: [{ id: 'k1', secret: 'fastify-web-auth-test-secret-0123456789' }],
  allowInsecureRequests: true,
};

async function withApp(
  build: (app: FastifyInstance) => Promise<void>,
  run: (app: FastifyInstance) => Promise<void>,
) {
  const app = Fastify();
  try {
    await build(app);
    await app.ready();
    await run(app);
  } finally {
    await app.close();
  }
}

describe('fastifyWebAuth / requireLogin (Fastify)', () => {
  it('refuses option mistakes at registration, naming the plugin', async () => {
    const app = Fastify();
    await expect(app.register(fastifyWebAuth, { login, pahts: {} } as never)).rejects.toThrow(
      /@auth\/fastify fastifyWebAuth: unknown option "pahts"/,
    );
    await app.close();
    const other = Fastify();
    await expect(
      other.register(fastifyWebAuth, { login: { ...login, redirectUri: 'nope' } }),
    ).rejects.toThrow(TypeError);
    await other.close();
  });

  it('requireLogin sends a browser without a session to /login and an API client a 401; request.webLogin stays undefined', async () => {
    await withApp(
      async (app) => {
        await app.register(fastifyWebAuth, { login });
        app.get('/profile', { preHandler: app.requireLogin }, async (request) => ({
          sub: request.webLogin?.identity.subject,
        }));
        app.get('/open', async (request) => ({ webLogin: request.webLogin ?? null }));
      },
      async (app) => {
        const page = await app.inject({ url: '/profile?tab=2', headers: { accept: 'text/html' } });
        expect(page.statusCode).toBe(302);
        expect(page.headers.location).toBe('/login?returnTo=%2Fprofile%3Ftab%3D2');
        expect(page.headers['cache-control']).toBe('no-store');
        const api = await app.inject({ url: '/profile', headers: { accept: 'application/json' } });
        expect(api.statusCode).toBe(401);
        expect(api.json()).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
        // A tampered cookie is no session either, never a 500.
        const tampered = await app.inject({ url: '/session', headers: { cookie: 'session=garbage' } });
        expect(tampered.statusCode).toBe(401);
        const open = await app.inject({ url: '/open', headers: { cookie: 'session=garbage' } });
        expect(open.json()).toEqual({ webLogin: null });
      },
    );
  });

  it('requireLogin without the plugin is a programming error (TypeError to the error handler)', async () => {
    let seen: unknown;
    await withApp(
      async (app) => {
        app.setErrorHandler((error, _request, reply) => {
          seen = error;
          return reply.code(500).send();
        });
        app.get('/profile', { preHandler: requireLogin }, async () => 'never');
      },
      async (app) => {
        expect((await app.inject({ url: '/profile' })).statusCode).toBe(500);
        expect(seen).toBeInstanceOf(TypeError);
        expect(String((seen as Error).message)).toMatch(/register fastifyWebAuth before it/);
      },
    );
  });

  it('the login routes stay public under fastifyAuth defaultAuth "required", and the app keeps its own form parser', async () => {
    await withApp(
      async (app) => {
        await app.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required' });
        // An app-wide form parser (as @fastify/formbody adds) does not clash with the plugin's own.
        app.addContentTypeParser(
          'application/x-www-form-urlencoded',
          { parseAs: 'string' },
          (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
        );
        await app.register(fastifyWebAuth, { login });
        app.get('/me', async (request) => ({ sub: request.auth?.subject }));
      },
      async (app) => {
        expect((await app.inject({ url: '/me' })).statusCode).toBe(401);
        const session = await app.inject({ url: '/session' });
        expect(session.statusCode).toBe(401);
        expect(session.json()).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
        const confirm = await app.inject({ url: '/logout', headers: { accept: 'text/html' } });
        expect(confirm.statusCode).toBe(200);
        expect(confirm.body).toMatch(/<form method="post" action="\/logout">/);
      },
    );
  });

  it('POST /logout reads only a form body: the form token passes, the same token as JSON is refused (403)', async () => {
    await withApp(
      async (app) => {
        await app.register(fastifyWebAuth, { login });
      },
      async (app) => {
        const confirm = await app.inject({ url: '/logout', headers: { accept: 'text/html' } });
        const token = /name="csrf" value="([^"]+)"/.exec(confirm.body)?.[1] as string;
        const cookie = String([confirm.headers['set-cookie']].flat()[0]).split(';', 1)[0] as string;
        const asJson = await app.inject({
          method: 'POST',
          url: '/logout',
          headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
          payload: JSON.stringify({ csrf: token }),
        });
        expect(asJson.statusCode).toBe(403);
        expect(asJson.json()).toMatchObject({ code: 'ERR_AUTH_CSRF_REJECTED' });
        const asForm = await app.inject({
          method: 'POST',
          url: '/logout',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `csrf=${encodeURIComponent(token)}`,
        });
        expect(asForm.statusCode).toBe(302);
        expect(asForm.headers.location).toBe('/');
        // A body over the form limit is Fastify's 413, never read into the CSRF check.
        const huge = await app.inject({
          method: 'POST',
          url: '/logout',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `csrf=${'a'.repeat(20_000)}`,
        });
        expect(huge.statusCode).toBe(413);
      },
    );
  });

  it("other methods on a login route are core's 405 with Allow; HEAD /login is answered like GET", async () => {
    await withApp(
      async (app) => {
        await app.register(fastifyWebAuth, { login });
      },
      async (app) => {
        const put = await app.inject({
          method: 'PUT',
          url: '/session',
          headers: { accept: 'application/json' },
        });
        expect(put.statusCode).toBe(405);
        expect(put.headers.allow).toBe('GET, HEAD');
        expect(put.json()).toMatchObject({ code: 'ERR_METHOD_NOT_ALLOWED' });
        const head = await app.inject({ method: 'HEAD', url: '/session' });
        expect(head.statusCode).toBe(401);
      },
    );
  });

  it('types request.webLogin and the instance decorators by declaration merging', async () => {
    await withApp(
      async (app) => {
        await app.register(fastifyWebAuth, { login });
        expectTypeOf(app.requireLogin).toEqualTypeOf(requireLogin);
        app.get('/typed', { preHandler: app.requireLogin }, async (request) => {
          expectTypeOf(request.webLogin).toEqualTypeOf<WebLoginState | undefined>();
          return request.webLogin?.principal.subject;
        });
      },
      async (app) => {
        expect(app.webLoginRoutes.paths.login).toBe('/login');
      },
    );
  });
});
