import { createAuthenticator, MissingTokenError, orgParam, type Principal } from '@auth/core';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  type AuthEnv,
  authorize,
  optionalAuth,
  requireAuth,
  requireGroups,
  requireOrgPermission,
  requireScopes,
} from '../src/index.ts';
import { authOptions, bearer, token } from './tokens.ts';

const authenticator = createAuthenticator(authOptions());
afterAll(() => authenticator.close());

const get = (app: Hono<any>, path: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers });

function demo() {
  const app = new Hono();
  app.get('/maybe', optionalAuth(authenticator), (c) => c.json({ sub: c.var.auth?.subject ?? null }));
  const api = new Hono<AuthEnv>();
  api.use(requireAuth(authenticator));
  api.get('/me', (c) => c.json({ sub: c.var.auth.subject }));
  api.get('/items', requireScopes('read:items'), (c) => c.json([]));
  api.get('/admin', requireGroups('admin'), (c) => c.json({ admin: true }));
  api.get('/orgs/:orgId/projects', requireOrgPermission(orgParam('orgId'), 'read', 'projects'), (c) =>
    c.json([]),
  );
  app.route('/', api);
  return app;
}

describe('requireAuth / optionalAuth', () => {
  it('401 without credentials, with the challenge and JSON body', async () => {
    const res = await get(demo(), '/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING_TOKEN' });
  });

  it('sets c.var.auth for a valid token', async () => {
    const res = await get(demo(), '/me', bearer());
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: 'user-1' });
  });

  it('optionalAuth: none → continue, bad → 401, malformed → 400', async () => {
    const app = demo();
    expect(await (await get(app, '/maybe')).json()).toEqual({ sub: null });
    expect(await (await get(app, '/maybe', bearer())).json()).toEqual({ sub: 'user-1' });
    expect((await get(app, '/maybe', { authorization: 'Bearer x.y.z' })).status).toBe(401);
    expect((await get(app, '/maybe', { authorization: 'Bearer\ttab' })).status).toBe(400);
    // Another scheme is no bearer credentials: anonymous on an optional route.
    expect((await get(app, '/maybe', { authorization: 'Basic abc' })).status).toBe(200);
  });

  it('uses the authenticator realm, also for later authorization failures', async () => {
    const custom = createAuthenticator(authOptions({ realm: 'custom' }));
    const app = new Hono();
    app.get('/x', requireAuth(custom), requireScopes('s'), (c) => c.text('x'));
    expect((await get(app, '/x')).headers.get('www-authenticate')).toBe('Bearer realm="custom"');
    const denied = await get(app, '/x', bearer());
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer realm="custom", error="insufficient_scope", error_description="Insufficient scope", scope="s"',
    );
    custom.close();
  });

  it('rejects bad options at setup with a TypeError', () => {
    expect(() => requireAuth(42 as never)).toThrow(TypeError);
    expect(() => authorize('x' as never)).toThrow(TypeError);
  });
});

describe('required authentication never passes without a principal', () => {
  it('requireAuth refuses a custom authenticator that resolves no principal', async () => {
    const nobody = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => undefined,
      close: () => {},
    };
    const app = new Hono();
    app.get('/x', requireAuth(nobody), (c) => c.json({ auth: c.var.auth ?? null }));
    const denied = await get(app, '/x', bearer());
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { code: string }).code).toBe('ERR_AUTH_MISSING_TOKEN');
  });
});

