/**
 * Route metadata. Each decorator is made with `Reflector.createDecorator` and read by the guards with
 * `getAllAndOverride([handler, class])`: a route's decorator overrides its controller's, per kind.
 * Requirement decorators build core's policy once, when the class is defined, not per request.
 */
import {
  assertKnownKeys,
  orgParam,
  requireAnyScope,
  requireGroups,
  requireOrgPermission,
  requirePermission,
  requireScopes,
  type Policy,
} from '@auth/core';
import type { CustomDecorator, InjectionToken } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** How the AuthGuard treats a route. */
export type AuthMode = 'public' | 'optional';

/** @internal read by the guards */
export const AuthModeMetadata = Reflector.createDecorator<AuthMode>({ key: '@auth/nest:mode' });

/** No authentication and no requirement checks on this route or controller (for an `APP_GUARD` setup). */
export const Public = (): CustomDecorator => AuthModeMetadata('public');

/** No credentials at all is fine (`@Principal()` is undefined); bad credentials still fail with 401/400. */
export const OptionalAuth = (): CustomDecorator => AuthModeMetadata('optional');

/** @internal read by the guards */
export const AuthenticatorMetadata = Reflector.createDecorator<InjectionToken>({
  key: '@auth/nest:authenticator',
});

/**
 * Authenticate this route or controller with another provider's Authenticator (e.g. core's
 * `oneOfAuthenticators(bearer, apiKeys)` for a service endpoint) instead of the module's.
 */
export const AuthenticateWith = (token: InjectionToken): CustomDecorator => {
  if (token === undefined || token === null) throw new TypeError('AuthenticateWith: token is required');
  return AuthenticatorMetadata(token);
};

const requirement = (kind: string) => Reflector.createDecorator<Policy>({ key: `@auth/nest:${kind}` });

/** @internal one metadata key per kind, so route and controller decorators of different kinds combine */
export const requirementKinds = {
  scopes: requirement('scopes'),
  anyScope: requirement('any-scope'),
  groups: requirement('groups'),
  permission: requirement('permission'),
  orgPermission: requirement('org-permission'),
  authorize: requirement('authorize'),
} as const;

/** Every listed scope is required (403 `insufficient_scope` naming them). */
export const Scopes = (...scopes: string[]): CustomDecorator =>
  requirementKinds.scopes(requireScopes(...scopes));

/** At least one of the listed scopes is required. */
export const AnyScope = (...scopes: string[]): CustomDecorator =>
  requirementKinds.anyScope(requireAnyScope(...scopes));

/** Every listed group is required. */
export const Groups = (...groups: string[]): CustomDecorator =>
  requirementKinds.groups(requireGroups(...groups));

/** A hierarchical permission: `action` on `resource` (core's `requirePermission`). */
export const Permission = (action: string, resource: string): CustomDecorator =>
  requirementKinds.permission(requirePermission(action, resource));

export interface OrgPermissionOptions {
  /** Route parameter holding the organization id; default `orgId`. */
  param?: string;
}

const ORG_PERMISSION_KEYS = Object.keys({ param: true } satisfies Record<keyof OrgPermissionOptions, true>);

/** `action` on `resource` within the organization named by a route parameter (`:orgId` by default). */
export const OrgPermission = (
  action: string,
  resource: string,
  options: OrgPermissionOptions = {},
): CustomDecorator => {
  // A misspelt `param` would silently check the default `:orgId` instead.
  assertKnownKeys(options, ORG_PERMISSION_KEYS, '@OrgPermission');
  return requirementKinds.orgPermission(
    requireOrgPermission(orgParam(options.param ?? 'orgId'), action, resource),
  );
};

/** Any core policy (`allOf`, `anyOf`, `requireClaim`, `remotePolicy(fn)`, …). */
export const Authorize = (policy: Policy): CustomDecorator => {
  if (typeof policy !== 'function') throw new TypeError('Authorize: policy must be a core Policy function');
  return requirementKinds.authorize(policy);
};
