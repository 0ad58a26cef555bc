/**
 * The rows every framework mount of `userAdminRoutes` must pass, written once (like the conformance
 * suite): `describeAdminMount('Fastify', mount)` runs them all against one mount, with ID tokens of
 * cognito-local. A row acts as one caller on a fresh target user and states the status; every refused
 * row (4xx) also checks that nothing changed: the target reads the same, no user was created.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type CognitoUser, type CognitoUsers, cognitoUsers, type UserRole } from '../../src/index.ts';
import { emulatorClient } from './cognito-local.ts';
import { signIn } from './sign-in.ts';

/** The emulator as the mounts need it (issuer of the ID tokens). */
export interface AdminEmulator {
  endpoint: string;
  userPoolId: string;
  clientId: string;
}

/** One framework with the admin routes mounted: `fetch` sends a request to it (path from `/admin/users`). */
export interface AdminMount {
  fetch(path: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export type MountAdmin = (emu: AdminEmulator, users: CognitoUsers) => Promise<AdminMount>;

type Caller = 'INTERNAL_ADMIN' | 'CLIENT_ADMIN' | 'CLIENT_USER' | undefined;

interface RowContext {
  /** The row's target user (when the row has `target`). */
  target: CognitoUser;
  /** A fresh email, unused so far: what a POST row creates. */
  email: string;
}

interface AdminRow {
  name: string;
  as: Caller;
  /** A user created before the request: its role and clients. */
  target?: [UserRole, string[]];
  method: 'GET' | 'POST' | 'PATCH';
  path: string | ((c: RowContext) => string);
  /** An object is sent as JSON; a string as is (with `content-type: application/json`). */
  body?: unknown | ((c: RowContext) => unknown);
  status: number;
  /** The 400's `field`, the 403/404/409's `code`. */
  field?: string;
  code?: string;
  /** What must hold after a successful row. */
  after?: (c: RowContext & { json: Record<string, unknown>; users: CognitoUsers }) => Promise<void> | void;
}

const TARGET = (c: RowContext) => `/admin/users/${c.target.id}`;
const newUser =
  (role: string, client: string, extra: Record<string, unknown> = {}) =>
  (c: RowContext) => ({ email: c.email, name: 'New', role, client, sendInvite: false, ...extra });
const readBack = async (users: CognitoUsers, id: string) => {
  const u = await users.getUser(id);
  return { role: u.role, enabled: u.enabled, clients: [...u.clients].sort() };
};
const created =
  (role: UserRole, clients: string[]) =>
  async ({ json, users }: { json: Record<string, unknown>; users: CognitoUsers }) => {
    expect(json).toEqual({ id: expect.any(String) });
    expect(await readBack(users, json.id as string)).toEqual({ role, enabled: true, clients });
  };
const state =
  (expected: { role: UserRole; enabled: boolean; clients: string[] }) =>
  async ({ target, users, json }: RowContext & { json: Record<string, unknown>; users: CognitoUsers }) => {
    expect(json).toMatchObject({ id: target.id, role: expected.role, enabled: expected.enabled });
    expect(await readBack(users, target.id)).toEqual(expected);
  };
const listsOnly =
  () =>
  ({ json, target }: RowContext & { json: Record<string, unknown> }) => {
    expect(json).toMatchObject({ users: [{ id: target.id, email: target.email }], hasMore: false });
  };
const byEmail = (c: RowContext) => `email=${encodeURIComponent(c.target.email ?? '')}`;

/** The table: who may do what (docs in README "An admin API you mount"). */
export const ADMIN_ROWS: AdminRow[] = [
  // Who may call at all.
  { name: 'no token', as: undefined, method: 'GET', path: '/admin/users', status: 401 },
  {
    name: 'a CLIENT_USER lists its client',
    as: 'CLIENT_USER',
    method: 'GET',
    path: '/admin/users?client=acme',
    status: 403,
  },
  {
    name: 'a CLIENT_USER creates a user of its client',
    as: 'CLIENT_USER',
    method: 'POST',
    path: '/admin/users',
    body: newUser('CLIENT_USER', 'acme'),
    status: 403,
  },
  {
    name: 'a CLIENT_USER updates a user of its client',
    as: 'CLIENT_USER',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: false },
    status: 403,
  },

  // INTERNAL_ADMIN manages everyone.
  {
    name: 'INTERNAL_ADMIN creates an INTERNAL_USER',
    as: 'INTERNAL_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('INTERNAL_USER', 'initech'),
    status: 201,
    after: created('INTERNAL_USER', ['initech']),
  },
  {
    name: 'INTERNAL_ADMIN adds a client, grants an internal role and disables a user of another client',
    as: 'INTERNAL_ADMIN',
    target: ['CLIENT_USER', ['globex']],
    method: 'PATCH',
    path: TARGET,
    body: { clientsToAdd: ['acme'], role: 'INTERNAL_USER', enabled: false },
    status: 200,
    after: state({ role: 'INTERNAL_USER', enabled: false, clients: ['acme', 'globex'] }),
  },
  {
    name: 'INTERNAL_ADMIN lists across clients (no client=)',
    as: 'INTERNAL_ADMIN',
    target: ['CLIENT_USER', ['globex']],
    method: 'GET',
    path: (c) => `/admin/users?${byEmail(c)}`,
    status: 200,
    after: listsOnly(),
  },

  // CLIENT_ADMIN (of acme) manages the CLIENT_* users of its clients.
  {
    name: 'CLIENT_ADMIN creates a CLIENT_ADMIN of its client',
    as: 'CLIENT_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('CLIENT_ADMIN', 'acme'),
    status: 201,
    after: created('CLIENT_ADMIN', ['acme']),
  },
  {
    name: 'CLIENT_ADMIN disables a user of its client and makes it CLIENT_ADMIN',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: false, role: 'CLIENT_ADMIN' },
    status: 200,
    after: state({ role: 'CLIENT_ADMIN', enabled: false, clients: ['acme'] }),
  },
  {
    name: 'CLIENT_ADMIN removes its client from a user it shares',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme', 'globex']],
    method: 'PATCH',
    path: TARGET,
    body: { clientsToRemove: ['acme'] },
    status: 200,
    after: state({ role: 'CLIENT_USER', enabled: true, clients: ['globex'] }),
  },
  {
    name: 'CLIENT_ADMIN lists its client with filters',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'GET',
    path: (c) => `/admin/users?client=acme&role=CLIENT_USER&enabled=true&pageSize=60&${byEmail(c)}`,
    status: 200,
    after: listsOnly(),
  },

