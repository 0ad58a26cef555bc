import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiRequestError, type UserRole, cognitoUsers, userAdminClient } from '../src/index.ts';
import { startAdminApp } from './support/admin-app.ts';
import { emulatorClient } from './support/cognito-local.ts';
import { signIn } from './support/sign-in.ts';

const emu = inject('cognito');
const sdk = emulatorClient(emu.endpoint);
const users = cognitoUsers({ userPoolId: emu.userPoolId, client: sdk });
let app: Awaited<ReturnType<typeof startAdminApp>>;
const unique = () => randomUUID().slice(0, 8);

/** A user of the emulator with a permanent password and its ID token (carries custom:role and groups). */
async function actor(role: UserRole, client: string, extra: string[] = []) {
  const email = `${role.toLowerCase()}-${unique()}@example.test`;
  const id = await users.createUser({ email, name: role, role, client, sendInvite: false });
  if (extra.length) await users.updateUser({ userId: id, clientsToAdd: extra });
  const { idToken } = await signIn(sdk, emu, email, `Pw-${randomUUID()}`);
  return { id, email, token: idToken };
}
const call = (token: string | undefined, method: string, path: string, body?: unknown) =>
  fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

let internalAdmin: Awaited<ReturnType<typeof actor>>;
let acmeAdmin: Awaited<ReturnType<typeof actor>>;
let acmeUser: Awaited<ReturnType<typeof actor>>;

beforeAll(async () => {
  app = await startAdminApp(emu, users);
  internalAdmin = await actor('INTERNAL_ADMIN', 'initech');
  acmeAdmin = await actor('CLIENT_ADMIN', 'acme');
  acmeUser = await actor('CLIENT_USER', 'acme');
});
afterAll(async () => {
  await app.close();
  sdk.destroy();
});

describe('userAdminRoutes on Express, ID tokens of cognito-local verified by cognito({ endpoint })', () => {
  it('no token → 401; a CLIENT_USER → 403 on every route', async () => {
    expect((await call(undefined, 'GET', '/admin/users')).status).toBe(401);
    for (const [m, p] of [
      ['GET', '/admin/users?client=acme'],
      ['POST', '/admin/users'],
      ['PATCH', `/admin/users/${acmeUser.id}`],
    ] as const) {
      const res = await call(acmeUser.token, m, p, m === 'GET' ? undefined : {});
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'ERR_AUTH_FORBIDDEN' });
    }
  });

  it('INTERNAL_ADMIN creates, updates (any client, internal role) and lists users', async () => {
    const email = `made-${unique()}@example.test`;
    const created = await call(internalAdmin.token, 'POST', '/admin/users', {
      email,
      name: 'Made',
      role: 'CLIENT_USER',
      client: 'globex',
      sendInvite: false,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const patched = await call(internalAdmin.token, 'PATCH', `/admin/users/${id}`, {
      clientsToAdd: ['acme'],
      role: 'INTERNAL_USER',
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      id,
      role: 'INTERNAL_USER',
      clients: expect.arrayContaining(['acme', 'globex']),
    });
    const listed = await call(internalAdmin.token, 'GET', `/admin/users?email=${encodeURIComponent(email)}`);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ users: [{ id, email }], hasMore: false, totalCount: 1 });
  });

  it('CLIENT_ADMIN manages users of its own client only', async () => {
    const res = await call(acmeAdmin.token, 'POST', '/admin/users', {
      email: `c-${unique()}@example.test`,
      name: 'C',
      role: 'CLIENT_USER',
      client: 'acme',
      sendInvite: false,
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await call(acmeAdmin.token, 'PATCH', `/admin/users/${id}`, { enabled: false })).status).toBe(200);
    const list = await call(acmeAdmin.token, 'GET', '/admin/users?client=acme&enabled=false&pageSize=60');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { users: { id: string }[] }).users.map((u) => u.id)).toContain(id);
  });

  it('CLIENT_ADMIN cross-client and privilege escalation attempts → 403, nothing changed', async () => {
    const globexUser = await users.createUser({
      email: `g-${unique()}@example.test`,
      name: 'G',
      role: 'CLIENT_USER',
      client: 'globex',
      sendInvite: false,
    });
    const attempts: [string, string, unknown][] = [
      ['PATCH', `/admin/users/${globexUser}`, { enabled: false }],
      ['PATCH', `/admin/users/${acmeUser.id}`, { role: 'INTERNAL_ADMIN' }],
      ['PATCH', `/admin/users/${acmeUser.id}`, { clientsToAdd: ['globex'] }],
      ['PATCH', `/admin/users/${internalAdmin.id}`, { enabled: false }],
      [
        'POST',
        '/admin/users',
        { email: `x-${unique()}@example.test`, name: 'X', role: 'CLIENT_USER', client: 'globex' },
      ],
      [
        'POST',
        '/admin/users',
        { email: `y-${unique()}@example.test`, name: 'Y', role: 'INTERNAL_USER', client: 'acme' },
      ],
      ['GET', '/admin/users?client=globex', undefined],
      ['GET', '/admin/users', undefined],
    ];
    for (const [m, p, b] of attempts) {
      const res = await call(acmeAdmin.token, m, p, b);
      expect({ m, p, status: res.status }).toEqual({ m, p, status: 403 });
    }
    expect((await users.getUser(globexUser)).enabled).toBe(true);
    expect((await users.getUser(acmeUser.id)).role).toBe('CLIENT_USER');
  });

  it('invalid bodies and queries → 400 in the contract shape, naming the field, never echoing the value', async () => {
    const cases: [string, string, unknown, string][] = [
      ['POST', '/admin/users', { email: 'nope', name: 'N', role: 'CLIENT_USER', client: 'acme' }, 'email'],
      ['POST', '/admin/users', { email: 'a@b.test', name: 'N', role: 'ROOT', client: 'acme' }, 'role'],
      [
        'POST',
        '/admin/users',
        { email: 'a@b.test', name: 'N', role: 'CLIENT_USER', client: 'acme', temporaryPassword: 'short' },
        'temporaryPassword',
      ],
      [
        'POST',
        '/admin/users',
        { email: 'a@b.test', name: 'N', role: 'CLIENT_USER', client: 'acme', extra: 1 },
        'extra',
      ],
      ['PATCH', `/admin/users/${acmeUser.id}`, { enabled: 'no' }, 'enabled'],
      ['GET', '/admin/users?pageSize=0', undefined, 'pageSize'],
      ['GET', '/admin/users?pageSize=61', undefined, 'pageSize'],
      ['GET', '/admin/users?enabled=maybe', undefined, 'enabled'],
      ['GET', '/admin/users?role=ROOT', undefined, 'role'],
      ['GET', `/admin/users?email=${encodeURIComponent('a" or name ^= "')}`, undefined, 'emailFilter'],
    ];
    for (const [m, p, b, field] of cases) {
      const res = await call(internalAdmin.token, m, p, b);
      const body = (await res.json()) as Record<string, unknown>;
      expect({ p, field, status: res.status, body }).toMatchObject({
        status: 400,
        body: { status: 400, code: 'ERR_AUTH_INVALID_REQUEST', field },
      });
      expect(JSON.stringify(body)).not.toContain('short');
    }
  });

  it('an unknown user → 404; a duplicate email → 409', async () => {
    expect(
      (
        await call(internalAdmin.token, 'PATCH', '/admin/users/00000000-0000-4000-8000-000000000000', {
          enabled: true,
        })
      ).status,
    ).toBe(404);
    const res = await call(internalAdmin.token, 'POST', '/admin/users', {
      email: acmeUser.email,
      name: 'D',
      role: 'CLIENT_USER',
      client: 'acme',
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'ERR_COGNITO_USER_EXISTS' });
  });
});