describe('token locations', () => {
  it('reads a form-body token when tokenLocations.body is on, and the handler still gets the body', async () => {
    const app = new Hono();
    app.post('/form', requireAuth(authOptions({ tokenLocations: { body: true } })), async (c) =>
      c.json({ sub: c.var.auth.subject, other: (await c.req.parseBody()).other }),
    );
    const post = (body: string) =>
      app.request('/form', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    const ok = await post(`access_token=${token()}&other=1`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: 'user-1', other: '1' });
    expect((await post('other=1')).status).toBe(401);
  });

  it('ignores a query token unless turned on', async () => {
    const off = new Hono();
    off.get('/q', requireAuth(authenticator), (c) => c.text('q'));
    expect((await get(off, `/q?access_token=${token()}`)).status).toBe(401);
    const on = new Hono();
    on.get('/q', requireAuth(authOptions({ tokenLocations: { query: true } })), (c) => c.text('q'));
    expect((await get(on, `/q?access_token=${token()}`)).status).toBe(200);
  });
});

describe('authorization middleware', () => {
  it('requireScopes: 403 insufficient_scope naming the scope', async () => {
    const app = demo();
    const res = await get(app, '/items', bearer({ scope: 'write:items' }));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="read:items"');
    expect(await res.json()).toMatchObject({
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      error: 'insufficient_scope',
    });
    expect((await get(app, '/items', bearer({ scope: 'read:items' }))).status).toBe(200);
  });

  it('requireGroups and requireOrgPermission (org id from the route parameters)', async () => {
    const app = demo();
    expect((await get(app, '/admin', bearer())).status).toBe(403);
    expect((await get(app, '/admin', bearer({ groups: ['admin'] }))).status).toBe(200);
    const org = bearer({ organizations: [{ id: 'org_1', scopes: ['projects:read'] }] });
    expect((await get(app, '/orgs/org_1/projects', org)).status).toBe(200);
    const other = await get(app, '/orgs/org_2/projects', org);
    expect(other.status).toBe(403);
    expect((await other.json()).code).toBe('ERR_AUTH_MISSING_ORG_PERMISSION');
  });

  it('without requireAuth before it: 401, fail closed', async () => {
    const app = new Hono();
    app.get('/x', requireScopes('s'), (c) => c.text('x'));
    const res = await get(app, '/x', bearer({ scope: 's' }));
    expect(res.status).toBe(401);
  });
});

describe('errors', () => {
  it('are HTTPExceptions with a ready Response, usable in an app onError', async () => {
    const app = new Hono();
    const seen: unknown[] = [];
    app.onError((err, c) => {
      seen.push(err);
      if (err instanceof HTTPException) return err.getResponse();
      return c.text('custom 500', 500);
    });
    app.get('/x', requireAuth(authenticator), (c) => c.text('x'));
    const res = await get(app, '/x', { authorization: 'Bearer' });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_request"/);
    expect(await res.json()).toMatchObject({ status: 400, code: 'ERR_AUTH_INVALID_REQUEST' });
    expect(seen[0]).toBeInstanceOf(HTTPException);
    expect((seen[0] as HTTPException).cause).toMatchObject({
      code: 'ERR_AUTH_INVALID_REQUEST',
      statusCode: 400,
    });
  });

  it('getResponse() gives a fresh, complete response on every call', async () => {
    const app = new Hono();
    const seen: HTTPException[] = [];
    app.onError((err) => {
      seen.push(err as HTTPException);
      return (err as HTTPException).getResponse();
    });
    app.get('/x', requireAuth(authenticator), (c) => c.text('x'));
    await get(app, '/x', bearer({ exp: Math.floor(Date.now() / 1000) - 60 }));
    const [err] = seen;
    const first = err!.getResponse();
    const firstBody = await first.text();
    const second = err!.getResponse();
    expect(second.status).toBe(401);
    expect(second.headers.get('www-authenticate')).toBe(first.headers.get('www-authenticate'));
    expect(await second.text()).toBe(firstBody);
    expect(JSON.parse(firstBody)).toMatchObject({ code: 'ERR_AUTH_TOKEN_EXPIRED' });
    // `res` (HTTPException's own field) is the same response, built when read.
    expect(err!.res?.status).toBe(401);
    expect(await err!.res?.text()).toBe(firstBody);
  });

  it('without credentials: the cause is the MissingTokenError of the realm, also in an app onError', async () => {
    const app = new Hono();
    const seen: HTTPException[] = [];
    app.onError((err) => {
      seen.push(err as HTTPException);
      return (err as HTTPException).getResponse();
    });
    const zoned = createAuthenticator({ ...authOptions(), realm: 'zone' });
    app.get('/x', requireAuth(zoned), (c) => c.text('x'));
    const res = await get(app, '/x');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="zone"');
    expect(await res.json()).toEqual({
      status: 401,
      code: 'ERR_AUTH_MISSING_TOKEN',
      message: 'Authentication required',
    });
    expect(seen[0]).toBeInstanceOf(HTTPException);
    expect(seen[0]!.message).toBe('Authentication required');
    expect(seen[0]!.cause).toBeInstanceOf(MissingTokenError);
    expect(seen[0]!.cause).toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN', realm: 'zone' });
    expect(seen[0]!.cause).toBe(seen[0]!.cause);
    zoned.close();
  });

  it('a failure inside a custom authenticator is a 401, never a 500', async () => {
    const app = new Hono();
    const broken = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => {
        throw new Error('boom');
      },
      close: () => {},
    };
    app.get('/x', requireAuth(broken), (c) => c.text('x'));
    const res = await get(app, '/x', bearer());
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('boom');
  });
});

