/** The same framework-neutral admin routes mounted on Hono (fetch-style request, no Node server). */
import { randomUUID } from 'node:crypto';
import { cognito, createAuthenticator } from '@auth/core';
import { type AuthEnv, requireAuth } from '@auth/hono';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cognitoUsers, type UserRole, userAdminRoutes } from '../src/index.ts';
import { emulatorClient } from './support/cognito-local.ts';
import { signIn } from './support/sign-in.ts';

const emu = inject('cognito');
const sdk = emulatorClient(emu.endpoint);
const users = cognitoUsers({ userPoolId: emu.userPoolId, client: sdk });
const app = new Hono<AuthEnv>();
const authenticator = createAuthenticator({
  issuers: [
    cognito({
      region: 'local',
      userPoolId: emu.userPoolId,
      clientId: emu.clientId,
      tokenUse: 'id',
      endpoint: emu.endpoint,
    }),
  ],
});
const auth = requireAuth(authenticator);
for (const route of userAdminRoutes({ users }).routes) {
  app.on(route.method, route.path, auth, async (c) => {
    const body = route.method === 'GET' ? undefined : await c.req.json().catch(() => undefined);
    const out = await route.handle({
      principal: c.var.auth,
      params: c.req.param(),
      query: c.req.query(),
      body,
    });
    return c.json(out.body as object, out.status as 200, out.headers);
  });
}

const tokens: Partial<Record<UserRole, string>> = {};
let acmeUser = '';
beforeAll(async () => {
  for (const [role, client] of [
    ['INTERNAL_ADMIN', 'initech'],
    ['CLIENT_ADMIN', 'acme'],
  ] as const) {
    const email = `hono-${role.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`;
    await users.createUser({ email, name: role, role, client, sendInvite: false });
    tokens[role] = (await signIn(sdk, emu, email, `Pw-${randomUUID()}`)).idToken;
  }
  acmeUser = await users.createUser({
    email: `hono-u-${randomUUID().slice(0, 8)}@example.test`,
    name: 'U',
    role: 'CLIENT_USER',
    client: 'acme',
    sendInvite: false,
  });
});
afterAll(() => {
  authenticator.close();
  sdk.destroy();
});

const call = (role: UserRole | undefined, method: string, path: string, body?: string) =>
  app.request(path, {
    method,
    headers: {
      ...(role ? { authorization: `Bearer ${tokens[role]}` } : {}),
      'content-type': 'application/json',
    },
    body,
  });

describe('userAdminRoutes on Hono', () => {
  it('401 without a token; lists as INTERNAL_ADMIN; CLIENT_ADMIN updates its user, 403 across clients', async () => {
    expect((await call(undefined, 'GET', '/admin/users')).status).toBe(401);
    const list = await call('INTERNAL_ADMIN', 'GET', '/admin/users?client=acme&role=CLIENT_USER&pageSize=60');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { users: { id: string }[] }).users.map((u) => u.id)).toContain(acmeUser);
    expect(
      (await call('CLIENT_ADMIN', 'PATCH', `/admin/users/${acmeUser}`, JSON.stringify({ enabled: false })))
        .status,
    ).toBe(200);
    expect((await call('CLIENT_ADMIN', 'GET', '/admin/users?client=globex')).status).toBe(403);
  });

  it('a body that is not JSON → 400 in the contract shape', async () => {
    const res = await call('INTERNAL_ADMIN', 'POST', '/admin/users', '{not json');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, code: 'ERR_AUTH_INVALID_REQUEST' });
  });
});
