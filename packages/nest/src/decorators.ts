/**
 * Route metadata. Each decorator is made with `Reflector.createDecorator` and stores one fragment of
 * core's `RouteSpec` (its own kind); the guards merge handler over class per kind into one spec and
 * compile it with core's `compileRouteRequirement`, once per route. A decorator checks its arguments
 * when the class is defined.
 */
import { ConfigurationError } from '@auth/core';
import type { ClaimMatcher, OrgRole as RoleName, Policy } from '@auth/core';
import { assertKnownKeys, compileRouteRequirement, type RouteSpec } from '@auth/core/internal';
import type { CustomDecorator, InjectionToken } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** How the guards treat a route besides its requirements (default: required). */
export type AuthMode = 'public' | 'optional';

/** @internal read by the guards */
export const AuthModeMetadata = Reflector.createDecorator<AuthMode>({ key: '@auth/nest:mode' });

/**
 * No authentication and no requirement checks on this route or controller (for an `APP_GUARD` setup).
 * On a route it also opts out of its controller's requirements; with a requirement of its own (or on a
 * controller with requirements) it is a declaration error (TypeError at bootstrap).
 *
 * @example
 * ```ts
 * @Get('health') @Public() health() { return { ok: true }; }
 * ```
 */
export const Public = (): CustomDecorator => AuthModeMetadata('public');

/**
 * No credentials at all is fine (`@Principal()` is undefined); bad credentials still fail with 401/400.
 * With a requirement (`@Scopes`, …) the route is required: no credentials is a 401.
 *
 * @example
 * ```ts
 * @Get('feed') @OptionalAuth() feed(@Principal() user: Principal | undefined) {}
 * ```
 */
export const OptionalAuth = (): CustomDecorator => AuthModeMetadata('optional');

/** @internal read by the guards */
export const AuthenticatorMetadata = Reflector.createDecorator<InjectionToken>({
  key: '@auth/nest:authenticator',
});

/**
 * Authenticate this route or controller with another provider's Authenticator (e.g. core's
 * `oneOfAuthenticators(bearer, apiKeys)` for a service endpoint) instead of the module's.
 *
 * @example
 * ```ts
 * @Get('service') @AuthenticateWith(SERVICE_AUTH) service() {}
 * ```
 */
export const AuthenticateWith = (token: InjectionToken): CustomDecorator => {
  if (token === undefined || token === null)
    throw new ConfigurationError('AuthenticateWith: token is required');
  return AuthenticatorMetadata(token);
};

type Requirement = Exclude<keyof RouteSpec, 'public' | 'optional'>;

const kind = <K extends Requirement>(key: K) =>
  Reflector.createDecorator<NonNullable<RouteSpec[K]>>({ key: `@auth/nest:${key}` });

/** @internal one metadata key per RouteSpec requirement, so decorators of different kinds combine */
export const requirementKinds = {
  scopes: kind('scopes'),
  anyScope: kind('anyScope'),
  groups: kind('groups'),
  anyGroup: kind('anyGroup'),
  permission: kind('permission'),
  orgPermission: kind('orgPermission'),
  orgRole: kind('orgRole'),
  claim: kind('claim'),
  acr: kind('acr'),
  authTime: kind('authTime'),
  dpop: kind('dpop'),
  policy: kind('policy'),
} as const;

// Compiled once when the class is defined, so a bad argument fails there, not at the first request.
function fragment<K extends Requirement>(key: K, value: NonNullable<RouteSpec[K]>, name: string) {
  compileRouteRequirement({ [key]: value }, { where: name });
  return (requirementKinds[key] as (value: NonNullable<RouteSpec[K]>) => CustomDecorator)(value);
}

/**
 * Every listed scope is required (403 `insufficient_scope` naming them).
 *
 * @example
 * ```ts
 * @Get('items') @Scopes('read:items') items() {}
 * ```
 */
export const Scopes = (...scopes: string[]): CustomDecorator => fragment('scopes', scopes, '@Scopes');

/**
 * At least one of the listed scopes is required.
 *
 * @example
 * ```ts
 * @AnyScope('read:items', 'admin:items')
 * ```
 */
export const AnyScope = (...scopes: string[]): CustomDecorator => fragment('anyScope', scopes, '@AnyScope');

/**
 * Every listed group is required.
 *
 * @example
 * ```ts
 * @Groups('admin')
 * ```
 */
