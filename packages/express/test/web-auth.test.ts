/**
 * Express glue of web login: setup errors, `requireLogin()` order, a session-less browser sent to
 * login. The contract's rows themselves run in web-login-conformance.test.ts (with the dev IdP).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { requireLogin, webAuth } from '../src/index.ts';

const express4 = createRequire(import.meta.url)('express4') as typeof import('express');

const login = {
  issuer: 'http://127.0.0.1:9',
  clientId: 'web',
  clientSecret: 'web-secret',
  redirectUri: 'http://127.0.0.1:3001/callback',
  cookieKeys: [{ id: 'k1', secret: 'express-web-auth-test-secret-0123456789' }],
  allowInsecureRequests: true,
};

async function serve(app: express.Express | ReturnType<typeof express4>) {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('webAuth / requireLogin (Express)', () => {
  it('refuses option mistakes when webAuth() is called, naming the adapter', () => {
    expect(() => webAuth({ login, pahts: {} } as never)).toThrow(
      /@auth\/express webAuth\(\): unknown option "pahts"/,
    );
    expect(() => webAuth({ login: { ...login, redirectUri: 'nope' } })).toThrow(TypeError);
  });

  it('requireLogin() sends a browser without a session to /login and an API client a 401; req.webLogin stays unset', async () => {
    const app = express();
    app.use(webAuth({ login }));
    app.get('/profile', requireLogin(), (req, res) => {
      res.json({ sub: req.webLogin?.identity.subject });
    });
    const { url, close } = await serve(app);
    try {
      const page = await fetch(`${url}/profile?tab=2`, {
        redirect: 'manual',
        headers: { accept: 'text/html' },
      });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/login?returnTo=%2Fprofile%3Ftab%3D2');
      expect(page.headers.get('cache-control')).toBe('no-store');
      const api = await fetch(`${url}/profile`, { headers: { accept: 'application/json' } });
      expect(api.status).toBe(401);
      expect(await api.json()).toMatchObject({ code: 'ERR_AUTH_NO_SESSION' });
      // A tampered cookie is no session either, never a 500.
      const tampered = await fetch(`${url}/session`, { headers: { cookie: 'session=garbage' } });
      expect(tampered.status).toBe(401);
    } finally {
      await close();
    }
  });

  it('requireLogin() without webAuth() before it is a programming error passed to next(err)', async () => {
    const app = express();
    let seen: unknown;
    const onError: ErrorRequestHandler = (err, _req, res, _next) => {
      seen = err;
      res.status(500).end();
    };
    app.get('/profile', requireLogin(), (_req, res) => {
      res.end();
    });
    app.use(onError);
    const { url, close } = await serve(app);
    try {
      expect((await fetch(`${url}/profile`)).status).toBe(500);
      expect(seen).toBeInstanceOf(TypeError);
      expect(String((seen as Error).message)).toMatch(/mount app.use\(webAuth/);
    } finally {
      await close();
    }
  });

  it.each([
    ['Express 5', express],
    ['Express 4', express4],
  ] as const)(
    '%s: POST /logout reads its form token even behind an app-wide JSON parser',
    async (_name, make) => {
      const app = make();
      app.use(make.json()); // leaves req.body = {} on a form request in Express 4
      app.use(webAuth({ login }));
      const { url, close } = await serve(app);
      try {
        const page = await fetch(`${url}/logout`, { headers: { accept: 'text/html' } });
        const token = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] as string;
        const cookie = page.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        const post = await fetch(`${url}/logout`, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            cookie,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: `csrf=${token}`,
        });
        // The token proves it (no Origin here); the provider is unreachable, so the local logout goes to /.
        expect(post.status).toBe(302);
        expect(post.headers.get('location')).toBe('/');
      } finally {
        await close();
      }
    },
  );
});
