/**
 * `userAdminRoutes()`: the user-administration HTTP API (`POST /admin/users`, `PATCH /admin/users/:id`,
 * `GET /admin/users`) as framework-neutral routes. Authentication is the app's own adapter
 * (`requireAuth`, with `policy` below as the coarse gate); each handler then applies the tenant rules
 * (a CLIENT_ADMIN only touches users of its own clients) and validates its input with valibot schemas.
 * A handler never throws: every outcome is a `{ status, headers, body }` in the contract's shape.
 */
import { ConfigurationError } from '@auth/core';
import { type Decision, deny, ForbiddenError, type Policy, type Principal } from '@auth/core';
import * as v from 'valibot';
import { CognitoError } from './errors.ts';
import { type CognitoUsers, MAX_PAGE_SIZE, USER_ROLES, type UserRole } from './users.ts';

/**
 * One response of an admin route: status, headers and a JSON-serialisable body.
 *
 * @example
 * const out: AdminResponse = await route.handle(input);
 * res.status(out.status).set(out.headers).json(out.body);
 */
export interface AdminResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * What a framework hands a route: the authenticated principal, route params, query and parsed JSON body.
 *
 * @example
 * const input: AdminRequest = { principal: req.auth, params: req.params, query: req.query, body: req.body };
 */
export interface AdminRequest {
  /** Undefined (no authentication in front) is answered 403. */
  principal: Principal | undefined;
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * One route: mount `handle` at `method path` behind your adapter's authentication.
 *
 * @example
 * for (const route of admin.routes) console.log(route.method, route.path);
 */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH';
  /** Express-style path (`/admin/users/:id`). */
  path: string;
  handle(request: AdminRequest): Promise<AdminResponse>;
}

/**
 * Options of `userAdminRoutes()`.
 *
 * @example
 * const admin = userAdminRoutes({ users, roleOf: (p) => p.claims['custom:role'] as UserRole } satisfies UserAdminRoutesOptions);
 */
export interface UserAdminRoutesOptions {
  users: CognitoUsers;
  /** The caller's role (default: the `custom:role` claim, present in Cognito ID tokens). */
  roleOf?: (principal: Principal) => UserRole | undefined;
  /** The caller's clients (default: its groups, `cognito:groups`). */
  clientsOf?: (principal: Principal) => readonly string[];
  /** Realm of the 403 challenge (default `api`). */
  realm?: string;
}

/**
 * The routes and the gate to put in front of them.
 *
 * @example
 * app.use('/admin', requireAuth(auth), authorize(admin.policy)); // @auth/express
 */
export interface UserAdminRoutes {
  routes: AdminRoute[];
  /** Allows INTERNAL_ADMIN and CLIENT_ADMIN, denies everyone else (403). */
  policy: Policy;
}

const ALLOWED: Decision = Object.freeze({ allowed: true });
const ADMIN_ROLES: readonly UserRole[] = ['INTERNAL_ADMIN', 'CLIENT_ADMIN'];
const CLIENT_ROLES: readonly UserRole[] = ['CLIENT_ADMIN', 'CLIENT_USER'];

const Role = v.picklist(USER_ROLES as UserRole[]);
const ClientId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be a client id'));
const CreateBody = v.strictObject({
  email: v.pipe(v.string(), v.trim(), v.email(), v.maxLength(254)),
  name: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(256)),
  role: Role,
  client: ClientId,
  temporaryPassword: v.optional(v.pipe(v.string(), v.minLength(8), v.maxLength(256))),
  sendInvite: v.optional(v.boolean()),
});
const UpdateBody = v.strictObject({
  clientsToAdd: v.optional(v.pipe(v.array(ClientId), v.maxLength(50))),
  clientsToRemove: v.optional(v.pipe(v.array(ClientId), v.maxLength(50))),
  role: v.optional(Role),
  enabled: v.optional(v.boolean()),
});
const ListQuery = v.strictObject({
  client: v.optional(ClientId),
  pageSize: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,2}$/, 'must be an integer'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(MAX_PAGE_SIZE),
    ),
  ),
  paginationToken: v.optional(v.pipe(v.string(), v.maxLength(8192))),
  name: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(256))),
  email: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(254))),
  role: v.optional(Role),
  enabled: v.optional(
    v.pipe(
      v.picklist(['true', 'false']),
      v.transform((s) => s === 'true'),
    ),
  ),
});
const UserId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.@+-]{1,128}$/));