  // CLIENT_ADMIN refused: other clients, internal users and roles.
  {
    name: 'CLIENT_ADMIN updates a user of another client',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['globex']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: false },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN grants INTERNAL_ADMIN',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { role: 'INTERNAL_ADMIN' },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN grants INTERNAL_USER',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { role: 'INTERNAL_USER' },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN adds a client it does not have',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { clientsToAdd: ['globex'] },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN removes a client it does not have (with a change it may make)',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme', 'globex']],
    method: 'PATCH',
    path: TARGET,
    body: { clientsToRemove: ['globex'], enabled: false },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN makes a user it shares with another client CLIENT_ADMIN (admin of that client)',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme', 'globex']],
    method: 'PATCH',
    path: TARGET,
    body: { role: 'CLIENT_ADMIN' },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN disables a user it shares with another client',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme', 'globex']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: false },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN updates an INTERNAL_USER of its client',
    as: 'CLIENT_ADMIN',
    target: ['INTERNAL_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: false },
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN creates a user of another client',
    as: 'CLIENT_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('CLIENT_USER', 'globex'),
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN creates an INTERNAL_USER in its client',
    as: 'CLIENT_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('INTERNAL_USER', 'acme'),
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN lists another client',
    as: 'CLIENT_ADMIN',
    method: 'GET',
    path: '/admin/users?client=globex',
    status: 403,
  },
  {
    name: 'CLIENT_ADMIN lists without client=',
    as: 'CLIENT_ADMIN',
    method: 'GET',
    path: '/admin/users',
    status: 403,
  },

  // Bad input: 400 in the contract's shape, naming the field.
  {
    name: 'a malformed email',
    as: 'INTERNAL_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: (c: RowContext) => ({ ...newUser('CLIENT_USER', 'acme')(c), email: `not-an-email ${c.email}` }),
    status: 400,
    field: 'email',
  },
  {
    name: 'an unknown role',
    as: 'INTERNAL_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('ROOT', 'acme'),
    status: 400,
    field: 'role',
  },
  {
    name: 'an unknown body field',
    as: 'INTERNAL_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: newUser('CLIENT_USER', 'acme', { isAdmin: true }),
    status: 400,
    field: 'isAdmin',
  },
  {
    name: 'a body that is not JSON',
    as: 'INTERNAL_ADMIN',
    method: 'POST',
    path: '/admin/users',
    body: (c: RowContext) => `{"email":"${c.email}",`,
    status: 400,
  },
  {
    name: 'a CLIENT_ADMIN sends a wrong type',
    as: 'CLIENT_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'PATCH',
    path: TARGET,
    body: { enabled: 'no' },
    status: 400,
    field: 'enabled',
  },
  {
    name: 'a page size out of range',
    as: 'INTERNAL_ADMIN',
    method: 'GET',
    path: '/admin/users?pageSize=61',
    status: 400,
    field: 'pageSize',
  },

  // Cognito's answers.
  {
    name: 'an unknown user',
    as: 'INTERNAL_ADMIN',
    method: 'PATCH',
    path: '/admin/users/00000000-0000-4000-8000-000000000000',
    body: { enabled: true },
    status: 404,
    code: 'ERR_COGNITO_USER_NOT_FOUND',
  },
  {
    name: 'an email already taken',
    as: 'INTERNAL_ADMIN',
    target: ['CLIENT_USER', ['acme']],
    method: 'POST',
    path: '/admin/users',
    body: (c: RowContext) => ({ ...newUser('CLIENT_USER', 'acme')(c), email: c.target.email }),
    status: 409,
    code: 'ERR_COGNITO_USER_EXISTS',
  },
];

