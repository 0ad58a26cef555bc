/**
 * `cognitoUsers()`: user administration of one Cognito user pool on the AWS SDK v3. Each method is one
 * SDK operation or a documented sequence of them; input is validated before any call and every SDK
 * failure becomes a CognitoError (see errors.ts).
 *
 * Model: a user's id is its `sub` (Cognito accepts it as `Username` in admin calls of pools whose
 * username is the email); its tenants ("clients") are Cognito groups named after the client; its role
 * is the custom attribute `custom:role`.
 */
import { ConfigurationError } from '@auth/core';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminResetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { assertKnownKeys } from '@auth/core/internal';
import { CognitoError, CognitoInputError, fromSdkError } from './errors.ts';

/**
 * The roles a user can have (stored in `custom:role`).
 *
 * @example
 * const role: UserRole = 'CLIENT_ADMIN';
 */
export type UserRole = 'INTERNAL_ADMIN' | 'INTERNAL_USER' | 'CLIENT_ADMIN' | 'CLIENT_USER';

/**
 * Every `UserRole`, for validation and menus.
 *
 * @example
 * USER_ROLES.includes(input as UserRole);
 */
export const USER_ROLES: readonly UserRole[] = Object.freeze([
  'INTERNAL_ADMIN',
  'INTERNAL_USER',
  'CLIENT_ADMIN',
  'CLIENT_USER',
]);

/** The most users one Cognito `ListUsers` / `ListUsersInGroup` page holds, hence the page size range 1–60. */
export const MAX_PAGE_SIZE = 60;

/**
 * Options of `cognitoUsers()`.
 *
 * @example
 * const users = cognitoUsers({ userPoolId: 'eu-west-1_AbC123', region: 'eu-west-1' } satisfies CognitoUsersOptions);
 */
export interface CognitoUsersOptions {
  userPoolId: string;
  /** AWS region (default: the SDK's resolution); ignored when `client` is given. */
  region?: string;
  /** Your own SDK client (endpoint, credentials, retries are then yours; it is not destroyed by `close()`). */
  client?: CognitoIdentityProviderClient;
  /** Most AWS pages one `listUsers` call reads to fill a page with client-side filters (default 20). */
  maxScanPages?: number;
}

/**
 * A user as `getUser` returns it; `listUsers` items have no `clients` (one more call per user).
 *
 * @example
 * const user: CognitoUser = await users.getUser(id);
 * if (user.clients.includes('acme')) console.log(user.email);
 */
export interface CognitoUser {
  /** The `sub`. */
  id: string;
  email: string | undefined;
  name: string | undefined;
  /** `undefined` when `custom:role` is missing or not a known role. */
  role: UserRole | undefined;
  enabled: boolean;
  /** Cognito's status: `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, … */
  status: string | undefined;
  createdAt: Date | undefined;
  /** Groups = clients (tenants); only filled by `getUser`. */
  clients: string[];
}

/**
 * Input of `createUser`.
 *
 * @example
 * const input: CreateUserInput = { email: 'ann@acme.test', name: 'Ann', role: 'CLIENT_USER', client: 'acme' };
 */
export interface CreateUserInput {
  email: string;
  name: string;
  role: UserRole;
  /** The client (group) the user belongs to. */
  client: string;
  /** Otherwise Cognito generates one. Never logged nor kept in errors. */
  temporaryPassword?: string;
  /** Send Cognito's invitation email (default true); false suppresses it. */
  sendInvite?: boolean;
}

/**
 * Input of `updateUser`; omitted fields are left unchanged.
 *
 * @example
 * const change: UpdateUserInput = { userId: id, clientsToAdd: ['globex'], enabled: false };
 */
export interface UpdateUserInput {
  userId: string;
  clientsToAdd?: string[];
  clientsToRemove?: string[];
  role?: UserRole;
  enabled?: boolean;
}

/**
 * Input of `listUsers`. Name and email filters are case-sensitive prefixes (Cognito's `^=`).
 *
 * @example
 * const query: ListUsersInput = { client: 'acme', pageSize: 20, roleFilter: 'CLIENT_ADMIN' };
 */
export interface ListUsersInput {
  /** Only members of this client (group). */
  client?: string;
  /** 1–60 (default 20). */
  pageSize?: number;
  /** `nextPaginationToken` of the previous page, with the same filters. */
  paginationToken?: string;
  nameFilter?: string;
  emailFilter?: string;
  roleFilter?: UserRole;
  enabledFilter?: boolean;
  /** Read every matching user to give an exact `totalCount` (costs the whole scan; see README). */
  countTotal?: boolean;
}

