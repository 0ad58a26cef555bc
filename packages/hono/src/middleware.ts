import { ConfigurationError } from '@auth/core';
import {
  type AuthOutcome,
  type AuthLoggingOptions,
  type AuthSource as CoreAuthSource,
  type AuthStartupOptions,
  type BoundPolicyMakers,
  bindPolicyMakers,
  OPTIONAL,
  REQUIRED,
  type RouteRequirement,
} from '@auth/core/internal';
import { type Authenticator, isAuthError, type Policy } from '@auth/core';
import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { authorizeContext, bind, needsFormBody, readFormBody, rememberBinding } from './binding.ts';
import type { AuthEnv, OptionalAuthEnv } from './env.ts';
import { toHTTPException } from './exception.ts';

/**
 * What the middleware authenticates with (core's options, a Verifier, an Authenticator, or
 * `{ authenticator }`), plus where its events are logged (`logger`, `logLevel`) and when its keys are
 * fetched (`startup`, `startupRetryMs`).
 *
 * @example
 * ```ts
 * const source: AuthSource = { issuers: [{ issuer, audience: 'api://orders' }], logger: pino(), startup: 'fail' };
 * ```
 */
export type AuthSource = CoreAuthSource & AuthLoggingOptions & AuthStartupOptions;

/**
 * What `requireAuth` / `optionalAuth` return besides the middleware: the authenticator it uses (to
 * `close()` it on shutdown, or for `readinessHandler`) and `ready()`: with `startup: 'fail'`, await it
 * before serving (it rejects with a `StartupError` when the keys cannot be fetched); with `'warn'` or
 * `'lazy'` it resolves at once.
 *
 * @example
 * ```ts
 * const auth = requireAuth({ issuers, startup: 'fail' });
 * await auth.ready(); // before serve({ fetch: app.fetch })
 * ```
 */
export interface AuthControl {
  readonly authenticator: Authenticator;
  ready(): Promise<void>;
}

function authMiddleware(source: AuthSource | undefined, route: RouteRequirement, name: string) {
  const { binding, startup } = bind(source, `@auth/hono ${name}()`);
  const { readsBody } = binding;
  const control: AuthControl = { authenticator: binding.authenticator, ready: () => startup.ready() };
  const handler = async (c: Context, next: () => Promise<void>) => {
    rememberBinding(c, binding);
    if (needsFormBody(c, readsBody)) await readFormBody(c);
    let outcome: AuthOutcome | Promise<AuthOutcome> = binding.run(c, route);
    if (outcome instanceof Promise) outcome = await outcome;
    if (isAuthError(outcome)) throw toHTTPException(outcome);
    // Optional and no credentials: no earlier middleware's principal stays behind.
    if (outcome !== undefined || c.get('auth') !== undefined) c.set('auth', outcome);
    await next();
  };
  return { handler, control };
}

/**
 * A valid token is required; `c.var.auth` is the principal afterwards. Without options it reads the
 * `AUTH_*` environment variables. Create it once and reuse it (it owns the key cache).
 *
 * @example
 * ```ts
 * app.use('/api/*', requireAuth({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] }));
 * app.get('/api/me', (c) => c.json({ sub: c.var.auth.subject }));
 * ```
 */
export function requireAuth(source?: AuthSource): MiddlewareHandler<AuthEnv> & AuthControl {
  const { handler, control } = authMiddleware(source, REQUIRED, 'requireAuth');
  return Object.assign(createMiddleware<AuthEnv>(handler), control);
}

/**
 * No credentials → continue with `c.var.auth` undefined; bad credentials → 401.
 *
 * @example
 * ```ts
 * app.get('/feed', optionalAuth(options), (c) => c.json({ signedIn: c.var.auth !== undefined }));
 * ```
 */
export function optionalAuth(source?: AuthSource): MiddlewareHandler<OptionalAuthEnv> & AuthControl {
  const { handler, control } = authMiddleware(source, OPTIONAL, 'optionalAuth');
  return Object.assign(createMiddleware<OptionalAuthEnv>(handler), control);
}

function authorizeMiddleware(policy: Policy): MiddlewareHandler<AuthEnv> {
  return createMiddleware<AuthEnv>(async (c, next) => {
    let outcome: AuthOutcome | Promise<AuthOutcome> = authorizeContext(c, policy);
    if (outcome instanceof Promise) outcome = await outcome;
    if (isAuthError(outcome)) throw toHTTPException(outcome);
    await next();
  });
}

/**
 * Any core policy as middleware, after `requireAuth()` (401 when no principal is present).
 *
 * @example
 * ```ts
 * app.delete('/items/:id', requireAuth(), authorize(anyOf(requireScopes('admin'), requireGroups('ops'))), remove);
 * ```
 */
export function authorize(policy: Policy): MiddlewareHandler<AuthEnv> {
  if (typeof policy !== 'function')
    throw new ConfigurationError('@auth/hono: authorize(policy) needs a policy');
  return authorizeMiddleware(policy);
}

/** The middleware an authorization maker returns. */
export interface AuthorizeMiddleware extends MiddlewareHandler<AuthEnv> {}

/**
 * Core's policy makers as middleware under the same names (`requireScopes('read:items')`, …), made by
 * one mapping. The org id of `requireOrgPermission` / `requireOrgRole` comes from `c.req.param()`.
 *
 * @example
 * ```ts
 * app.get('/items', requireAuth(), requireScopes('read:items'), (c) => c.json([]));
 * ```
 */
export const {
  requireScopes,
  requireAnyScope,
  requireGroups,
  requireAnyGroup,
  requirePermission,
  requireOrgPermission,
  requireOrgRole,
  requireClaim,
  requireAcr,
  requireAuthTime,
  requireDpopBound,
}: BoundPolicyMakers<AuthorizeMiddleware> = bindPolicyMakers((policy) => authorizeMiddleware(policy));
