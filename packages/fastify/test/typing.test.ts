import type { Principal } from '@auth/core';
import Fastify from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import { type AuthHook, fastifyAuth, type RouteAuthConfig } from '../src/index.ts';
import { authOptions } from './tokens.ts';

// Checked by `tsc -p tsconfig.json` (typecheck); at runtime these only build the app.
describe('typing', () => {
  it('types request.auth, the decorators and config.auth by declaration merging', async () => {
    const app = Fastify();
    await app.register(fastifyAuth, authOptions());
    expectTypeOf(app.authenticate).toEqualTypeOf<AuthHook>();
    expectTypeOf(app.optionalAuth).toEqualTypeOf<AuthHook>();
    expectTypeOf(app.requireScopes).returns.toEqualTypeOf<AuthHook>();
    expectTypeOf(app.requireOrgPermission).returns.toEqualTypeOf<AuthHook>();
    app.get(
      '/typed/:orgId',
      { config: { auth: { scopes: ['a'], groups: ['g'] } }, onRequest: [app.authenticate] },
      async (request) => {
        expectTypeOf(request.auth).toEqualTypeOf<Principal | undefined>();
        expectTypeOf(request.routeOptions.config.auth).toEqualTypeOf<RouteAuthConfig | undefined>();
        return request.auth?.subject;
      },
    );
    app.get('/pre', { preHandler: app.requireGroups('admin') }, async () => 'ok');
    await app.close();
  });

  it('accepts core options, an authenticator or only plugin settings', () => {
    expectTypeOf(fastifyAuth).toBeFunction();
    // Never called: only the compiler looks at these registrations.
    const _typeOnly = (app: ReturnType<typeof Fastify>) => {
      app.register(fastifyAuth, { ...authOptions(), defaultAuth: 'required', hook: 'preHandler' });
      app.register(fastifyAuth, { defaultAuth: 'none' });
    };
    expectTypeOf(_typeOnly).toBeFunction();
  });

  // A typo in config.auth used to compile and silently drop the check (also refused at run time).
  it('does not compile misspelt config.auth keys or plugin options', () => {
    const _typeOnly = () => {
      const app = Fastify();
      // @ts-expect-error: `scope` is not a config.auth key (`scopes` is)
      app.get('/typo', { config: { auth: { scope: ['read:items'] } } }, async () => 'x');
      // @ts-expect-error: `group` is not a config.auth key (`groups` is)
      app.get('/typo2', { config: { auth: { group: ['admin'] } } }, async () => 'x');
      // @ts-expect-error: `anyScopes` was renamed `anyScope` (core's RouteSpec, Nest's @AnyScope)
      app.get('/typo3', { config: { auth: { anyScopes: ['a'] } } }, async () => 'x');
      app.get('/renamed', { config: { auth: { anyScope: ['a'], anyGroup: ['g'] } } }, async () => 'x');
      // @ts-expect-error: `defaultauth` is not a plugin option
      app.register(fastifyAuth, { issuers: [], defaultauth: 'required' });
      const config: RouteAuthConfig = {
        // @ts-expect-error: any unknown key, where the type is not inferred from the literal
        scopez: ['read:items'],
      };
      return config;
    };
    expectTypeOf(_typeOnly).toBeFunction();
  });
});