/**
 * A page of `listUsers`.
 *
 * @example
 * const page: ListUsersPage = await users.listUsers({ pageSize: 10 });
 * if (page.hasMore) await users.listUsers({ pageSize: 10, paginationToken: page.nextPaginationToken });
 */
export interface ListUsersPage {
  users: CognitoUser[];
  /** Pass back as `paginationToken`; undefined on the last page. Opaque. */
  nextPaginationToken: string | undefined;
  /** True when a next page may hold users (it can turn out empty: Cognito gives no count). */
  hasMore: boolean;
  /**
   * The number of matching users when this call read them all (a first page that reached the end, or
   * `countTotal: true`), exact at the time of the scan; otherwise undefined.
   */
  totalCount: number | undefined;
}

/**
 * What `cognitoUsers()` returns.
 *
 * @example
 * const id = await users.createUser({ email: 'ann@acme.test', name: 'Ann', role: 'CLIENT_USER', client: 'acme' });
 */
export interface CognitoUsers {
  /** `AdminCreateUser` then `AdminAddUserToGroup` (the user is deleted again if that fails). Returns the `sub`. */
  createUser(input: CreateUserInput): Promise<string>;
  /** `AdminUpdateUserAttributes`, `AdminAddUserToGroup`/`AdminRemoveUserFromGroup` per client, `AdminEnableUser`/`AdminDisableUser`, in that order; not atomic. */
  updateUser(input: UpdateUserInput): Promise<void>;
  /** `ListUsers` (one attribute filtered by Cognito) or `ListUsersInGroup`, other filters applied here. */
  listUsers(input?: ListUsersInput): Promise<ListUsersPage>;
  /** `AdminGetUser` + `AdminListGroupsForUser`. */
  getUser(userId: string): Promise<CognitoUser>;
  disableUser(userId: string): Promise<void>;
  enableUser(userId: string): Promise<void>;
  deleteUser(userId: string): Promise<void>;
  /** `AdminResetUserPassword`: the user must set a new password with a code Cognito sends. */
  resetPassword(userId: string): Promise<void>;
  /** `AdminCreateUser` with `MessageAction: RESEND`: a new invitation and temporary password. */
  resendInvite(userId: string): Promise<void>;
  /** Destroys the SDK client it created (not one passed as `client`). */
  close(): void;
}

const OPTION_KEYS = ['userPoolId', 'region', 'client', 'maxScanPages'];
const ROLE_ATTRIBUTE = 'custom:role';
// AdminListGroupsForUser pages read at most (60 groups each; Cognito's quota is 100 groups a user).
const MAX_GROUP_PAGES = 10;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CLIENT = /^[A-Za-z0-9_.-]{1,128}$/;
const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
const POOL = /^[\w-]+_[0-9A-Za-z]+$/;

function str(field: string, value: unknown, max = 256): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new CognitoInputError(
      field,
      `\`${field}\` must be a non-empty string of at most ${max} characters`,
    );
  return value;
}
function email(value: unknown, field = 'email'): string {
  const v = str(field, value, 254);
  if (!EMAIL.test(v)) throw new CognitoInputError(field, `\`${field}\` must be an email address`);
  return v;
}
function role(value: unknown, field = 'role'): UserRole {
  if (!USER_ROLES.includes(value as UserRole))
    throw new CognitoInputError(field, `\`${field}\` must be one of ${USER_ROLES.join(', ')}`);
  return value as UserRole;
}
function client(value: unknown, field = 'client'): string {
  if (typeof value !== 'string' || !CLIENT.test(value))
    throw new CognitoInputError(field, `\`${field}\` must be a client id ([A-Za-z0-9_.-], 1–128 characters)`);
  return value;
}
function clients(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 50)
    throw new CognitoInputError(field, `\`${field}\` must be an array of client ids`);
  return value.map((c) => client(c, field));
}
function userId(value: unknown): string {
  if (typeof value !== 'string' || !USER_ID.test(value))
    throw new CognitoInputError('userId', '`userId` must be a user id (the sub)');
  return value;
}
function bool(field: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean')
    throw new CognitoInputError(field, `\`${field}\` must be a boolean`);
  return value;
}
function input<T>(value: T, keys: string[], where: string): T {
  if (typeof value !== 'object' || value === null)
    throw new CognitoInputError('input', `${where}: input must be an object`);
  for (const k of Object.keys(value))
    if (!keys.includes(k)) throw new CognitoInputError(k, `${where}: unknown field \`${k}\``);
  return value;
}

