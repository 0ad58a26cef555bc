/**
 * The decorators as fragments of core's RouteSpec, merged per route and compiled by core's
 * `compileRouteRequirement`: the new requirement decorators, the one rule for optional authentication
 * next to a requirement, and misdeclared routes refused when the application starts.
 */
import { Controller, Get, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnyGroup,
  AuthenticateWith,
  AuthGuard,
  AuthModule,
  Claim,
  OptionalAuth,
  OrgRole,
  Principal,
  Public,
  ScopeGuard,
  Scopes,
} from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';
import { platforms, type Running, serve } from './support/platforms.ts';

const people = {
  reader: principal('reader', { scopes: ['read:items'] }),
  writer: principal('writer', { scopes: ['read:items', 'write:items'] }),
  support: principal('support', { groups: ['support'] }),
  owner: principal('owner', { organizations: [{ id: 'acme', scopes: ['owner'] }] }),
  member: principal('member', { organizations: [{ id: 'acme', scopes: ['projects:read'] }] }),
  acme: principal('acme', { claims: { sub: 'acme', tenant: 'acme' } }),
  globex: principal('globex', { claims: { sub: 'globex', tenant: 'globex' } }),
};

@Controller()
@UseGuards(AuthGuard, ScopeGuard)
class SpecController {
  @Get('any-group')
  @AnyGroup('admin', 'support')
  anyGroup() {
    return { ok: true };
  }

  @Get('orgs/:org/settings')
  @OrgRole(['owner', 'admin'], { param: 'org' })
  settings() {
    return { ok: true };
  }

  @Get('tenant')
  @Claim('tenant', { equals: 'acme' })
  tenant() {
    return { ok: true };
  }

  @Get('feed')
  @OptionalAuth()
  @Scopes('write:items')
  feed(@Principal('subject') subject: string | undefined) {
    return { subject };
  }
}

/** `@OptionalAuth()` on the controller, a requirement on a route: the route is required. */
@Controller('optional')
@UseGuards(AuthGuard, ScopeGuard)
@OptionalAuth()
class OptionalController {
  @Get('open')
  open(@Principal() user: Principal | undefined) {
    return { authenticated: user !== undefined };
  }

  @Get('scoped')
  @Scopes('write:items')
  scoped() {
    return { ok: true };
  }
}

describe.each(platforms)('RouteSpec decorators through a Nest app on platform-%s', (platform) => {
  let server: Running;
  const get = (path: string, token?: string) =>
    fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    server = await serve(
      platform,
      [AuthModule.forRoot(fakeAuthenticator(people))],
      [SpecController, OptionalController],
    );
  });
  afterAll(() => server?.close());

  it('@AnyGroup: 403 without any of the groups, 200 with one', async () => {
    const denied = await get('/any-group', 'reader');
    expect([denied.status, (await denied.json()).code]).toEqual([403, 'ERR_AUTH_MISSING_GROUP']);
    expect((await get('/any-group', 'support')).status).toBe(200);
  });

  it('@OrgRole reads the organization from the named parameter: 403 for a member, 200 for the owner', async () => {
    const denied = await get('/orgs/acme/settings', 'member');
    expect([denied.status, (await denied.json()).code]).toEqual([403, 'ERR_AUTH_MISSING_ORG_ROLE']);
    expect((await get('/orgs/acme/settings', 'owner')).status).toBe(200);
    expect((await get('/orgs/globex/settings', 'owner')).status).toBe(403);
  });

  it('@Claim: 403 when the claim does not match, 200 when it does', async () => {
    expect((await get('/tenant', 'globex')).status).toBe(403);
    expect((await get('/tenant', 'acme')).status).toBe(200);
  });

  it('@OptionalAuth() with a requirement is required: no credentials 401, no scope 403, scope 200', async () => {
    for (const path of ['/feed', '/optional/scoped']) {
      const none = await get(path);
      expect([none.status, (await none.json()).code], path).toEqual([401, 'ERR_AUTH_MISSING_TOKEN']);
      const denied = await get(path, 'reader');
      expect([denied.status, (await denied.json()).code], path).toEqual([403, 'ERR_AUTH_INSUFFICIENT_SCOPE']);
      expect((await get(path, 'writer')).status, path).toBe(200);
    }
    expect(await (await get('/feed', 'writer')).json()).toEqual({ subject: 'writer' });
    // Without a requirement the controller's @OptionalAuth() still lets a credential-less request in.
    expect(await (await get('/optional/open')).json()).toEqual({ authenticated: false });
  });
});

describe('misdeclared routes fail when the application starts', () => {
  async function start(controller: Function) {
    return serve('express', [AuthModule.forRoot(fakeAuthenticator(people))], [controller]);
  }

  // A class-level @Public() used to win over a route's @Scopes: the route ran without its check.
  it('@Public() on the controller with a requirement on a route: TypeError naming the route', async () => {
    @Controller()
    @UseGuards(AuthGuard, ScopeGuard)
    @Public()
    class PublicController {
      @Get('admin')
      @Scopes('admin')
      admin() {
        return { ok: true };
      }
    }
    await expect(start(PublicController)).rejects.toThrow(
      new TypeError(
        '@auth/nest route PublicController.admin: a public route cannot also be optional or carry requirements',
      ),
    );
  });

  it('@Public() and a requirement on the same route: TypeError, also without guards on it', async () => {
    @Controller()
    class SameLevelController {
      @Get('x')
      @Public()
      @AnyGroup('admin')
      x() {
        return { ok: true };
      }
    }
    await expect(start(SameLevelController)).rejects.toThrow(/SameLevelController\.x: a public route/);
  });

  it('a route-level @Public() still opts out of its controller requirements', async () => {
    @Controller()
    @UseGuards(AuthGuard, ScopeGuard)
    @Scopes('admin')
    class MixedController {
      @Get('health')
      @Public()
      health() {
        return { ok: true };
      }
    }
    const server = await start(MixedController);
    try {
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('realms', () => {
  it("a guard's error keeps its binding's realm: an @AuthenticateWith provider's own, not the module's", async () => {
    @Controller()
    class RealmController {
      @Get('service')
      @AuthenticateWith('SERVICE')
      service() {
        return { ok: true };
      }

      @Get('me')
      me() {
        return { ok: true };
      }
    }
    const server = await serve(
      'express',
      [
        AuthModule.forRoot({ authenticator: fakeAuthenticator(people, 'orders'), isGlobal: true }),
        {
          module: class RealmGuards {},
          providers: [
            { provide: 'SERVICE', useValue: fakeAuthenticator({}, 'service') },
            { provide: APP_GUARD, useClass: AuthGuard },
          ],
        },
      ],
      [RealmController],
    );
    try {
      expect((await fetch(`${server.url}/service`)).headers.get('www-authenticate')).toBe(
        'Bearer realm="service"',
      );
      expect((await fetch(`${server.url}/me`)).headers.get('www-authenticate')).toBe('Bearer realm="orders"');
    } finally {
      await server.close();
    }
  });
});