const json = (status: number, body: unknown, headers: Record<string, string> = {}): AdminResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body,
});

function invalid(issues: v.BaseIssue<unknown>[]): AdminResponse {
  const first = issues[0];
  const field = first ? (v.getDotPath(first) ?? undefined) : undefined;
  // Only the path and valibot's fixed expectation text: never the received value (a password).
  return json(400, {
    status: 400,
    code: 'ERR_AUTH_INVALID_REQUEST',
    message: field ? `Invalid field \`${field}\`` : 'Invalid request',
    field,
  });
}

const STATUS: Partial<Record<CognitoError['code'], number>> = {
  ERR_COGNITO_INVALID_INPUT: 400,
  ERR_COGNITO_USER_NOT_FOUND: 404,
  ERR_COGNITO_USER_EXISTS: 409,
  ERR_COGNITO_THROTTLED: 503,
  ERR_COGNITO_UNAVAILABLE: 503,
};

function failed(err: unknown): AdminResponse {
  if (err instanceof CognitoError) {
    // Input refused by cognitoUsers (or by Cognito): the same 400 shape as a failed schema.
    if (err.code === 'ERR_COGNITO_INVALID_INPUT')
      return json(400, {
        status: 400,
        code: 'ERR_AUTH_INVALID_REQUEST',
        message: err.field ? `Invalid field \`${err.field}\`` : 'Invalid request',
        ...(err.field ? { field: err.field } : {}),
      });
    const status = STATUS[err.code] ?? 502;
    return json(
      status,
      { status, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) },
      status === 503 ? { 'retry-after': '5' } : {},
    );
  }
  return json(502, {
    status: 502,
    code: 'ERR_COGNITO_REQUEST_FAILED',
    message: 'The Cognito request failed',
  });
}

/**
 * The user-administration API over `cognitoUsers()`, as framework-neutral routes.
 *
 * @example
 * const admin = userAdminRoutes({ users: cognitoUsers({ userPoolId, region }) });
 * app.use('/admin', requireAuth({ issuers: [cognito({ region, userPoolId, clientId, tokenUse: 'id' })] }), authorize(admin.policy));
 * for (const r of admin.routes) {
 *   app[r.method.toLowerCase() as 'get'](r.path, async (req, res) => {
 *     const out = await r.handle({ principal: req.auth, params: req.params, query: req.query, body: req.body });
 *     res.status(out.status).set(out.headers).json(out.body);
 *   });
 * }
 */