const attr = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

function toUser(
  u: {
    Attributes?: AttributeType[];
    UserAttributes?: AttributeType[];
    Enabled?: boolean;
    UserStatus?: string;
    UserCreateDate?: Date;
    Username?: string;
  },
  groups: string[] = [],
): CognitoUser {
  const attributes = u.Attributes ?? u.UserAttributes;
  const r = attr(attributes, ROLE_ATTRIBUTE);
  return {
    id: attr(attributes, 'sub') ?? u.Username ?? '',
    email: attr(attributes, 'email'),
    name: attr(attributes, 'name'),
    role: USER_ROLES.includes(r as UserRole) ? (r as UserRole) : undefined,
    enabled: u.Enabled !== false,
    status: u.UserStatus,
    createdAt: u.UserCreateDate,
    clients: groups,
  };
}

/** Opaque pagination token: the AWS token of the page being read, the offset in it, and the query it belongs to. */
interface Cursor {
  t?: string;
  o: number;
  q: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(token: unknown, query: string): Cursor | undefined {
  if (token === undefined) return undefined;
  const bad = () =>
    new CognitoInputError('paginationToken', '`paginationToken` is not a token of this query');
  if (typeof token !== 'string' || token.length > 8192) throw bad();
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw bad();
  }
  if (
    typeof c !== 'object' ||
    c === null ||
    c.q !== query ||
    !Number.isInteger(c.o) ||
    c.o < 0 ||
    (c.t !== undefined && typeof c.t !== 'string')
  )
    throw bad();
  return c;
}

/**
 * User administration of one Cognito user pool.
 *
 * @example
 * const users = cognitoUsers({ userPoolId: 'eu-west-1_AbC123', region: 'eu-west-1' });
 * const id = await users.createUser({ email: 'ann@acme.test', name: 'Ann', role: 'CLIENT_USER', client: 'acme' });
 * await users.updateUser({ userId: id, clientsToAdd: ['globex'] });
 * const page = await users.listUsers({ client: 'acme', pageSize: 20, roleFilter: 'CLIENT_USER' });
 */