export const Groups = (...groups: string[]): CustomDecorator => fragment('groups', groups, '@Groups');

/**
 * At least one of the listed groups is required.
 *
 * @example
 * ```ts
 * @AnyGroup('admin', 'support')
 * ```
 */
export const AnyGroup = (...groups: string[]): CustomDecorator => fragment('anyGroup', groups, '@AnyGroup');

/**
 * A hierarchical permission: `action` on `resource` (core's `requirePermission`).
 *
 * @example
 * ```ts
 * @Permission('read', 'projects') // projects:read, projects:*, *:** …
 * ```
 */
export const Permission = (action: string, resource: string): CustomDecorator =>
  fragment('permission', { action, resource }, '@Permission');

export interface OrgPermissionOptions {
  /** Route parameter holding the organization id; default `orgId`. */
  param?: string;
}

const OPTION_KEYS = Object.keys({ param: true } satisfies Record<keyof OrgPermissionOptions, true>);

// A misspelt `param` would silently check the default `:orgId` instead.
function orgOptions(options: unknown, where: string): OrgPermissionOptions {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(`${where}: options must be an object`);
  assertKnownKeys(options, OPTION_KEYS, where);
  return options as OrgPermissionOptions;
}

/**
 * `action` on `resource` within the organization named by a route parameter (`:orgId` by default).
 *
 * @example
 * ```ts
 * @Get('orgs/:org/projects') @OrgPermission('read', 'projects', { param: 'org' }) projects() {}
 * ```
 */
export const OrgPermission = (
  action: string,
  resource: string,
  options: OrgPermissionOptions = {},
): CustomDecorator => {
  const { param } = orgOptions(options, '@OrgPermission');
  return fragment(
    'orgPermission',
    { action, resource, ...(param === undefined ? {} : { param }) },
    '@OrgPermission',
  );
};

/**
 * One of these organization roles (`owner`, `admin`, `member`) within the organization named by a
 * route parameter (`:orgId` by default).
 *
 * @example
 * ```ts
 * @Delete('orgs/:orgId') @OrgRole('owner') remove() {}
 * ```
 */
export const OrgRole = (
  role: RoleName | readonly RoleName[],
  options: OrgPermissionOptions = {},
): CustomDecorator => {
  const { param } = orgOptions(options, '@OrgRole');
  return fragment('orgRole', { role, ...(param === undefined ? {} : { param }) }, '@OrgRole');
};

/**
 * A claim check (core's `requireClaim(path, matcher)`; without a matcher the claim must be present).
 *
 * @example
 * ```ts
 * @Claim('tenant', { equals: 'acme' })
 * ```
 */
export const Claim = (path: string | readonly string[], matcher?: ClaimMatcher): CustomDecorator =>
  fragment('claim', matcher === undefined ? { path } : { path, matcher }, '@Claim');

/**
 * Step-up (RFC 9470): the token's `acr` must be one of these; otherwise 401
 * `insufficient_user_authentication` with `acr_values`.
 *
 * @example
 * ```ts
 * @Get('payments') @Acr('urn:demo:mfa') payments() {}
 * ```
 */
export const Acr = (...values: string[]): CustomDecorator => fragment('acr', values, '@Acr');

/**
 * Step-up (RFC 9470): the user authenticated at most `maxAge` seconds ago (`auth_time`); otherwise
 * 401 `insufficient_user_authentication` with `max_age`.
 *
 * @example
 * ```ts
 * @Post('transfer') @AuthTime({ maxAge: 300 }) transfer() {}
 * ```
 */
export const AuthTime = (options: { maxAge: number }): CustomDecorator =>
  fragment('authTime', options, '@AuthTime');

/**
 * Only a DPoP-bound token (RFC 9449); a plain bearer token gets 401 on the DPoP challenge.
 *
 * @example
 * ```ts
 * @Get('payments') @DpopBound() payments() {}
 * ```
 */
export const DpopBound = (): CustomDecorator => fragment('dpop', true, '@DpopBound');

/**
 * Any core policy (`allOf`, `anyOf`, `requireClaim`, `remotePolicy(fn)`, …).
 *
 * @example
 * ```ts
 * @Authorize(anyOf(requireScopes('admin'), requireGroups('support')))
 * ```
 */
export const Authorize = (policy: Policy): CustomDecorator => {
  if (typeof policy !== 'function')
    throw new ConfigurationError('Authorize: policy must be a core Policy function');
  return requirementKinds.policy(policy);
};
