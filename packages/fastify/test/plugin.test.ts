import { type AuthError, type AuthEvent, createAuthenticator, isAuthError, orgParam } from '@auth/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fastifyAuth, type RouteAuthConfig, replyAuthError } from '../src/index.ts';
import { AUDIENCE, authOptions, bearer, ISSUER, token } from './tokens.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function newApp(): FastifyInstance {
  const app = Fastify();
  apps.push(app);
  return app;
}

const get = (app: FastifyInstance, url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

describe('declarative route config', () => {
  async function app(defaultAuth?: 'required' | 'none') {
    const app = newApp();
    await app.register(fastifyAuth, { ...authOptions(), ...(defaultAuth ? { defaultAuth } : {}) });
    app.get('/open', async (request) => ({ unset: request.auth === undefined, has: 'auth' in request }));
    app.get('/me', { config: { auth: true } }, async (request) => ({ sub: request.auth?.subject }));
    app.get('/public', { config: { auth: { public: true } } }, async () => ({ ok: true }));
    app.get('/items', { config: { auth: { scopes: ['read:items', 'list:items'] } } }, async () => []);
    app.get('/admin', { config: { auth: { groups: ['admin'] } } }, async () => ({ admin: true }));
    app.get('/optional', { config: { auth: { optional: true } } }, async (request) => ({
      authenticated: request.auth !== undefined,
    }));
    return app;
  }

  it('leaves routes without config.auth open by default', async () => {
    const res = await get(await app(), '/open');
    expect(res.statusCode).toBe(200);
    // undefined, as in @auth/express and @auth/hono (the property exists from the start)
    expect(res.json()).toEqual({ unset: true, has: true });
  });

  it('auth: true needs a token and sets request.auth', async () => {
    const a = await app();
    const missing = await get(a, '/me');
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(missing.json()).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING_TOKEN' });
    const ok = await get(a, '/me', bearer());
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ sub: 'user-1' });
  });

  it('scopes: 403 insufficient_scope naming the required scopes', async () => {
    const a = await app();
    const res = await get(a, '/items', bearer({ scope: 'read:items' }));
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain('scope="read:items list:items"');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({
      status: 403,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      error: 'insufficient_scope',
    });
    expect((await get(a, '/items', bearer({ scope: 'list:items read:items' }))).statusCode).toBe(200);
  });

  it('groups: 403 without the group, 200 with it', async () => {
    const a = await app();
    const denied = await get(a, '/admin', bearer({ groups: ['users'] }));
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="insufficient_scope", error_description="${denied.json().message}"`,
    );
    expect((await get(a, '/admin', bearer({ groups: ['admin'] }))).statusCode).toBe(200);
  });

  it('optional: no credentials pass, bad credentials are 401', async () => {
    const a = await app();
    expect((await get(a, '/optional')).json()).toEqual({ authenticated: false });
    expect((await get(a, '/optional', bearer())).json()).toEqual({ authenticated: true });
    const bad = await get(a, '/optional', { authorization: 'Bearer not.a.jwt' });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    const malformed = await get(a, '/optional', { authorization: 'Bearer' });
    expect(malformed.statusCode).toBe(400);
    // Another scheme is no bearer credentials at all (RFC 6750 §3.1): like none.
    expect((await get(a, '/optional', { authorization: 'Basic abc' })).json()).toEqual({
      authenticated: false,
    });
  });

  it("defaultAuth: 'required' protects unconfigured routes; public: true opts out", async () => {
    const a = await app('required');
    expect((await get(a, '/open')).statusCode).toBe(401);
    expect((await get(a, '/open', bearer())).statusCode).toBe(200);
    expect((await get(a, '/public')).statusCode).toBe(200);
  });

  it('protects the HEAD route Fastify adds for a GET route', async () => {
    const a = await app();
    expect((await a.inject({ method: 'HEAD', url: '/me' })).statusCode).toBe(401);
    expect((await a.inject({ method: 'HEAD', url: '/items', headers: bearer() })).statusCode).toBe(403);
  });

  it('policy: any core policy, combined with scopes', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    const onlyAlice = (p: { subject: string }) =>
      p.subject === 'alice'
        ? ({ allowed: true } as const)
        : ({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'Not alice' } as const);
    a.get('/alice', { config: { auth: { scopes: ['x'], policy: onlyAlice } } }, async () => 'hi');
    expect((await get(a, '/alice', bearer({ sub: 'bob', scope: 'x' }))).statusCode).toBe(403);
    expect((await get(a, '/alice', bearer({ sub: 'alice' }))).statusCode).toBe(403);
    expect((await get(a, '/alice', bearer({ sub: 'alice', scope: 'x' }))).statusCode).toBe(200);
  });

  it('rejects wrong config at registration with a TypeError', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    expect(() => a.get('/x', { config: { auth: { public: true, scopes: ['a'] } } }, async () => 'x')).toThrow(
      /public route cannot also be optional or carry requirements/,
    );
    expect(() => a.get('/y', { config: { auth: 'yes' as never } }, async () => 'y')).toThrow(/config\.auth/);
    const b = newApp();
    await expect(
      b.register(fastifyAuth, { ...authOptions(), defaultAuth: 'always' as never }),
    ).rejects.toThrow(/defaultAuth/);
    const c = newApp();
    await expect(c.register(fastifyAuth, { ...authOptions(), throwErrors: 'yes' as never })).rejects.toThrow(
      /throwErrors/,
    );
  });

  // A misspelt key used to be ignored: `scope` instead of `scopes` served a token without scopes.
  it('refuses a route whose config.auth has an unknown key, naming it', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    const typo = { scope: ['read:items'] } as never;
    expect(() => a.get('/items', { config: { auth: typo } }, async () => [])).toThrow(
      new TypeError(
        '@auth/fastify route GET /items: config.auth: unknown option "scope" (did you mean "scopes"?)',
      ),
    );
    // The plural spellings of before are refused with the new name.
    expect(() => a.get('/any', { config: { auth: { anyScopes: ['a'] } as never } }, async () => [])).toThrow(
      /unknown option "anyScopes" \(did you mean "anyScope"\?\)/,
    );
    expect(() =>
      a.route({
        method: ['GET', 'POST'],
        url: '/g',
        config: { auth: { group: ['admin'] } as never },
        handler: async () => 'g',
      }),
    ).toThrow(/route GET,POST \/g: config\.auth: unknown option "group"/);
    expect(() =>
      a.get('/s', { config: { auth: { scopes: 'read:items' as never } } }, async () => 's'),
    ).toThrow('@auth/fastify route GET /s: config.auth.scopes must be an array of strings');
    expect(() => a.get('/p', { config: { auth: { public: 'yes' as never } } }, async () => 'p')).toThrow(
      /config\.auth\.public/,
    );
    await a.ready();
    // The route was not registered with a silently missing check.
    expect((await get(a, '/items', bearer())).statusCode).toBe(404);
  });

  it('refuses unknown plugin options, also beside a ready authenticator', async () => {
    const a = newApp();
    await expect(
      a.register(fastifyAuth, { ...authOptions(), defaultauth: 'required' } as never),
    ).rejects.toThrow(/unknown option "defaultauth"/);
    const b = newApp();
    const authenticator = createAuthenticator(authOptions());
    await expect(b.register(fastifyAuth, { authenticator, realm: 'ignored' } as never)).rejects.toThrow(
      new TypeError('@auth/fastify options: unknown option "realm"'),
    );
    authenticator.close();
  });
});

describe("config.auth: the keys of core's RouteSpec", () => {
  // Optional next to a requirement used to be a TypeError here and a 401 in the other adapters: one
  // rule now, the requirement makes the route required.
  it('optional with a requirement is required: no credentials 401, no scope 403, scope 200', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get('/feed', { config: { auth: { optional: true, scopes: ['read:feed'] } } }, async (request) => ({
      sub: request.auth?.subject,
    }));
    const none = await get(a, '/feed');
    expect([none.statusCode, none.json().code]).toEqual([401, 'ERR_AUTH_MISSING_TOKEN']);
    const denied = await get(a, '/feed', bearer({ scope: 'read:items' }));
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'ERR_AUTH_INSUFFICIENT_SCOPE']);
    const ok = await get(a, '/feed', bearer({ scope: 'read:feed' }));
    expect([ok.statusCode, ok.json()]).toEqual([200, { sub: 'user-1' }]);
  });

  it('anyScope, anyGroup, permission, orgPermission, orgRole and claim: 403 without, 200 with', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    const org = (scopes: string[]) => ({ organizations: [{ id: 'acme', scopes }] });
    const routes: [string, RouteAuthConfig, Record<string, unknown>, Record<string, unknown>][] = [
      ['/any-scope', { anyScope: ['a', 'b'] }, { scope: 'c' }, { scope: 'b' }],
      ['/any-group', { anyGroup: ['x', 'y'] }, { groups: ['z'] }, { groups: ['y'] }],
      [
        '/permission',
        { permission: { action: 'read', resource: 'projects' } },
        {},
        { scope: 'projects:read' },
      ],
      [
        '/orgs/:orgId/perm',
        { orgPermission: { action: 'read', resource: 'projects' } },
        org(['projects:write']),
        org(['projects:read']),
      ],
      ['/orgs/:orgId/role', { orgRole: { role: 'admin' } }, org(['projects:read']), org(['admin'])],
      [
        '/claim',
        { claim: { path: 'tenant', matcher: { equals: 'acme' } } },
        { tenant: 'globex' },
        { tenant: 'acme' },
      ],
    ];
    for (const [url, auth] of routes) a.get(url, { config: { auth } }, async () => 'ok');
    for (const [url, , without, withIt] of routes) {
      const path = url.replace(':orgId', 'acme');
      expect((await get(a, path, bearer(without))).statusCode, `${url} without`).toBe(403);
      expect((await get(a, path, bearer(withIt))).statusCode, `${url} with`).toBe(200);
    }
  });

  it('refuses the separate { verifier } option: a verifier is given as { authenticator }', async () => {
    const a = newApp();
    const authenticator = createAuthenticator(authOptions());
    await expect(a.register(fastifyAuth, { verifier: authenticator } as never)).rejects.toThrow(
      /unknown option "verifier"/,
    );
    authenticator.close();
  });
});

describe('cached tokens finish without a promise', () => {
  // The hooks are callback-style: with the token in core's cache the check ends synchronously, so a
  // microtask queued before it has not run yet when the handler starts (no promise per request).
  async function app() {
    const a = newApp();
    a.addHook('onRequest', (request, _reply, done) => {
      const seen = request as unknown as { microtaskRan: boolean };
      seen.microtaskRan = false;
      queueMicrotask(() => {
        seen.microtaskRan = true;
      });
      done();
    });
    await a.register(fastifyAuth, authOptions());
    const ran = (request: object) => ({ microtaskRan: (request as { microtaskRan: boolean }).microtaskRan });
    a.get('/open', (request, reply) => reply.send(ran(request)));
    a.get('/declared', { config: { auth: { scopes: ['read:items'] } } }, (request, reply) =>
      reply.send(ran(request)),
    );
    a.get('/hooked', { preHandler: a.requireScopes('read:items') }, (request, reply) =>
      reply.send(ran(request)),
    );
    return a;
  }

  it('config.auth and decorator hooks: the handler runs in the same tick as on an open route', async () => {
    const a = await app();
    expect((await get(a, '/open')).json()).toEqual({ microtaskRan: false });
    const headers = bearer({ scope: 'read:items' });
    // First sight of the token: verified asynchronously.
    expect((await get(a, '/declared', headers)).json()).toEqual({ microtaskRan: true });
    expect((await get(a, '/declared', headers)).json()).toEqual({ microtaskRan: false });
    expect((await get(a, '/hooked', headers)).json()).toEqual({ microtaskRan: false });
    // A cached denial too.
    expect((await get(a, '/declared', bearer())).statusCode).toBe(403);
    expect((await get(a, '/declared', bearer())).statusCode).toBe(403);
  });

  it('called without done from an async hook, a decorator returns a promise', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get(
      '/manual',
      {
        onRequest: async (request, reply) => {
          await a.authenticate(request, reply);
        },
      },
      async (request) => ({ sub: request.auth?.subject }),
    );
    expect((await get(a, '/manual', bearer())).json()).toEqual({ sub: 'user-1' });
    expect((await get(a, '/manual')).statusCode).toBe(401);
  });
});

describe('decorators', () => {
  it('fastify.requireScopes(...) authenticates when no earlier hook did', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get('/items', { preHandler: a.requireScopes('read:items') }, async (request) => request.auth?.scopes);
    expect((await get(a, '/items')).statusCode).toBe(401);
    expect((await get(a, '/items', bearer({ scope: 'write:items' }))).statusCode).toBe(403);
    const ok = await get(a, '/items', bearer({ scope: 'read:items' }));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual(['read:items']);
  });

  it('onRequest: authenticate + preHandler: requireOrgPermission reads request.params', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get(
      '/orgs/:orgId/projects',
      {
        onRequest: a.authenticate,
        preHandler: a.requireOrgPermission(orgParam('orgId'), 'read', 'projects'),
      },
      async () => [],
    );
    const org = { organizations: [{ id: 'org_1', scopes: ['projects:read'] }] };
    expect((await get(a, '/orgs/org_1/projects', bearer(org))).statusCode).toBe(200);
    const other = await get(a, '/orgs/org_2/projects', bearer(org));
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('ERR_AUTH_MISSING_ORG_PERMISSION');
    expect((await get(a, '/orgs/org_1/projects')).statusCode).toBe(401);
  });

  it('optionalAuth and authorize(policy) as hooks', async () => {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get('/maybe', { onRequest: a.optionalAuth }, async (request) => ({
      sub: request.auth === undefined ? 'none' : request.auth.subject,
    }));
    a.get(
      '/claim',
      {
        onRequest: [a.authenticate, a.authorize(async (p) => ({ allowed: p.subject === 'user-1' }) as never)],
      },
      async () => 'ok',
    );
    expect((await get(a, '/maybe')).json()).toEqual({ sub: 'none' });
    expect((await get(a, '/maybe', bearer())).json()).toEqual({ sub: 'user-1' });
    expect((await get(a, '/claim', bearer())).statusCode).toBe(200);
  });
});

describe('encapsulation', () => {
  it('registering inside a scope protects only that scope', async () => {
    const a = newApp();
    await a.register(async (scope) => {
      await scope.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required' });
      scope.get('/inside', async () => 'inside');
      await scope.register(async (child) => {
        child.get('/inside/child', async () => 'child');
      });
    });
    await a.register(async (sibling) => {
      sibling.get('/sibling', async (request) => ({ hasAuth: 'auth' in request }));
    });
    a.get('/root', async () => 'root');
    expect((await get(a, '/inside')).statusCode).toBe(401);
    expect((await get(a, '/inside/child')).statusCode).toBe(401);
    expect((await get(a, '/inside', bearer())).statusCode).toBe(200);
    expect((await get(a, '/root')).statusCode).toBe(200);
    const sibling = await get(a, '/sibling');
    expect(sibling.statusCode).toBe(200);
    expect(sibling.json()).toEqual({ hasAuth: false });
    expect(a.hasDecorator('authenticate')).toBe(false);
  });

  it('a nested registration uses its own authenticator for its subtree only', async () => {
    const a = newApp();
    await a.register(fastifyAuth, { ...authOptions(), realm: 'outer', defaultAuth: 'required' });
    a.get('/outer', async () => 'outer');
    await a.register(async (inner) => {
      const other = authOptions({ realm: 'inner' }, 'api://other');
      await inner.register(fastifyAuth, { ...other, defaultAuth: 'required' });
      inner.get('/inner', async () => 'inner');
      inner.get('/inner/scoped', { preHandler: inner.requireScopes('s') }, async () => 'scoped');
    });
    expect((await get(a, '/outer', bearer())).statusCode).toBe(200);
    const inner = await get(a, '/inner', bearer());
    expect(inner.statusCode).toBe(401);
    expect(inner.headers['www-authenticate']).toMatch(/^Bearer realm="inner", error="invalid_token"/);
    expect((await get(a, '/inner', bearer({ aud: 'api://other' }))).statusCode).toBe(200);
    expect((await get(a, '/outer')).headers['www-authenticate']).toBe('Bearer realm="outer"');
    const scoped = await get(a, '/inner/scoped', bearer({ aud: 'api://other' }));
    expect(scoped.statusCode).toBe(403);
    expect(scoped.headers['www-authenticate']).toMatch(/^Bearer realm="inner"/);
  });
});

describe('authentication remembered per authenticator', () => {
  // A route whose declarative hook belongs to one registration and whose `authenticate` decorator
  // finds another registration in its scope: two authenticators on one request.
  async function twoAuthenticators() {
    const a = newApp();
    await a.register(fastifyAuth, authOptions());
    a.get(
      '/stacked',
      { config: { auth: { optional: true } }, preHandler: a.authenticate },
      async (request) => ({ sub: request.auth?.subject }),
    );
    await a.register(fastifyAuth, authOptions({}, 'api://other'));
    return a;
  }

  it("another authenticator's principal does not satisfy a required hook", async () => {
    const a = await twoAuthenticators();
    const reply = await get(a, '/stacked', bearer());
    expect(reply.statusCode, reply.body).toBe(401);
    expect(reply.json().code).toBe('ERR_AUTH_INVALID_AUDIENCE');
    expect((await get(a, '/stacked')).statusCode).toBe(401);
    const both = await get(a, '/stacked', bearer({ aud: [AUDIENCE, 'api://other'] }));
    expect(both.json()).toEqual({ sub: 'user-1' });
  });

  it('a required hook without a policy refuses a custom authenticator that resolves no principal', async () => {
    const a = newApp();
    const authenticator = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => undefined,
      close: () => {},
    };
    await a.register(fastifyAuth, { authenticator });
    a.get('/x', { onRequest: a.authenticate }, async () => 'x');
    a.get('/y', { config: { auth: true } }, async () => 'y');
    for (const url of ['/x', '/y']) {
      const res = await get(a, url, bearer());
      expect(res.statusCode, `${url} ${res.body}`).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN' });
    }
  });

  it('the same authenticator authenticates once when optional and required hooks stack', async () => {
    const a = newApp();
    const authenticator = createAuthenticator(authOptions());
    const spy = vi.spyOn(authenticator, 'authenticate');
    await a.register(fastifyAuth, { authenticator });
    a.get('/stacked', { preHandler: [a.optionalAuth, a.authenticate] }, async (request) => ({
      sub: request.auth?.subject,
    }));
    expect((await get(a, '/stacked', bearer())).json()).toEqual({ sub: 'user-1' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect((await get(a, '/stacked')).statusCode).toBe(401);
    authenticator.close();
  });
});

describe('setup', () => {
  it('reads AUTH_* variables when given nothing but plugin settings', async () => {
    vi.stubEnv('AUTH_ISSUER', 'https://issuer.env.test');
    vi.stubEnv('AUTH_AUDIENCE', 'api://env');
    vi.stubEnv('AUTH_JWKS_URI', 'http://127.0.0.1:9/jwks');
    try {
      const a = newApp();
      await a.register(fastifyAuth, { defaultAuth: 'required' });
      a.get('/x', async () => 'x');
      const res = await get(a, '/x');
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses to shadow another plugin's decorator of the same name", async () => {
    const a = newApp();
    a.decorate('authenticate', async () => {});
    await expect(a.register(fastifyAuth, authOptions())).rejects.toThrow(/authenticate/);
  });
});

describe('error handling', () => {
  it("answers with the contract's response even when the app has its own error handler", async () => {
    const a = newApp();
    a.setErrorHandler(async (_error, _request, reply) => reply.code(500).send({ custom: true }));
    await a.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required' });
    a.get('/x', async () => 'x');
    const res = await get(a, '/x', { authorization: 'Bearer a b' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_request"/);
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'ERR_AUTH_INVALID_REQUEST',
      error: 'invalid_request',
    });
  });

  it('throwErrors: the AuthError reaches the app error handler with statusCode and headers', async () => {
    const a = newApp();
    const seen: unknown[] = [];
    a.setErrorHandler(async (error, _request, reply) => {
      seen.push(error);
      if (replyAuthError(reply, error)) return reply;
      return reply.code(500).send({ custom: true });
    });
    await a.register(fastifyAuth, {
      ...authOptions({ realm: 'mine' }),
      throwErrors: true,
      defaultAuth: 'required',
    });
    a.get('/x', async () => 'x');
    const res = await get(a, '/x');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="mine"');
    expect(res.json()).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING_TOKEN' });
    expect(seen).toHaveLength(1);
    const error = seen[0] as AuthError;
    expect(isAuthError(error)).toBe(true);
    expect(error.statusCode).toBe(401);
    expect(error.headers).toEqual({ 'www-authenticate': 'Bearer realm="mine"' });
  });

  it('a failure inside a custom authenticator becomes a 401, never a 500', async () => {
    const a = newApp();
    const broken = createAuthenticator(authOptions());
    const authenticator = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => {
        throw new Error('boom');
      },
      close: () => broken.close(),
    };
    await a.register(fastifyAuth, { authenticator, defaultAuth: 'required' });
    a.get('/x', async () => 'x');
    const res = await get(a, '/x', bearer());
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('boom');
    broken.close();
  });

  it('a policy hook fails closed when a custom authenticator resolves no principal', async () => {
    const a = newApp();
    const authenticator = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => undefined,
      close: () => {},
    };
    await a.register(fastifyAuth, { authenticator });
    a.get('/x', { onRequest: a.requireScopes('read:items') }, async () => 'x');
    a.get('/y', { config: { auth: { scopes: ['read:items'] } } }, async () => 'y');
    for (const url of ['/x', '/y']) {
      const res = await get(a, url, bearer());
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN' });
    }
  });

  it('no credentials: the same contract 401 and log line whichever way the hook learns it', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const seen: unknown[] = [];
    const ours = createAuthenticator({ ...authOptions(), realm: 'zone' });
    // Not branded as ours: asked exactly as the route says, and it throws MissingTokenError itself.
    const custom = {
      realm: 'zone',
      hasCredentials: (req: Parameters<typeof ours.hasCredentials>[0]) => ours.hasCredentials(req),
      authenticate: (req: Parameters<typeof ours.authenticate>[0], opts?: { optional?: boolean }) => {
        seen.push(opts);
        return ours.authenticate(req, opts);
      },
      close: () => {},
    };
    const responses = [];
    for (const authenticator of [ours, custom]) {
      lines.length = 0;
      const a = Fastify({ logger: { level: 'info', stream } });
      apps.push(a);
      await a.register(fastifyAuth, { authenticator, defaultAuth: 'required' });
      a.get('/x', async () => 'x');
      const res = await get(a, '/x');
      responses.push({ status: res.statusCode, challenge: res.headers['www-authenticate'], body: res.body });
      expect(lines.find((l) => l.msg === 'authentication failed')).toMatchObject({
        code: 'ERR_AUTH_MISSING_TOKEN',
        status: 401,
      });
    }
    expect(seen).toEqual([undefined]);
    expect(responses[0]).toEqual(responses[1]);
    expect(responses[0]).toMatchObject({ status: 401, challenge: 'Bearer realm="zone"' });
    expect(JSON.parse(responses[0]!.body)).toEqual({
      status: 401,
      code: 'ERR_AUTH_MISSING_TOKEN',
      message: 'Authentication required',
    });
    ours.close();
  });

  it('never repeats the token in the response', async () => {
    const a = newApp();
    await a.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required' });
    a.get('/x', async () => 'x');
    const t = token({ aud: 'wrong', iss: ISSUER, note: AUDIENCE });
    const res = await get(a, '/x', { authorization: `Bearer ${t}` });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain(t.split('.')[1]!);
    expect(JSON.stringify(res.headers)).not.toContain(t.split('.')[2]!);
  });
});

describe('token locations', () => {
  const form = (app: FastifyInstance, payload: string) =>
    app.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload,
    });

  it('a form-body token is read after body parsing (preValidation by default)', async () => {
    const a = newApp();
    a.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );
    await a.register(fastifyAuth, {
      ...authOptions({ tokenLocations: { body: true } }),
      defaultAuth: 'required',
    });
    a.post('/form', async (request) => ({ sub: request.auth?.subject }));
    const ok = await form(a, `access_token=${token()}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ sub: 'user-1' });
    expect((await form(a, 'other=1')).statusCode).toBe(401);
  });

  it('query tokens only when turned on', async () => {
    const off = newApp();
    await off.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required' });
    off.get('/q', async () => 'q');
    expect((await get(off, `/q?access_token=${token()}`)).statusCode).toBe(401);
    const on = newApp();
    await on.register(fastifyAuth, {
      ...authOptions({ tokenLocations: { query: true } }),
      defaultAuth: 'required',
    });
    on.get('/q', async () => 'q');
    expect((await get(on, `/q?access_token=${token()}`)).statusCode).toBe(200);
  });
});