describe('typing', () => {
  it('types c.var.auth through the middleware, AuthEnv and ContextVariableMap', () => {
    const app = new Hono();
    app.get('/a', requireAuth(authenticator), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      return c.text('a');
    });
    app.get('/b', optionalAuth(authenticator), (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal | undefined>();
      return c.text('b');
    });
    app.get('/c', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<Principal | undefined>();
      return c.text('c');
    });
    const typed = new Hono<AuthEnv<{ tenant: string }>>();
    typed.get('/d', (c) => {
      expectTypeOf(c.var.auth).toEqualTypeOf<Principal>();
      expectTypeOf(c.var.tenant).toEqualTypeOf<string>();
      return c.text('d');
    });
  });
});

describe('configuration from the environment', () => {
  it('requireAuth() without options reads AUTH_* variables', async () => {
    vi.stubEnv('AUTH_ISSUER', 'https://issuer.env.test');
    vi.stubEnv('AUTH_AUDIENCE', 'api://env');
    vi.stubEnv('AUTH_JWKS_URI', 'http://127.0.0.1:9/jwks');
    try {
      const app = new Hono();
      app.get('/x', requireAuth(), (c) => c.text('x'));
      const res = await get(app, '/x');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('option mistakes and second tokens', () => {
  // A typo used to be ignored; now the factory names it.
  it('requireAuth refuses unknown option names with a TypeError', () => {
    expect(() => requireAuth({ issuers: [], scope: ['read:items'] } as never)).toThrow(
      /unknown option "scope"/,
    );
    const _typeOnly = () => {
      // @ts-expect-error: `scope` is not an authenticator option
      requireAuth({ issuers: [], scope: ['read:items'] });
    };
    expect(_typeOnly).toBeTypeOf('function');
  });

  it('refuses a header token beside an access_token form parameter, body tokens off', async () => {
    const app = new Hono();
    app.post('/x', requireAuth(authenticator), async (c) => c.json(await c.req.parseBody()));
    const post = (body: string) =>
      app.request('/x', {
        method: 'POST',
        headers: {
          ...bearer(),
          'content-type': 'application/x-www-form-urlencoded',
          // Read only when small and declared (Node's server always has it for a sized body).
          'content-length': String(body.length),
        },
        body,
      });
    const twice = await post('access_token=abc.def.ghi');
    expect(twice.status).toBe(400);
    expect(await twice.json()).toMatchObject({ code: 'ERR_AUTH_INVALID_REQUEST' });
    // The handler still reads the (cached) body.
    expect(await (await post('name=widget')).json()).toEqual({ name: 'widget' });
  });
});