const unique = () => randomUUID().slice(0, 8);

/**
 * Runs ADMIN_ROWS against one framework's mount.
 *
 * @example
 * describeAdminMount('Fastify', mountOnFastify);
 */
export function describeAdminMount(framework: string, mount: MountAdmin): void {
  const emu = inject('cognito');
  const sdk = emulatorClient(emu.endpoint);
  const users = cognitoUsers({ userPoolId: emu.userPoolId, client: sdk });
  const tag = framework.toLowerCase();
  const tokens = new Map<Caller, string>();
  let app: AdminMount | undefined;

  const createUser = async (role: UserRole, clients: string[]) => {
    const email = `${tag}-${role.toLowerCase()}-${unique()}@example.test`;
    const [first = 'acme', ...more] = clients;
    const id = await users.createUser({ email, name: role, role, client: first, sendInvite: false });
    if (more.length) await users.updateUser({ userId: id, clientsToAdd: more });
    return users.getUser(id);
  };

  beforeAll(async () => {
    app = await mount(emu, users);
    for (const [role, client] of [
      ['INTERNAL_ADMIN', 'initech'],
      ['CLIENT_ADMIN', 'acme'],
      ['CLIENT_USER', 'acme'],
    ] as const) {
      const user = await createUser(role, [client]);
      tokens.set(role, (await signIn(sdk, emu, user.email ?? '', `Pw-${randomUUID()}`)).idToken);
    }
  });
  afterAll(async () => {
    await app?.close();
    sdk.destroy();
  });

  describe(`userAdminRoutes on ${framework} (ID tokens of cognito-local)`, () => {
    it.each(ADMIN_ROWS.map((row) => [`${row.as ?? 'anonymous'}: ${row.name} → ${row.status}`, row] as const))(
      '%s',
      async (_, row) => {
        const target = row.target ? await createUser(...row.target) : undefined;
        const c: RowContext = {
          target: target as CognitoUser,
          email: `${tag}-new-${unique()}@example.test`,
        };
        const before = target ? await readBack(users, target.id) : undefined;
        const body = typeof row.body === 'function' ? row.body(c) : row.body;
        const token = tokens.get(row.as);
        const res = await (app as AdminMount).fetch(typeof row.path === 'function' ? row.path(c) : row.path, {
          method: row.method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        });
        const json = (await res.json()) as Record<string, unknown>;
        expect({ status: res.status, json }).toMatchObject({ status: row.status });
        if (row.status >= 400) {
          // The contract's error shape, a Bearer challenge on 401/403, nothing echoed, nothing changed.
          expect(json).toMatchObject({ status: row.status, code: expect.stringMatching(/^ERR_/) });
          expect(typeof json.message).toBe('string');
          expect(json).not.toHaveProperty('stack');
          if (row.status === 401 || row.status === 403)
            expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
          if (row.status === 403) expect(json.code).toBe('ERR_AUTH_FORBIDDEN');
          if (row.status === 400) {
            expect(json.code).toBe('ERR_AUTH_INVALID_REQUEST');
            expect(json.field).toBe(row.field);
            expect(JSON.stringify(json)).not.toContain(c.email);
          }
          if (row.code) expect(json.code).toBe(row.code);
          if (target) expect(await readBack(users, target.id)).toEqual(before);
          expect((await users.listUsers({ emailFilter: c.email })).users).toEqual([]);
        }
        await row.after?.({ ...c, json, users });
      },
    );
  });
}
