import { createVerifier, createAuthenticator, requireScopes as scopesPolicy, type Policy } from '@auth/core';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authErrorHandler,
  authorize,
  getAuth,
  optionalAuth,
  orgParam,
  requireAuth,
  requireOrgPermission,
  requireScopes,
  withAuth,
} from '../src/index.ts';
import { get, listen, startIssuer } from './helpers.ts';

let issuer: Awaited<ReturnType<typeof startIssuer>>;
const closers: (() => unknown)[] = [];

beforeAll(async () => {
  issuer = await startIssuer();
  closers.push(() => issuer.close());
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(app: express.Express) {
  const server = await listen(app);
  closers.push(server.close);
  return server.url;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('requireAuth', () => {
  it('sets req.auth and protects every route after it', async () => {
    const app = express();
    app.get('/public', (_req, res) => {
      res.json({ ok: true });
    });
    app.use(requireAuth(issuer.options));
    app.get('/me', (req, res) => {
      res.json({ subject: getAuth(req).subject });
    });
    app.use(authErrorHandler());
    const url = await serve(app);

    expect((await get(`${url}/public`)).status).toBe(200);
    const denied = await get(`${url}/me`);
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(denied.body.code).toBe('ERR_AUTH_MISSING_TOKEN');
    const ok = await get(`${url}/me`, bearer(await issuer.token()));
    expect(ok).toMatchObject({ status: 200, body: { subject: 'user-1' } });
  });

  it('accepts options, a Verifier or an Authenticator, and exposes its authenticator', async () => {
    const verifier = createVerifier(issuer.options);
    const authenticator = createAuthenticator(issuer.options);
    closers.push(
      () => verifier.close(),
      () => authenticator.close(),
    );
    const token = await issuer.token();
    for (const middleware of [
      requireAuth(issuer.options),
      requireAuth(verifier),
      requireAuth(authenticator),
    ]) {
      expect(middleware.name).toBe('requireAuth');
      expect(typeof middleware.authenticator.authenticate).toBe('function');
      closers.push(() => middleware.authenticator.close());
      const app = express();
      app.get('/me', middleware, (req, res) => {
        res.json({ subject: req.auth?.subject });
      });
      const url = await serve(app);
      expect((await get(`${url}/me`, bearer(token))).body).toEqual({ subject: 'user-1' });
    }
    expect(requireAuth(authenticator).authenticator).toBe(authenticator);
  });

  it('throws a TypeError at setup for unusable options', () => {
    expect(() => requireAuth({} as never)).toThrow(TypeError);
  });

  it('reads AUTH_* variables when called without arguments', async () => {
    const names = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URI'] as const;
    const saved = names.map((name) => process.env[name]);
    process.env.AUTH_ISSUER = issuer.issuer;
    process.env.AUTH_AUDIENCE = issuer.options.issuers[0]!.audience;
    process.env.AUTH_JWKS_URI = issuer.options.issuers[0]!.jwksUri;
    try {
      const middleware = requireAuth();
      closers.push(() => middleware.authenticator.close());
      const app = express();
      app.get('/me', middleware, (req, res) => {
        res.json({ issuer: req.auth?.issuer });
      });
      const url = await serve(app);
      expect((await get(`${url}/me`, bearer(await issuer.token()))).body).toEqual({ issuer: issuer.issuer });
    } finally {
      names.forEach((name, i) => {
        if (saved[i] === undefined) delete process.env[name];
        else process.env[name] = saved[i];
      });
    }
  });
});

describe('required authentication never passes without a principal', () => {
  it('requireAuth refuses a custom authenticator that resolves no principal (401, not next())', async () => {
    const nobody = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => undefined,
      close: () => {},
    };
    const app = express();
    app.get('/x', requireAuth(nobody), (req, res) => {
      res.json({ auth: req.auth ?? null });
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    const denied = await get(`${url}/x`, bearer(await issuer.token()));
    expect(denied.status).toBe(401);
    expect(denied.body.code).toBe('ERR_AUTH_MISSING_TOKEN');
  });
});

describe('optionalAuth', () => {
  it('continues without credentials, sets req.auth with good ones, rejects bad ones', async () => {
    const app = express();
    app.get('/optional', optionalAuth(issuer.options), (req, res) => {
      res.json({ subject: req.auth?.subject ?? null });
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    expect(optionalAuth(issuer.options).name).toBe('optionalAuth');

    expect((await get(`${url}/optional`)).body).toEqual({ subject: null });
    expect((await get(`${url}/optional`, bearer(await issuer.token()))).body).toEqual({ subject: 'user-1' });
    const expired = await get(`${url}/optional`, bearer(await issuer.token({ exp: 1000, iat: 900 })));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('ERR_AUTH_TOKEN_EXPIRED');
  });
});

describe('authorization middleware', () => {
  it('authorize(policy) sees route params, method and path', async () => {
    const seen: unknown[] = [];
    const policy: Policy = (_principal, ctx) => {
      seen.push(ctx);
      return { allowed: true };
    };
    const app = express();
    app.get('/orgs/:orgId', requireAuth(issuer.options), authorize(policy), (_req, res) => {
      res.json({});
    });
    const url = await serve(app);
    expect((await get(`${url}/orgs/org_9`, bearer(await issuer.token()))).status).toBe(200);
    expect(seen).toEqual([{ params: { orgId: 'org_9' }, method: 'GET', path: '/orgs/org_9' }]);
  });

  it('wraps core policy makers under the same names', async () => {
    const app = express();
    app.use(requireAuth(issuer.options));
    app.get('/items', requireScopes('read:items'), (_req, res) => {
      res.json([]);
    });
    app.get('/orgs/:orgId/projects', requireOrgPermission(orgParam(), 'read', 'projects'), (_req, res) => {
      res.json([]);
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    expect(requireScopes('x').name).toBe('requireScopes');

    const reader = bearer(await issuer.token({ scope: 'read:items' }));
    expect((await get(`${url}/items`, reader)).status).toBe(200);
    const denied = await get(`${url}/items`, bearer(await issuer.token({ scope: 'other' })));
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="read:items"$/);

    const member = bearer(
      await issuer.token({ organizations: [{ id: 'org_1', scopes: ['projects:read'] }] }),
    );
    expect((await get(`${url}/orgs/org_1/projects`, member)).status).toBe(200);
    expect((await get(`${url}/orgs/org_2/projects`, member)).status).toBe(403);
  });

  it('without requireAuth first, denies with 401 (fail closed)', async () => {
    const app = express();
    app.get('/items', authorize(scopesPolicy('read:items')), (_req, res) => {
      res.json([]);
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    const reply = await get(`${url}/items`);
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('ERR_AUTH_MISSING_TOKEN');
  });

  it('renders denials with the realm of the authenticating middleware', async () => {
    const app = express();
    app.use(requireAuth({ ...issuer.options, realm: 'orders' }));
    app.get('/items', requireScopes('read:items'), (_req, res) => {
      res.json([]);
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    const reply = await get(`${url}/items`, bearer(await issuer.token({ scope: '' })));
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
  });
});

describe('withAuth', () => {
  it('runs the handler with the principal, fails closed without one, forwards rejections', async () => {
    const app = express();
    app.get(
      '/unprotected',
      withAuth((req, res) => {
        res.json({ subject: req.auth.subject });
      }),
    );
    app.get(
      '/me',
      requireAuth(issuer.options),
      withAuth((req, res) => {
        res.json({ subject: req.auth.subject });
      }),
    );
    app.get(
      '/async',
      requireAuth(issuer.options),
      withAuth(async () => {
        throw new Error('async failure');
      }),
    );
    app.use(authErrorHandler());
    app.use(((err, _req, res, _next) => {
      res.status(500).json({ message: err.message });
    }) as ErrorRequestHandler);
    const url = await serve(app);
    const token = bearer(await issuer.token());

    expect(await get(`${url}/me`, token)).toMatchObject({ status: 200, body: { subject: 'user-1' } });
    expect(await get(`${url}/unprotected`, token)).toMatchObject({
      status: 401,
      body: { code: 'ERR_AUTH_MISSING_TOKEN' },
    });
    expect(await get(`${url}/async`, token)).toMatchObject({
      status: 500,
      body: { message: 'async failure' },
    });
  });
});

describe('errors', () => {
  it('an application error handler placed first gets status, statusCode and headers', async () => {
    const mine: ErrorRequestHandler = (err, _req, res, _next) => {
      res.status(err.statusCode).set(err.headers).json({ mine: true, code: err.code, expose: err.expose });
    };
    const app = express();
    app.get('/me', requireAuth({ ...issuer.options, realm: 'shop' }), (_req, res) => {
      res.json({});
    });
    app.use(mine);
    app.use(authErrorHandler());
    const url = await serve(app);
    const reply = await get(`${url}/me`, { authorization: 'Bearer' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ mine: true, code: 'ERR_AUTH_INVALID_REQUEST', expose: true });
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm="shop", error="invalid_request"/);
  });

  it("Express's own final handler uses the error's status and headers", async () => {
    const app = express();
    app.get('/me', requireAuth(issuer.options), (_req, res) => {
      res.json({});
    });
    const url = await serve(app);
    const reply = await get(`${url}/me`);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('authErrorHandler passes other errors on and can override the realm', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/me', requireAuth(issuer.options), (_req, res) => {
      res.json({});
    });
    app.use(authErrorHandler({ realm: 'override' }));
    app.use(((_err, _req, res, _next) => {
      res.status(500).json({ handledBy: 'app' });
    }) as ErrorRequestHandler);
    const url = await serve(app);
    expect(await get(`${url}/boom`)).toMatchObject({ status: 500, body: { handledBy: 'app' } });
    const reply = await get(`${url}/me`);
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="override"');
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.body).toEqual({ status: 401, code: 'ERR_AUTH_MISSING_TOKEN', message: expect.any(String) });
  });
});

describe('option mistakes', () => {
  // A typo used to be ignored (an option that does nothing); now the factory names it.
  it('requireAuth and authErrorHandler refuse unknown option names with a TypeError', () => {
    expect(() => requireAuth({ ...issuer.options, scope: ['read:items'] } as never)).toThrow(
      /unknown option "scope"/,
    );
    expect(() => optionalAuth({ ...issuer.options, relm: 'x' } as never)).toThrow(TypeError);
    expect(() => authErrorHandler({ relm: 'x' } as never)).toThrow(
      new TypeError('authErrorHandler(): unknown option "relm" (did you mean "realm"?)'),
    );
    expect(() => authErrorHandler({ realm: 'café' })).toThrow(/printable ASCII/);
  });

  it('does not compile misspelt options', () => {
    const _typeOnly = () => {
      // @ts-expect-error: `scope` is not an authenticator option
      requireAuth({ ...issuer.options, scope: ['read:items'] });
      // @ts-expect-error: `relm` is not an authErrorHandler option
      authErrorHandler({ relm: 'x' });
    };
    expect(_typeOnly).toBeTypeOf('function');
  });
});

describe('a form body beside a header token', () => {
  it('is read by requireAuth only to refuse a second token; the route still sees the parsed body', async () => {
    const app = express();
    app.post('/items', requireAuth(issuer.options), express.urlencoded({ extended: false }), (req, res) => {
      res.json({ body: req.body });
    });
    app.use(authErrorHandler());
    const url = await serve(app);
    const post = (body: string, authorization: string) =>
      fetch(`${url}/items`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const token = await issuer.token({ scope: 'write:items' });
    const twice = await post('access_token=abc.def.ghi', `Bearer ${token}`);
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ code: 'ERR_AUTH_INVALID_REQUEST' });
    const ok = await post('name=widget', `Bearer ${token}`);
    expect(await ok.json()).toEqual({ body: { name: 'widget' } });
  });
});
