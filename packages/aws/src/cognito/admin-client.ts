/**
 * `userAdminClient()`: typed calls of the user-administration API (`userAdminRoutes`), sent through
 * `authFetch` with a token source. A non-2xx answer is an ApiRequestError with the status and the
 * server's `code` (never the token, nor the request body).
 */
import { ConfigurationError } from '@auth/core';
import { authFetch, type FetchLike, type TokenSource } from '@auth/core/client';
import type { CognitoUser, CreateUserInput, UserRole } from './users.ts';

/**
 * The admin API answered with an error status, or could not be reached (`status` 0).
 *
 * @example
 * try { await admin.updateUser(id, { role: 'INTERNAL_ADMIN' }); } catch (err) {
 *   if (err instanceof ApiRequestError && err.status === 403) console.log('not allowed');
 * }
 */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  /** The server's error `code` (`ERR_AUTH_FORBIDDEN`, `ERR_AUTH_INVALID_REQUEST`, …), when it sent one. */
  readonly code: string | undefined;
  /** The input field the server refused, when it said. */
  readonly field: string | undefined;
  constructor(message: string, details: { status: number; code?: string; field?: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.code = details.code;
    this.field = details.field;
  }
}

/**
 * Options of `userAdminClient()`.
 *
 * @example
 * const admin = userAdminClient({ baseUrl: 'https://api.example.com', tokens } satisfies UserAdminClientOptions);
 */
export interface UserAdminClientOptions {
  /** Origin (and optional base path) of the API serving `userAdminRoutes`. */
  baseUrl: string;
  /** Where the caller's tokens come from (`cognitoUserTokens`, `clientCredentials`, …). */
  tokens: TokenSource;
  fetch?: FetchLike;
}

/**
 * Query of `listUsers` (the API's query parameters).
 *
 * @example
 * const q: AdminListQuery = { client: 'acme', pageSize: 20, role: 'CLIENT_USER' };
 */
export interface AdminListQuery {
  client?: string;
  pageSize?: number;
  paginationToken?: string;
  name?: string;
  email?: string;
  role?: UserRole;
  enabled?: boolean;
}

/**
 * A page as the API returns it (dates as ISO strings).
 *
 * @example
 * const page: AdminUserPage = await admin.listUsers({ client: 'acme' });
 */
export interface AdminUserPage {
  users: (Omit<CognitoUser, 'createdAt'> & { createdAt?: string })[];
  nextPaginationToken?: string;
  hasMore: boolean;
  totalCount?: number;
}

/**
 * The client's calls.
 *
 * @example
 * const { id } = await admin.createUser({ email: 'ann@acme.test', name: 'Ann', role: 'CLIENT_USER', client: 'acme' });
 */
export interface UserAdminClient {
  createUser(input: CreateUserInput): Promise<{ id: string }>;
  updateUser(
    id: string,
    change: { clientsToAdd?: string[]; clientsToRemove?: string[]; role?: UserRole; enabled?: boolean },
  ): Promise<Omit<CognitoUser, 'createdAt'> & { createdAt?: string }>;
  listUsers(query?: AdminListQuery): Promise<AdminUserPage>;
}

/**
 * A typed client of the user-administration API.
 *
 * @example
 * const admin = userAdminClient({ baseUrl: 'https://api.example.com', tokens });
 * const page = await admin.listUsers({ client: 'acme', pageSize: 20 });
 */
export function userAdminClient(options: UserAdminClientOptions): UserAdminClient {
  if (!options || typeof options !== 'object')
    throw new ConfigurationError('userAdminClient(): options are required');
  for (const k of Object.keys(options))
    if (!['baseUrl', 'tokens', 'fetch'].includes(k))
      throw new ConfigurationError(`userAdminClient(): unknown option "${k}"`);
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new ConfigurationError('userAdminClient(): `baseUrl` must be an absolute URL');
  }
  const api = authFetch(options.tokens, { allowedOrigins: [base.origin], fetch: options.fetch });
  const prefix = base.href.replace(/\/$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await api(`${prefix}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      // Token-source and origin errors are already typed: keep them; a network failure becomes status 0.
      if (err instanceof Error && 'code' in err) throw err;
      throw new ApiRequestError('The admin API could not be reached', { status: 0 });
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text === '' ? undefined : JSON.parse(text);
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const e = (data ?? {}) as { code?: unknown; field?: unknown };
      const code = typeof e.code === 'string' ? e.code : undefined;
      const field = typeof e.field === 'string' ? e.field : undefined;
      throw new ApiRequestError(`The admin API answered ${res.status}${code ? ` ${code}` : ''}`, {
        status: res.status,
        code,
        field,
      });
    }
    return data as T;
  }

  return {
    createUser: (input) => call('POST', '/admin/users', input),
    updateUser: (id, change) => call('PATCH', `/admin/users/${encodeURIComponent(id)}`, change),
    listUsers(query = {}) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      return call('GET', `/admin/users${qs ? `?${qs}` : ''}`);
    },
  };
}