describe('failure logging', () => {
  // 403s used to be logged as "authentication failed": the token was fine, authorization said no.
  it('logs a 403 as an authorization denial and a 401 as an authentication failure, without the token', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream } });
    apps.push(app);
    await app.register(fastifyAuth, authOptions());
    app.get('/items', { config: { auth: { scopes: ['read:items'] } } }, async () => []);
    const jwt = token();
    expect((await get(app, '/items', { authorization: `Bearer ${jwt}` })).statusCode).toBe(403);
    expect((await get(app, '/items')).statusCode).toBe(401);
    const auth = lines.filter((l) => typeof l.code === 'string');
    expect(auth.map((l) => [l.msg, l.level, l.status, l.code])).toEqual([
      ['authorization denied', 30, 403, 'ERR_AUTH_INSUFFICIENT_SCOPE'],
      ['authentication failed', 30, 401, 'ERR_AUTH_MISSING_TOKEN'],
    ]);
    expect(JSON.stringify(lines)).not.toContain(jwt);
  });

  it('authorization events from route config, fastify.requireScopes and fastify.authorize: allow and deny name the policy', async () => {
    const events: AuthEvent[] = [];
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream } });
    apps.push(app);
    await app.register(fastifyAuth, { ...authOptions(), onEvent: (e: AuthEvent) => events.push(e) });
    function weekdaysPolicy() {
      return { allowed: false as const, code: 'ERR_AUTH_FORBIDDEN' as const, reason: 'Not today' };
    }
    app.get('/config', { config: { auth: { scopes: ['read'] } } }, async () => []);
    app.get('/config-write', { config: { auth: { scopes: ['write'] } } }, async () => []);
    app.get('/hook', { onRequest: app.requireScopes('read') }, async () => []);
    app.get('/hook-write', { onRequest: app.requireScopes('write') }, async () => []);
    app.get('/custom', { onRequest: app.authorize(weekdaysPolicy) }, async () => []);
    const headers = bearer({ scope: 'read' });
    const decisions = () =>
      events
        .filter((e) => e.type === 'auth.authorized' || (e.type === 'auth.failure' && e.stage === 'authorize'))
        .map((e) => [e.type, 'policy' in e ? e.policy : undefined]);
    for (const url of ['/config', '/config-write', '/hook', '/hook-write', '/custom'])
      await get(app, url, headers);
    expect(decisions()).toEqual([
      ['auth.authorized', 'requireScopes'],
      ['auth.failure', 'requireScopes'],
      ['auth.authorized', 'requireScopes'],
      ['auth.failure', 'requireScopes'],
      ['auth.failure', 'weekdays'],
    ]);
    expect(events.find((e) => e.type === 'auth.failure')).toMatchObject({ required: ['write'], status: 403 });
    const denied = lines.filter((l) => l.msg === 'authorization denied');
    expect(denied.map((l) => [l.policy, l.required])).toEqual([
      ['requireScopes', ['write']],
      ['requireScopes', ['write']],
      ['weekdays', undefined],
    ]);
  });

  it('a wrong audience: one request.log line naming the audiences seen and configured', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const app = Fastify({ logger: { level: 'info', stream } });
    apps.push(app);
    await app.register(fastifyAuth, authOptions());
    app.get('/items', { config: { auth: true } }, async () => []);
    const jwt = token({ aud: 'api://someone-else' });
    expect((await get(app, '/items', { authorization: `Bearer ${jwt}` })).statusCode).toBe(401);
    const auth = lines.filter((l) => typeof l.code === 'string');
    expect(auth).toEqual([
      expect.objectContaining({
        msg: 'authentication failed',
        reqId: expect.any(String),
        code: 'ERR_AUTH_INVALID_AUDIENCE',
        detail: { claim: 'aud', audience: ['api://someone-else'], configuredAudiences: [AUDIENCE] },
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(jwt);
  });

  it('key events go to the Fastify logger; logger: false or a pino-style logger option', async () => {
    const records: [string, Record<string, unknown>][] = [];
    const logger = Object.fromEntries(
      (['debug', 'info', 'warn', 'error'] as const).map((level) => [
        level,
        (obj: Record<string, unknown>) => records.push([level, obj]),
      ]),
    ) as never;
    const app = Fastify();
    apps.push(app);
    await app.register(fastifyAuth, { ...authOptions(), logger });
    app.get('/items', { config: { auth: true } }, async () => []);
    await get(app, '/items', { authorization: `Bearer ${token()}` });
    expect(records).toEqual([
      ['debug', expect.objectContaining({ type: 'auth.success', subject: 'user-1' })],
    ]);
    await expect(
      Fastify()
        .register(fastifyAuth, { ...authOptions(), logger: {} as never })
        .ready(),
    ).rejects.toThrow(TypeError);
  });
});
