import {
  type Policy,
  type Principal,
  type RequestLike,
  assertAllowed,
  isBearerCredentials,
  MissingTokenError,
  OPTIONAL_AUTH,
  reportsMissingAsUndefined,
  requireAnyGroup as requireAnyGroup_,
  requireAnyScope as requireAnyScope_,
  requireClaim as requireClaim_,
  requireGroups as requireGroups_,
  requireOrgPermission as requireOrgPermission_,
  requireOrgRole as requireOrgRole_,
  requirePermission as requirePermission_,
  requireScopes as requireScopes_,
} from '@auth/core';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { type HonoAuthOptions, resolveAuthenticator } from './authenticator.ts';
import type { AuthEnv, OptionalAuthEnv } from './env.ts';
import { missingTokenException, toHTTPException } from './exception.ts';

// Realm of the authenticator that ran, so later authorization failures use the same challenge.
// Kept on the context under a private symbol rather than in `c.var` (the app's); a property write
// is cheaper per request than a WeakMap entry.
const REALM = Symbol('@auth/hono.realm');
type WithRealm = Context & { [REALM]?: string };

type NodeIncoming = {
  headers?: Record<string, string | string[] | undefined>;
  rawHeaders?: readonly string[];
};

function toRequestLike(c: Context, body: unknown): RequestLike {
  // On @hono/node-server the Node request is at c.env.incoming (duck-typed: no node import). Its parsed
  // headers spare building a Fetch `Headers` per request, and its rawHeaders reveal a repeated
  // Authorization header. Elsewhere the Fetch `Headers` joins repeats with ", ", which core also rejects.
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  const nodeHeaders = incoming?.headers;
  return {
    headers: typeof nodeHeaders === 'object' && nodeHeaders !== null ? nodeHeaders : c.req.raw.headers,
    rawHeaders: incoming?.rawHeaders,
    url: c.req.url,
    method: c.req.method,
    body,
  };
}

// What a form body may cost when only read to find a second token (RFC 6750 §2: a header token beside
// an `access_token` form parameter is a 400 even when body tokens are off).
const MAX_CHECKED_FORM_BYTES = 100 * 1024;

async function formBody(c: Context, readsBody: boolean): Promise<unknown> {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return undefined;
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return undefined;
  if (!readsBody) {
    // Body tokens off: read a form only beside a Bearer header, and only a small declared one.
    const authorization = c.req.header('authorization');
    if (authorization === undefined || !isBearerCredentials(authorization)) return undefined;
    const length = Number(c.req.header('content-length'));
    if (!Number.isInteger(length) || length > MAX_CHECKED_FORM_BYTES) return undefined;
  }
  try {
    return await c.req.parseBody(); // cached by Hono: the handler can read it again
  } catch {
    return undefined; // an unreadable form carries no token: the handler reports its own error
  }
}

function authMiddleware(options: HonoAuthOptions | undefined, optional: boolean) {
  const resolved = resolveAuthenticator(options);
  const { authenticator } = resolved;
  // Our authenticators report "no credentials" as undefined when asked optionally: a required route
  // then throws the pre-rendered missing-token exception without building a MissingTokenError.
  const quiet = !optional && reportsMissingAsUndefined(authenticator);
  const settings = optional || quiet ? OPTIONAL_AUTH : undefined;
  return async (c: Context, next: () => Promise<void>) => {
    (c as WithRealm)[REALM] = authenticator.realm;
    let principal: Principal | undefined;
    try {
      const body = await formBody(c, resolved.readsBody);
      principal = await authenticator.authenticate(toRequestLike(c, body), settings);
    } catch (cause) {
      throw toHTTPException(cause, authenticator.realm);
    }
    if (principal) c.set('auth', principal);
    // A custom authenticator may resolve undefined: a required route never runs without a principal.
    else if (!optional) throw missingTokenException(authenticator.realm);
    await next();
  };
}

/**
 * A valid token is required; `c.var.auth` is the principal afterwards. Without options it reads the
 * `AUTH_*` environment variables. Create it once and reuse it (it owns the key cache).
 */
export function requireAuth(options?: HonoAuthOptions): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(authMiddleware(options, false));
}

/** No credentials → continue with `c.var.auth` undefined; bad credentials → 401. */
export function optionalAuth(options?: HonoAuthOptions): MiddlewareHandler<OptionalAuthEnv> {
  return createMiddleware<OptionalAuthEnv>(authMiddleware(options, true));
}

/** Any core policy as middleware, after `requireAuth()` (401 when no principal is present). */
export function authorize(policy: Policy): MiddlewareHandler<AuthEnv> {
  if (typeof policy !== 'function') throw new TypeError('@auth/hono: authorize(policy) needs a policy');
  return createMiddleware<AuthEnv>(async (c, next) => {
    const realm = (c as WithRealm)[REALM];
    try {
      const principal = c.get('auth');
      if (!principal) throw new MissingTokenError();
      await assertAllowed(policy, principal, {
        params: c.req.param() as Record<string, string | undefined>,
        method: c.req.method,
        path: c.req.path,
      });
    } catch (cause) {
      throw toHTTPException(cause, realm);
    }
    await next();
  });
}

// One small wrapper turns each core policy maker into a middleware maker under the same name.
const middlewareOf =
  <A extends unknown[]>(make: (...args: A) => Policy) =>
  (...args: A): MiddlewareHandler<AuthEnv> =>
    authorize(make(...args));

export const requireScopes = middlewareOf(requireScopes_);
export const requireAnyScope = middlewareOf(requireAnyScope_);
export const requireGroups = middlewareOf(requireGroups_);
export const requireAnyGroup = middlewareOf(requireAnyGroup_);
export const requirePermission = middlewareOf(requirePermission_);
/** The org id comes from the route parameters (`c.req.param()`), as core's policy reads them. */
export const requireOrgPermission = middlewareOf(requireOrgPermission_);
export const requireOrgRole = middlewareOf(requireOrgRole_);
export const requireClaim = middlewareOf(requireClaim_);