export function userAdminRoutes(options: UserAdminRoutesOptions): UserAdminRoutes {
  if (!options || typeof options !== 'object' || !options.users)
    throw new ConfigurationError('userAdminRoutes(): `users` (a cognitoUsers()) is required');
  for (const k of Object.keys(options))
    if (!['users', 'roleOf', 'clientsOf', 'realm'].includes(k))
      throw new ConfigurationError(`userAdminRoutes(): unknown option "${k}"`);
  for (const k of ['roleOf', 'clientsOf'] as const)
    if (options[k] !== undefined && typeof options[k] !== 'function')
      throw new ConfigurationError(`userAdminRoutes(): \`${k}\` must be a function`);
  const { users, realm = 'api' } = options;
  const roleOf =
    options.roleOf ??
    ((p: Principal) => {
      const r = p.claims['custom:role'];
      return USER_ROLES.includes(r as UserRole) ? (r as UserRole) : undefined;
    });
  const clientsOf = options.clientsOf ?? ((p: Principal) => p.groups);

  const forbidden = (message: string): AdminResponse => {
    const { status, headers, body } = new ForbiddenError('ERR_AUTH_FORBIDDEN', message).toResponse(realm);
    return { status, headers: { 'content-type': 'application/json', ...headers }, body };
  };
  /** The caller, when it may administer users at all. */
  const caller = (p: Principal | undefined) => {
    const role = p ? roleOf(p) : undefined;
    if (!p || role === undefined || !ADMIN_ROLES.includes(role)) return undefined;
    return { internal: role === 'INTERNAL_ADMIN', clients: new Set(clientsOf(p)) };
  };
  const guard =
    (run: (req: AdminRequest, who: NonNullable<ReturnType<typeof caller>>) => Promise<AdminResponse>) =>
    async (req: AdminRequest): Promise<AdminResponse> => {
      let who: ReturnType<typeof caller>;
      try {
        who = caller(req.principal);
      } catch {
        // An app's roleOf / clientsOf that throws on this principal: no admin (a 403, never a rejection).
        who = undefined;
      }
      if (!who) return forbidden('User administration needs the INTERNAL_ADMIN or CLIENT_ADMIN role');
      try {
        return await run(req, who);
      } catch (err) {
        return failed(err);
      }
    };

  const policy: Policy = (principal): Decision => {
    let allowed = false;
    try {
      allowed = caller(principal) !== undefined;
    } catch {}
    return allowed ? ALLOWED : deny('ERR_AUTH_FORBIDDEN', 'User administration needs an admin role');
  };

  const routes: AdminRoute[] = [
    {
      method: 'POST',
      path: '/admin/users',
      handle: guard(async (req, who) => {
        const parsed = v.safeParse(CreateBody, req.body);
        if (!parsed.success) return invalid(parsed.issues);
        const body = parsed.output;
        if (!who.internal) {
          if (!who.clients.has(body.client)) return forbidden('Not an admin of this client');
          if (!CLIENT_ROLES.includes(body.role)) return forbidden('A client admin cannot grant this role');
        }
        const id = await users.createUser(body);
        return json(201, { id });
      }),
    },
    {
      method: 'PATCH',
      path: '/admin/users/:id',
      handle: guard(async (req, who) => {
        const id = v.safeParse(UserId, req.params?.id);
        if (!id.success) return invalid(id.issues);
        const parsed = v.safeParse(UpdateBody, req.body);
        if (!parsed.success) return invalid(parsed.issues);
        const body = parsed.output;
        if (!who.internal) {
          const target = await users.getUser(id.output);
          if (
            target.role === undefined ||
            !CLIENT_ROLES.includes(target.role) ||
            !target.clients.some((c) => who.clients.has(c))
          )
            return forbidden('Not an admin of this user');
          // The role and the enabled flag hold in every client of the user: a user shared with a
          // client the caller does not administer (made CLIENT_ADMIN there, or locked out of it) is
          // changed only by an admin of all its clients. Its membership of the caller's clients is.
          if (
            (body.role !== undefined || body.enabled !== undefined) &&
            !target.clients.every((c) => who.clients.has(c))
          )
            return forbidden('The user also belongs to a client you do not administer');
          if (body.role !== undefined && !CLIENT_ROLES.includes(body.role))
            return forbidden('A client admin cannot grant this role');
          const foreign = [...(body.clientsToAdd ?? []), ...(body.clientsToRemove ?? [])].some(
            (c) => !who.clients.has(c),
          );
          if (foreign) return forbidden('Not an admin of this client');
        }
        await users.updateUser({ userId: id.output, ...body });
        return json(200, await users.getUser(id.output));
      }),
    },
    {
      method: 'GET',
      path: '/admin/users',
      handle: guard(async (req, who) => {
        const parsed = v.safeParse(ListQuery, req.query ?? {});
        if (!parsed.success) return invalid(parsed.issues);
        const q = parsed.output;
        if (!who.internal && (q.client === undefined || !who.clients.has(q.client)))
          return forbidden('A client admin lists the users of one of its clients (`client=`)');
        const page = await users.listUsers({
          client: q.client,
          pageSize: q.pageSize,
          paginationToken: q.paginationToken,
          nameFilter: q.name,
          emailFilter: q.email,
          roleFilter: q.role,
          enabledFilter: q.enabled,
        });
        return json(200, page);
      }),
    },
  ];
  return { routes, policy };
}