describe('userAdminClient', () => {
  const tokensOf = (token: string) => ({ getToken: async () => token });

  it('creates, updates and lists through authFetch as INTERNAL_ADMIN', async () => {
    const admin = userAdminClient({ baseUrl: app.url, tokens: tokensOf(internalAdmin.token) });
    const email = `cl-${unique()}@example.test`;
    const { id } = await admin.createUser({
      email,
      name: 'Cl',
      role: 'CLIENT_USER',
      client: 'acme',
      sendInvite: false,
    });
    const updated = await admin.updateUser(id, { clientsToAdd: ['globex'] });
    expect(updated.clients.sort()).toEqual(['acme', 'globex']);
    const page = await admin.listUsers({ email, pageSize: 5 });
    expect(page.users.map((u) => u.id)).toEqual([id]);
  });

  it('a 403 is an ApiRequestError with the status and code; a 400 names the field', async () => {
    const admin = userAdminClient({ baseUrl: app.url, tokens: tokensOf(acmeAdmin.token) });
    const denied = await admin.listUsers({ client: 'globex' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ApiRequestError);
    expect(denied).toMatchObject({ status: 403, code: 'ERR_AUTH_FORBIDDEN' });
    const bad = await admin.listUsers({ client: 'acme', pageSize: 100 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, field: 'pageSize' });
    expect(JSON.stringify({ ...(bad as object), m: (bad as Error).message })).not.toContain(acmeAdmin.token);
  });

  it('an unreachable API → ApiRequestError status 0', async () => {
    const admin = userAdminClient({ baseUrl: 'http://127.0.0.1:9', tokens: tokensOf('t') });
    await expect(admin.listUsers()).rejects.toMatchObject({ name: 'ApiRequestError', status: 0 });
  });

  it('option misuse is a TypeError', () => {
    expect(() => userAdminClient({ baseUrl: 'not a url', tokens: tokensOf('t') })).toThrow(TypeError);
    expect(() => userAdminClient({ baseUrl: app.url, tokens: tokensOf('t'), token: 'x' } as never)).toThrow(
      TypeError,
    );
  });
});
