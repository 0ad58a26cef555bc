/**
 * userAdminRoutes without a framework: option misuse, the coarse policy, and Cognito failures as
 * responses (never a throw, never the error's own text). The per-framework mounts run the shared rows
 * (support/admin-route-rows.ts) in admin-routes-{express,hono,fastify,nest}.test.ts.
 */
import type { Principal } from '@auth/core';
import { ConfigurationError } from '@auth/core';
import { describe, expect, it } from 'vitest';
import { type CognitoUsers, CognitoError, userAdminRoutes } from '../src/index.ts';

const principal = (role: string, groups: string[] = ['acme']) =>
  ({ subject: 's', claims: { 'custom:role': role }, groups, scopes: [] }) as unknown as Principal;
const failing = (err: unknown) => ({ listUsers: async () => Promise.reject(err) }) as unknown as CognitoUsers;
const list = (users: CognitoUsers, p: Principal | undefined) =>
  userAdminRoutes({ users })
    .routes.find((r) => r.method === 'GET')
    ?.handle({ principal: p, query: {} });

describe('userAdminRoutes', () => {
  it('option misuse is a TypeError at setup', () => {
    expect(() => userAdminRoutes(undefined as never)).toThrow(TypeError);
    expect(() => userAdminRoutes({} as never)).toThrow(TypeError);
    expect(() => userAdminRoutes({ users: failing(0), roleof: () => undefined } as never)).toThrow(
      /unknown option "roleof"/,
    );
  });

  it('serves the three routes; the policy allows the two admin roles only', () => {
    const admin = userAdminRoutes({ users: failing(0) });
    expect(admin.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /admin/users',
      'PATCH /admin/users/:id',
      'GET /admin/users',
    ]);
    const allowed = (role: string) =>
      (admin.policy(principal(role), {} as never) as { allowed: boolean }).allowed;
    expect(['INTERNAL_ADMIN', 'CLIENT_ADMIN', 'INTERNAL_USER', 'CLIENT_USER', 'ROOT'].map(allowed)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('no principal (no authentication in front) → 403', async () => {
    expect(await list(failing(0), undefined)).toMatchObject({
      status: 403,
      body: { code: 'ERR_AUTH_FORBIDDEN' },
    });
  });

  it('Cognito throttling → 503 with Retry-After; any other failure → 502 without its text', async () => {
    const throttled = new CognitoError('ERR_COGNITO_THROTTLED', 'Cognito throttled the request', {
      awsErrorName: 'TooManyRequestsException',
    });
    expect(await list(failing(throttled), principal('INTERNAL_ADMIN'))).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
      body: { status: 503, code: 'ERR_COGNITO_THROTTLED' },
    });
    const out = await list(failing(new Error('secret-token-in-message')), principal('INTERNAL_ADMIN'));
    expect(out).toMatchObject({ status: 502, body: { code: 'ERR_COGNITO_REQUEST_FAILED' } });
    expect(JSON.stringify(out)).not.toContain('secret-token');
  });
});

describe('userAdminRoutes: a CLIENT_ADMIN and a user shared with another client', () => {
  // acme's admin; the target is a CLIENT_USER of acme and globex.
  const shared = () => {
    const updates: unknown[] = [];
    const users = {
      getUser: async (id: string) => ({
        id,
        role: 'CLIENT_USER',
        enabled: true,
        clients: ['acme', 'globex'],
      }),
      updateUser: async (input: unknown) => {
        updates.push(input);
      },
    } as unknown as CognitoUsers;
    const patch = userAdminRoutes({ users }).routes.find((r) => r.method === 'PATCH');
    const send = (body: unknown) =>
      patch?.handle({ principal: principal('CLIENT_ADMIN', ['acme']), params: { id: 'u1' }, body });
    return { send, updates };
  };

  it.each([
    ['made CLIENT_ADMIN (an admin of globex)', { role: 'CLIENT_ADMIN' }],
    ['demoted', { role: 'CLIENT_USER' }],
    ['disabled (locked out of globex too)', { enabled: false }],
  ])('is not %s: 403, nothing sent to Cognito', async (_, body) => {
    const { send, updates } = shared();
    expect(await send(body)).toMatchObject({ status: 403, body: { code: 'ERR_AUTH_FORBIDDEN' } });
    expect(updates).toEqual([]);
  });

  it('may still add or remove its own client', async () => {
    const { send, updates } = shared();
    expect(await send({ clientsToRemove: ['acme'] })).toMatchObject({ status: 200 });
    expect(updates).toEqual([{ userId: 'u1', clientsToRemove: ['acme'] }]);
  });
});

describe('userAdminRoutes: roleOf / clientsOf', () => {
  it('not a function: a ConfigurationError at setup', () => {
    expect(() => userAdminRoutes({ users: failing(0), roleOf: 'custom:role' } as never)).toThrow(
      ConfigurationError,
    );
    expect(() => userAdminRoutes({ users: failing(0), clientsOf: ['acme'] } as never)).toThrow(
      /`clientsOf` must be a function/,
    );
  });

  it('one that throws on a principal: 403 and a denying policy, never a rejection', async () => {
    const admin = userAdminRoutes({
      users: failing(0),
      clientsOf: () => {
        throw new Error('no groups claim');
      },
    });
    const p = principal('CLIENT_ADMIN');
    expect((admin.policy(p, {} as never) as { allowed: boolean }).allowed).toBe(false);
    for (const route of admin.routes) {
      await expect(
        route.handle({ principal: p, params: { id: 'u1' }, query: {}, body: {} }),
      ).resolves.toMatchObject({
        status: 403,
        body: { code: 'ERR_AUTH_FORBIDDEN' },
      });
    }
  });
});