export function cognitoUsers(options: CognitoUsersOptions): CognitoUsers {
  if (!options || typeof options !== 'object')
    throw new ConfigurationError('cognitoUsers(): options are required');
  assertKnownKeys(options, OPTION_KEYS, 'cognitoUsers()');
  const { userPoolId: pool, maxScanPages = 20 } = options;
  if (typeof pool !== 'string' || !POOL.test(pool))
    throw new ConfigurationError('cognitoUsers(): `userPoolId` must look like <region>_<id>');
  if (options.client !== undefined && !(options.client instanceof CognitoIdentityProviderClient))
    throw new ConfigurationError('cognitoUsers(): `client` must be a CognitoIdentityProviderClient');
  if (!Number.isInteger(maxScanPages) || maxScanPages < 1)
    throw new ConfigurationError('cognitoUsers(): `maxScanPages` must be an integer >= 1');
  const own = options.client === undefined;
  const sdk = options.client ?? new CognitoIdentityProviderClient({ region: options.region });

  async function send<T>(operation: string, command: any): Promise<T> {
    try {
      return (await sdk.send(command)) as T;
    } catch (err) {
      throw fromSdkError(err, operation);
    }
  }

  async function addToGroup(id: string, group: string) {
    await send(
      'AdminAddUserToGroup',
      new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: id, GroupName: group }),
    );
  }

  async function listPage(
    group: string | undefined,
    filter: string | undefined,
    token: string | undefined,
  ): Promise<{ users: UserType[]; next: string | undefined }> {
    if (group !== undefined) {
      const out = await send<{ Users?: UserType[]; NextToken?: string }>(
        'ListUsersInGroup',
        new ListUsersInGroupCommand({
          UserPoolId: pool,
          GroupName: group,
          Limit: MAX_PAGE_SIZE,
          NextToken: token,
        }),
      );
      return { users: out.Users ?? [], next: out.NextToken || undefined };
    }
    const out = await send<{ Users?: UserType[]; PaginationToken?: string }>(
      'ListUsers',
      new ListUsersCommand({
        UserPoolId: pool,
        Limit: MAX_PAGE_SIZE,
        PaginationToken: token,
        Filter: filter,
      }),
    );
    return { users: out.Users ?? [], next: out.PaginationToken || undefined };
  }

  return {
    async createUser(raw) {
      const i = input(
        raw,
        ['email', 'name', 'role', 'client', 'temporaryPassword', 'sendInvite'],
        'createUser',
      );
      const mail = email(i.email);
      const name = str('name', i.name);
      const r = role(i.role);
      const group = client(i.client);
      if (i.temporaryPassword !== undefined) str('temporaryPassword', i.temporaryPassword);
      const invite = bool('sendInvite', i.sendInvite) ?? true;
      const out = await send<{ User?: UserType }>(
        'AdminCreateUser',
        new AdminCreateUserCommand({
          UserPoolId: pool,
          Username: mail,
          TemporaryPassword: i.temporaryPassword,
          MessageAction: invite ? undefined : 'SUPPRESS',
          DesiredDeliveryMediums: invite ? ['EMAIL'] : undefined,
          UserAttributes: [
            { Name: 'email', Value: mail },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: name },
            { Name: ROLE_ATTRIBUTE, Value: r },
          ],
        }),
      );
      const id = attr(out.User?.Attributes, 'sub') ?? out.User?.Username;
      if (!id)
        throw fromSdkError(
          { name: 'InvalidResponse', $metadata: { httpStatusCode: 502 } },
          'AdminCreateUser',
        );
      try {
        await addToGroup(id, group);
      } catch (err) {
        // A user outside any client would be invisible to its client admins: undo the creation.
        await send('AdminDeleteUser', new AdminDeleteUserCommand({ UserPoolId: pool, Username: id })).catch(
          () => {},
        );
        throw err;
      }
      return id;
    },

    async updateUser(raw) {
      const i = input(raw, ['userId', 'clientsToAdd', 'clientsToRemove', 'role', 'enabled'], 'updateUser');
      const id = userId(i.userId);
      const add = clients(i.clientsToAdd, 'clientsToAdd');
      const remove = clients(i.clientsToRemove, 'clientsToRemove');
      const r = i.role === undefined ? undefined : role(i.role);
      const enabled = bool('enabled', i.enabled);
      if (r !== undefined) {
        await send(
          'AdminUpdateUserAttributes',
          new AdminUpdateUserAttributesCommand({
            UserPoolId: pool,
            Username: id,
            UserAttributes: [{ Name: ROLE_ATTRIBUTE, Value: r }],
          }),
        );
      }
      for (const g of add) await addToGroup(id, g);
      for (const g of remove)
        await send(
          'AdminRemoveUserFromGroup',
          new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: id, GroupName: g }),
        );
      if (enabled === true) await this.enableUser(id);
      if (enabled === false) await this.disableUser(id);
    },

    async listUsers(raw = {}) {
      const i = input(
        raw,
        [
          'client',
          'pageSize',
          'paginationToken',
          'nameFilter',
          'emailFilter',
          'roleFilter',
          'enabledFilter',
          'countTotal',
        ],
        'listUsers',
      );
      const group = i.client === undefined ? undefined : client(i.client);
      const pageSize = i.pageSize ?? 20;
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE)
        throw new CognitoInputError('pageSize', `\`pageSize\` must be an integer from 1 to ${MAX_PAGE_SIZE}`);
      // Quotes and backslashes would end Cognito's quoted filter value early: refused, not escaped.
      const filterValue = (field: string, value: unknown, max: number) => {
        const v = str(field, value, max);
        if (/["\\]/.test(v))
          throw new CognitoInputError(field, `\`${field}\` must not contain quotes or backslashes`);
        return v;
      };
      const name = i.nameFilter === undefined ? undefined : filterValue('nameFilter', i.nameFilter, 256);
      const mail = i.emailFilter === undefined ? undefined : filterValue('emailFilter', i.emailFilter, 254);
      const r = i.roleFilter === undefined ? undefined : role(i.roleFilter, 'roleFilter');
      const enabled = bool('enabledFilter', i.enabledFilter);
      const countTotal = bool('countTotal', i.countTotal) ?? false;
      const query = JSON.stringify([group, name, mail, r, enabled]);
      const cursor = decodeCursor(i.paginationToken, query);
      // Cognito filters one attribute server-side (and none with a group): the most selective one.
      const quote = (v: string) => `"${v}"`;
      const filter =
        group !== undefined
          ? undefined
          : mail !== undefined
            ? `email ^= ${quote(mail)}`
            : name !== undefined
              ? `name ^= ${quote(name)}`
              : enabled !== undefined
                ? `status = ${quote(enabled ? 'Enabled' : 'Disabled')}`
                : undefined;
      const matches = (u: CognitoUser) =>
        (name === undefined || (u.name ?? '').startsWith(name)) &&
        (mail === undefined || (u.email ?? '').startsWith(mail)) &&
        (r === undefined || u.role === r) &&
        (enabled === undefined || u.enabled === enabled);

      const users: CognitoUser[] = [];
      let token = cursor?.t;
      let skip = cursor?.o ?? 0;
      let next: Cursor | undefined;
      let seenAll = false;
      for (let pages = 1; ; pages++) {
        const page = await listPage(group, filter, token);
        for (let k = skip; k < page.users.length && next === undefined; k++) {
          const u = toUser(page.users[k] as UserType);
          if (!matches(u)) continue;
          if (users.length < pageSize) users.push(u);
          // One match more than the page holds: the next page starts there.
          else next = { t: token, o: k, q: query };
        }
        skip = 0;
        if (next !== undefined) break;
        if (page.next === undefined) {
          seenAll = true;
          break;
        }
        token = page.next;
        // Full at the end of an AWS page, or the scan budget spent: continue from the next AWS page.
        if (users.length === pageSize || pages >= maxScanPages) {
          next = { t: token, o: 0, q: query };
          break;
        }
      }
      let total: number | undefined;
      if (seenAll && cursor === undefined) total = users.length;
      else if (countTotal) {
        // A separate scan from the first page: every matching user read once more.
        total = 0;
        let t: string | undefined;
        do {
          const page = await listPage(group, filter, t);
          for (const u of page.users) if (matches(toUser(u))) total++;
          t = page.next;
        } while (t !== undefined);
      }
      return {
        users,
        nextPaginationToken: next ? encodeCursor(next) : undefined,
        hasMore: next !== undefined,
        totalCount: total,
      };
    },

    async getUser(id) {
      const username = userId(id);
      const out = await send<UserType & { UserAttributes?: AttributeType[] }>(
        'AdminGetUser',
        new AdminGetUserCommand({ UserPoolId: pool, Username: username }),
      );
      // Every page: the tenant rules of userAdminRoutes decide on the whole list (a user of more
      // than one page of clients must not look like a user of the caller's clients only).
      const clients: string[] = [];
      let nextToken: string | undefined;
      for (let pages = 0; ; pages++) {
        if (pages === MAX_GROUP_PAGES)
          throw new CognitoError('ERR_COGNITO_REQUEST_FAILED', 'The user has too many groups to read');
        const groups = await send<{ Groups?: { GroupName?: string }[]; NextToken?: string }>(
          'AdminListGroupsForUser',
          new AdminListGroupsForUserCommand({
            UserPoolId: pool,
            Username: username,
            Limit: 60,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const g of groups.Groups ?? []) if (g.GroupName) clients.push(g.GroupName);
        nextToken = groups.NextToken;
        if (!nextToken) break;
      }
      return toUser(out, clients);
    },
    async disableUser(id) {
      await send('AdminDisableUser', new AdminDisableUserCommand({ UserPoolId: pool, Username: userId(id) }));
    },
    async enableUser(id) {
      await send('AdminEnableUser', new AdminEnableUserCommand({ UserPoolId: pool, Username: userId(id) }));
    },
    async deleteUser(id) {
      await send('AdminDeleteUser', new AdminDeleteUserCommand({ UserPoolId: pool, Username: userId(id) }));
    },
    async resetPassword(id) {
      await send(
        'AdminResetUserPassword',
        new AdminResetUserPasswordCommand({ UserPoolId: pool, Username: userId(id) }),
      );
    },
    async resendInvite(id) {
      await send(
        'AdminCreateUser',
        new AdminCreateUserCommand({
          UserPoolId: pool,
          Username: userId(id),
          MessageAction: 'RESEND',
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    },
    close() {
      if (own) sdk.destroy();
    },
  };
}
