import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthModule } from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';
import { ItemsController, ScopedController } from './support/items-controller.ts';
import { platforms, serve, type Running } from './support/platforms.ts';

const people = {
  reader: principal('reader', { scopes: ['read:items'] }),
  writer: principal('writer', { scopes: ['read:items', 'write:items'] }),
  admin: principal('admin', { groups: ['admin'] }),
  readerAdmin: principal('reader-admin', { scopes: ['read:items'], groups: ['admin'] }),
  b: principal('b', { scopes: ['b'] }),
  projects: principal('projects', { scopes: ['projects:*'] }),
  member: principal('member', { organizations: [{ id: 'org_1', scopes: ['projects:read'] }] }),
  acme: principal('acme', { claims: { sub: 'acme', tenant: 'acme' } }),
};

describe.each(platforms)('guards and decorators on platform-%s', (platform) => {
  let server: Running;
  const authenticator = fakeAuthenticator(people);
  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    server = await serve(platform, [AuthModule.forRoot(authenticator)], [ItemsController, ScopedController]);
  });
  afterAll(() => server?.close());

  it('sets the principal for @Principal() and renders 401 without credentials', async () => {
    const ok = await get('/me', 'reader');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ subject: 'reader' });

    const res = await get('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ status: 401, code: 'ERR_AUTH_MISSING_TOKEN' });
  });

  it('renders 401 invalid_token and 400 invalid_request with their challenges', async () => {
    const bad = await get('/me', 'nobody');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="Invalid access token"',
    );
    expect(await bad.json()).toMatchObject({ code: 'ERR_AUTH_INVALID_TOKEN', error: 'invalid_token' });

    const malformed = await fetch(`${server.url}/me`, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_request"/);
  });

  it('reads class-level @Scopes and lets a route override them per kind', async () => {
    expect((await get('/scoped/items', 'reader')).status).toBe(200);
    const denied = await get('/scoped/items', 'admin');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Insufficient scope", scope="read:items"',
    );
    expect(await denied.json()).toMatchObject({ code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'read:items' });

    // route @Scopes('write:items') replaces the class's read:items
    expect((await get('/scoped/write', 'reader')).status).toBe(403);
    expect((await get('/scoped/write', 'writer')).status).toBe(200);
    // route @Groups('admin') adds to the class's @Scopes (a different kind): both must hold
    expect((await get('/scoped/admin', 'admin')).status).toBe(403);
    expect((await get('/scoped/admin', 'readerAdmin')).status).toBe(200);
    // @Public() skips authentication and the class's requirements
    expect((await get('/scoped/public')).status).toBe(200);
  });

  it('@Public() skips authentication even with a bad token', async () => {
    const res = await get('/public', 'nobody');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ authenticated: false });
  });

  it('@OptionalAuth(): no credentials is fine, bad credentials are not', async () => {
    expect(await (await get('/optional')).json()).toEqual({ authenticated: false });
    expect(await (await get('/optional', 'reader')).json()).toEqual({
      authenticated: true,
      subject: 'reader',
    });
    expect((await get('/optional', 'nobody')).status).toBe(401);
  });

  it('no principal is undefined (never null) on @Public() and credential-less @OptionalAuth() routes', async () => {
    expect(await (await get('/none/public')).json()).toEqual({
      principal: 'undefined',
      subject: 'undefined',
      reqAuth: 'undefined',
      hasAuth: false,
    });
    expect(await (await get('/none/optional')).json()).toEqual({
      principal: 'undefined',
      subject: 'undefined',
      reqAuth: 'undefined',
    });
    expect(await (await get('/none/optional', 'reader')).json()).toEqual({
      principal: 'object',
      subject: 'string',
      reqAuth: 'object',
    });
  });

  it('@AnyScope, @Groups, @Permission and @Authorize evaluate core policies', async () => {
    expect((await get('/any', 'b')).status).toBe(200);
    expect((await get('/any', 'reader')).status).toBe(403);
    expect((await get('/admin', 'admin')).status).toBe(200);
    const noGroup = await get('/admin', 'reader');
    expect(noGroup.status).toBe(403);
    expect(noGroup.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="api", error="insufficient_scope"/,
    );
    expect((await noGroup.json()).code).toMatch(/^ERR_AUTH_/);
    expect((await get('/perm', 'projects')).status).toBe(200);
    expect((await get('/perm', 'reader')).status).toBe(403);
    expect((await get('/custom', 'acme')).status).toBe(200);
    expect((await get('/custom', 'reader')).status).toBe(403);
  });

  it('@OrgPermission reads the organization id from the named route parameter', async () => {
    const ok = await get('/orgs/org_1/projects', 'member');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([{ org: 'org_1' }]);
    const other = await get('/orgs/org_2/projects', 'member');
    expect(other.status).toBe(403);
    expect((await other.json()).code).toBe('ERR_AUTH_MISSING_ORG_PERMISSION');
  });

  it("@Principal('field') injects one field", async () => {
    expect(await (await get('/subject', 'reader')).json()).toEqual({
      subject: 'reader',
      scopes: ['read:items'],
    });
  });

  it('renders an AuthError thrown by a controller; leaves other errors to Nest', async () => {
    const res = await get('/throws', 'reader');
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Not for you"',
    );
    expect(await res.json()).toEqual({
      status: 403,
      code: 'ERR_AUTH_FORBIDDEN',
      message: 'Not for you',
      error: 'insufficient_scope',
    });
    const notFound = await get('/not-found', 'reader');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('www-authenticate')).toBeNull();
    expect(await notFound.json()).toMatchObject({ statusCode: 404 });
  });
});

