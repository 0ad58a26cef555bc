import { randomUUID } from 'node:crypto';
import { CognitoIdentityProviderClient, CreateGroupCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CognitoError, CognitoInputError, cognitoUsers, type CognitoUsers } from '../src/index.ts';
import { emulatorClient } from './support/cognito-local.ts';

const emu = inject('cognito');
const sdk = emulatorClient(emu.endpoint);
const users = cognitoUsers({ userPoolId: emu.userPoolId, client: sdk });
afterAll(() => sdk.destroy());

const unique = () => randomUUID().slice(0, 8);
async function freshGroup(): Promise<string> {
  const name = `t-${unique()}`;
  await sdk.send(new CreateGroupCommand({ UserPoolId: emu.userPoolId, GroupName: name }));
  return name;
}
async function create(
  u: CognitoUsers,
  client: string,
  over: Partial<Parameters<CognitoUsers['createUser']>[0]> = {},
) {
  return u.createUser({
    email: `${unique()}@example.test`,
    name: 'Test User',
    role: 'CLIENT_USER',
    client,
    sendInvite: false,
    ...over,
  });
}

describe('cognitoUsers against cognito-local', () => {
  it('createUser returns the sub; getUser reads attributes, role and clients (groups)', async () => {
    const email = `ann-${unique()}@acme.test`;
    const id = await users.createUser({
      email,
      name: 'Ann',
      role: 'CLIENT_ADMIN',
      client: 'acme',
      sendInvite: false,
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const user = await users.getUser(id);
    expect(user).toMatchObject({
      id,
      email,
      name: 'Ann',
      role: 'CLIENT_ADMIN',
      enabled: true,
      clients: ['acme'],
    });
    expect(user.status).toBe('FORCE_CHANGE_PASSWORD');
  });

  it('updateUser adds and removes clients, changes the role and disables/enables', async () => {
    const id = await create(users, 'acme');
    await users.updateUser({
      userId: id,
      clientsToAdd: ['globex', 'initech'],
      clientsToRemove: ['acme'],
      role: 'INTERNAL_USER',
      enabled: false,
    });
    const after = await users.getUser(id);
    expect(after.clients.sort()).toEqual(['globex', 'initech']);
    expect(after.role).toBe('INTERNAL_USER');
    expect(after.enabled).toBe(false);
    await users.updateUser({ userId: id, enabled: true });
    expect((await users.getUser(id)).enabled).toBe(true);
  });

  it('disableUser, enableUser, deleteUser; a deleted user is ERR_COGNITO_USER_NOT_FOUND with status and AWS name', async () => {
    const id = await create(users, 'acme');
    await users.disableUser(id);
    expect((await users.getUser(id)).enabled).toBe(false);
    await users.enableUser(id);
    expect((await users.getUser(id)).enabled).toBe(true);
    await users.deleteUser(id);
    const err = await users.getUser(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognitoError);
    expect(err).toMatchObject({
      code: 'ERR_COGNITO_USER_NOT_FOUND',
      httpStatus: 400,
      awsErrorName: 'UserNotFoundException',
      operation: 'AdminGetUser',
    });
    expect((err as Error).cause).toBeUndefined();
  });

  it('creating an existing email is ERR_COGNITO_USER_EXISTS', async () => {
    const email = `dup-${unique()}@example.test`;
    await create(users, 'acme', { email });
    await expect(create(users, 'acme', { email })).rejects.toMatchObject({
      code: 'ERR_COGNITO_USER_EXISTS',
      awsErrorName: 'UsernameExistsException',
    });
  });

  it('createUser into a group that does not exist fails and leaves no user behind', async () => {
    const email = `orphan-${unique()}@example.test`;
    await expect(create(users, 'no-such-group', { email })).rejects.toMatchObject({
      code: 'ERR_COGNITO_REQUEST_FAILED',
      awsErrorName: 'ResourceNotFoundException',
    });
    const page = await users.listUsers({ emailFilter: email });
    expect(page.users).toEqual([]);
  });

  it('listUsers by client combines ListUsersInGroup with the role, name and enabled filters', async () => {
    const group = await freshGroup();
    const admin = await create(users, group, { role: 'CLIENT_ADMIN', name: 'Zed Admin' });
    const u1 = await create(users, group, { name: 'Zoe' });
    const u2 = await create(users, group, { name: 'Zack' });
    await create(users, 'acme', { role: 'CLIENT_ADMIN', name: 'Zed Elsewhere' });
    await users.disableUser(u2);

    const admins = await users.listUsers({ client: group, roleFilter: 'CLIENT_ADMIN' });
    expect(admins.users.map((u) => u.id)).toEqual([admin]);
    expect(admins).toMatchObject({ hasMore: false, nextPaginationToken: undefined, totalCount: 1 });

    const enabledZ = await users.listUsers({ client: group, nameFilter: 'Z', enabledFilter: true });
    expect(enabledZ.users.map((u) => u.id).sort()).toEqual([admin, u1].sort());
    const disabled = await users.listUsers({ client: group, enabledFilter: false });
    expect(disabled.users.map((u) => u.id)).toEqual([u2]);
  });

  it('listUsers pages through a client with opaque tokens; countTotal gives the exact total on later pages', async () => {
    const group = await freshGroup();
    const ids = new Set<string>();
    for (let k = 0; k < 5; k++) ids.add(await create(users, group));
    const first = await users.listUsers({ client: group, pageSize: 2 });
    expect(first.users).toHaveLength(2);
    expect(first.hasMore).toBe(true);
    expect(first.totalCount).toBeUndefined();
    const second = await users.listUsers({
      client: group,
      pageSize: 2,
      paginationToken: first.nextPaginationToken,
      countTotal: true,
    });
    expect(second.totalCount).toBe(5);
    const third = await users.listUsers({
      client: group,
      pageSize: 2,
      paginationToken: second.nextPaginationToken,
    });
    expect(third.users).toHaveLength(1);
    expect(third).toMatchObject({ hasMore: false, nextPaginationToken: undefined });
    const seen = [...first.users, ...second.users, ...third.users].map((u) => u.id);
    expect(new Set(seen)).toEqual(ids);
  });

  it('listUsers without a client filters email server-side (ListUsers Filter ^=) and role client-side', async () => {
    const prefix = `pfx-${unique()}`;
    const a = await create(users, 'acme', { email: `${prefix}-a@example.test`, role: 'INTERNAL_ADMIN' });
    await create(users, 'globex', { email: `${prefix}-b@example.test` });
    const all = await users.listUsers({ emailFilter: prefix });
    expect(all.users).toHaveLength(2);
    expect(all.totalCount).toBe(2);
    const admins = await users.listUsers({ emailFilter: prefix, roleFilter: 'INTERNAL_ADMIN' });
    expect(admins.users.map((u) => u.id)).toEqual([a]);
  });

  it('a pagination token of another query is a typed input error, before any call', async () => {
    const group = await freshGroup();
    await create(users, group);
    await create(users, group);
    const first = await users.listUsers({ client: group, pageSize: 1 });
    await expect(
      users.listUsers({ client: 'acme', pageSize: 1, paginationToken: first.nextPaginationToken }),
    ).rejects.toMatchObject({
      code: 'ERR_COGNITO_INVALID_INPUT',
      field: 'paginationToken',
    });
    await expect(users.listUsers({ paginationToken: 'not-a-token' })).rejects.toBeInstanceOf(
      CognitoInputError,
    );
  });
});

describe('cognitoUsers input validation (no call made)', () => {
  let calls = 0;
  const counting = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  counting.middlewareStack.add((next) => (args) => {
    calls++;
    return next(args);
  });
  const u = cognitoUsers({ userPoolId: 'us-east-1_abc', client: counting });
  const cases: [string, () => Promise<unknown>, string][] = [
    [
      'unknown role',
      () => u.createUser({ email: 'a@b.test', name: 'A', role: 'ROOT' as never, client: 'acme' }),
      'role',
    ],
    [
      'empty email',
      () => u.createUser({ email: '', name: 'A', role: 'CLIENT_USER', client: 'acme' }),
      'email',
    ],
    [
      'malformed email',
      () => u.createUser({ email: 'nope', name: 'A', role: 'CLIENT_USER', client: 'acme' }),
      'email',
    ],
    [
      'bad client',
      () => u.createUser({ email: 'a@b.test', name: 'A', role: 'CLIENT_USER', client: 'a b' }),
      'client',
    ],
    [
      'unknown field',
      () =>
        u.createUser({
          email: 'a@b.test',
          name: 'A',
          role: 'CLIENT_USER',
          client: 'acme',
          admin: true,
        } as never),
      'admin',
    ],
    ['page size 0', () => u.listUsers({ pageSize: 0 }), 'pageSize'],
    ['page size 61', () => u.listUsers({ pageSize: 61 }), 'pageSize'],
    ['page size 1.5', () => u.listUsers({ pageSize: 1.5 }), 'pageSize'],
    ['quote in a filter', () => u.listUsers({ emailFilter: 'a" or email ^= "' }), 'emailFilter'],
    ['role filter', () => u.listUsers({ roleFilter: 'admin' as never }), 'roleFilter'],
    ['enabled filter', () => u.listUsers({ enabledFilter: 'yes' as never }), 'enabledFilter'],
    ['user id', () => u.getUser('../x'), 'userId'],
    ['update role', () => u.updateUser({ userId: 'abc', role: 'x' as never }), 'role'],
    ['update clients', () => u.updateUser({ userId: 'abc', clientsToAdd: 'acme' as never }), 'clientsToAdd'],
  ];
  it.each(cases)('%s → CognitoInputError', async (_name, call, field) => {
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognitoInputError);
    expect(err).toMatchObject({ code: 'ERR_COGNITO_INVALID_INPUT', field });
    expect(calls).toBe(0);
  });

  it('option misuse is a TypeError at setup', () => {
    expect(() => cognitoUsers({ userPoolId: 'us-east-1_abc', regoin: 'x' } as never)).toThrow(TypeError);
    expect(() => cognitoUsers({ userPoolId: '' })).toThrow(TypeError);
    expect(() => cognitoUsers({ userPoolId: 'us-east-1_abc', client: {} as never })).toThrow(TypeError);
  });
});

describe('cognitoUsers failures', () => {
  it('Cognito unreachable → ERR_COGNITO_UNAVAILABLE, retryable, no httpStatus, no cause', async () => {
    const down = emulatorClient('http://127.0.0.1:9');
    const u = cognitoUsers({ userPoolId: emu.userPoolId, client: down });
    const err = await u.getUser('abc').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_COGNITO_UNAVAILABLE', retryable: true, httpStatus: undefined });
    expect((err as Error).cause).toBeUndefined();
    down.destroy();
  });

  it('a temporary password is in no error of a failed createUser', async () => {
    const secret = `Tmp-${randomUUID()}`;
    const email = `leak-${unique()}@example.test`;
    await create(users, 'acme', { email });
    const err = await create(users, 'acme', { email, temporaryPassword: secret }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognitoError);
    const text = JSON.stringify({
      ...(err as object),
      message: (err as Error).message,
      stack: (err as Error).stack,
    });
    expect(text).not.toContain(secret);
  });
});

describe('getUser: every client of a user', () => {
  // A client whose answers are made up here: AdminGetUser, then AdminListGroupsForUser in pages.
  const paged = (pages: string[][]) => {
    const sdk = new CognitoIdentityProviderClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const tokens: (string | undefined)[] = [];
    sdk.middlewareStack.add(
      () => async (args) => {
        const input = args.input as { NextToken?: string; Username?: string };
        if (!('Limit' in input)) {
          const attrs = [{ Name: 'custom:role', Value: 'CLIENT_USER' }];
          return {
            output: { Username: input.Username, UserAttributes: attrs, Enabled: true, $metadata: {} },
            response: {},
          };
        }
        tokens.push(input.NextToken);
        const i = input.NextToken === undefined ? 0 : Number(input.NextToken);
        const next = i + 1 < pages.length ? String(i + 1) : undefined;
        const Groups = (pages[i] ?? []).map((GroupName) => ({ GroupName }));
        return { output: { Groups, ...(next ? { NextToken: next } : {}), $metadata: {} }, response: {} };
      },
      { step: 'initialize' },
    );
    return { sdk, tokens };
  };

  it('reads every page of groups (a client past the first 60 is still one of its clients)', async () => {
    const first = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const { sdk, tokens } = paged([first, ['globex']]);
    const user = await cognitoUsers({ userPoolId: 'us-east-1_abc', client: sdk }).getUser('u1');
    expect(user.clients).toEqual([...first, 'globex']);
    expect(tokens).toEqual([undefined, '1']);
  });

  it('a group listing that never ends is a CognitoError, not a loop', async () => {
    const { sdk } = paged(Array.from({ length: 100 }, (_, i) => [`c${i}`]));
    const err = await cognitoUsers({ userPoolId: 'us-east-1_abc', client: sdk })
      .getUser('u1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CognitoError);
    expect(err).toMatchObject({ code: 'ERR_COGNITO_REQUEST_FAILED' });
  });
});