describe.each(platforms)('@AuthenticateWith and a global ScopeGuard on platform-%s', (platform) => {
  it('authenticates the route with the named provider; APP_GUARD ScopeGuard enforces decorators', async () => {
    const { Controller, Get } = await import('@nestjs/common');
    const { APP_GUARD } = await import('@nestjs/core');
    const { AuthenticateWith, AuthGuard, Principal, ScopeGuard, Scopes } = await import('../src/index.ts');
    const bearer = fakeAuthenticator(people);
    const service = fakeAuthenticator({
      svc: principal('svc', { tokenUse: 'api_key', scopes: ['read:items'] }),
    });

    @Controller()
    class ServiceController {
      @Get('service')
      @AuthenticateWith('SERVICE')
      @Scopes('read:items')
      service(@Principal('subject') subject: string) {
        return { subject };
      }

      @Get('items')
      @Scopes('read:items')
      items(@Principal('subject') subject: string) {
        return { subject };
      }
    }

    const server = await serve(
      platform,
      [
        AuthModule.forRoot({ authenticator: bearer, isGlobal: true }),
        {
          module: class GuardsModule {},
          providers: [
            { provide: 'SERVICE', useValue: service },
            { provide: APP_GUARD, useClass: AuthGuard },
            { provide: APP_GUARD, useClass: ScopeGuard },
          ],
        },
      ],
      [ServiceController],
    );
    try {
      const as = (path: string, token: string) =>
        fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      expect(await (await as('/service', 'svc')).json()).toEqual({ subject: 'svc' });
      expect((await as('/service', 'reader')).status).toBe(401);
      expect(await (await as('/items', 'reader')).json()).toEqual({ subject: 'reader' });
      expect((await as('/items', 'svc')).status).toBe(401);
      expect((await as('/items', 'admin')).status).toBe(403);
    } finally {
      await server.close();
    }
  });
});

describe('@UseGuards(ScopeGuard) alone', () => {
  it('authenticates before checking requirements (fails closed without an AuthGuard)', async () => {
    const { Controller, Get, UseGuards } = await import('@nestjs/common');
    const { Principal, ScopeGuard, Scopes } = await import('../src/index.ts');
    @Controller()
    @UseGuards(ScopeGuard)
    class ScopeOnlyController {
      @Get('items')
      @Scopes('read:items')
      items(@Principal('subject') subject: string) {
        return { subject };
      }
    }
    const server = await serve(
      'express',
      [AuthModule.forRoot(fakeAuthenticator(people))],
      [ScopeOnlyController],
    );
    try {
      expect((await fetch(`${server.url}/items`)).status).toBe(401);
      const ok = await fetch(`${server.url}/items`, { headers: { authorization: 'Bearer reader' } });
      expect(await ok.json()).toEqual({ subject: 'reader' });
      const bad = await fetch(`${server.url}/items`, { headers: { authorization: 'Bearer admin' } });
      expect(bad.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
