/**
 * Hierarchical permissions (the AuthPI model) at the principal level and within one organization.
 * Principal checks read the token's own scopes; organization checks read that organization's scopes
 * only (`principal.organizations`, filled by the verifier from the `organizations` claim).
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Decision, Organization, Policy, PolicyContext, Principal } from '../types.ts';
import { ALLOW, deny } from './decision.ts';
import { type OrgRole, ROLES, isName, isRole, parseResource } from './scope-grammar.ts';
import { grantingScopes, holdsAny, scopeSetOf } from './scope-index.ts';

/**
 * An organization id, or a function reading it from the request context (route params).
 *
 * @example
 * const canRead = requireOrgPermission(orgParam('orgId') satisfies OrgIdSource, 'read', 'projects');
 */
export type OrgIdSource = string | ((context: PolicyContext | undefined) => string | null | undefined);

function checkActionResource(maker: string, action: unknown, resource: unknown): string[] {
  if (!isName(action)) {
    throw new ConfigurationError(
      `${maker}: action must be a name of letters, digits, "_" or "-" (no wildcard)`,
    );
  }
  const segments = parseResource(resource);
  if (segments === null) {
    throw new ConfigurationError(
      `${maker}: resource must be a dotted path of names such as "users.keys" (no wildcard)`,
    );
  }
  return segments;
}

function orgResolver(
  maker: string,
  source: unknown,
): (context: PolicyContext | undefined) => string | undefined {
  if (typeof source === 'string') {
    if (source.length === 0)
      throw new ConfigurationError(`${maker}: orgId must be a non-empty string or a function`);
    return () => source;
  }
  if (typeof source !== 'function')
    throw new ConfigurationError(`${maker}: orgId must be a non-empty string or a function`);
  return (context) => {
    // A resolver that throws or returns nothing names no organization: the check denies.
    try {
      const id = source(context);
      return typeof id === 'string' && id.length > 0 ? id : undefined;
    } catch {
      return undefined;
    }
  };
}

const orgCache = new WeakMap<object, Map<string, Organization>>();

/** The principal's organizations by id, built once per organizations array (the first entry wins). */
export function findOrganization(principal: Principal | undefined, id: string): Organization | undefined {
  const orgs = principal?.organizations;
  if (!Array.isArray(orgs)) return undefined;
  let byId = orgCache.get(orgs);
  if (byId === undefined) {
    byId = new Map();
    for (const org of orgs as readonly Organization[]) {
      if (typeof org === 'object' && org !== null && typeof org.id === 'string' && !byId.has(org.id)) {
        byId.set(org.id, org);
      }
    }
    orgCache.set(orgs, byId);
  }
  return byId.get(id);
}

/**
 * `(ctx) => ctx.params[name]`: the organization id from a route parameter (default `orgId`).
 *
 * @example
 * const canRead = requireOrgPermission(orgParam('orgId'), 'read', 'projects'); // org id from the route
 */
export function orgParam(name = 'orgId'): (context: PolicyContext | undefined) => string | undefined {
  if (typeof name !== 'string' || name.length === 0)
    throw new ConfigurationError('orgParam: name must be a non-empty string');
  return function orgIdFromParams(context) {
    const params = context?.params;
    if (typeof params !== 'object' || params === null || !Object.hasOwn(params, name)) return undefined;
    return params[name];
  };
}

/**
 * Allows when the token's own scopes grant `action` on `resource`:
 * `requirePermission('read', 'projects')` is granted by `projects:read`, `projects:*`, `projects:**`,
 * `*:read`, `*:*` or `*:**`. A denial names the exact scope (`scope="projects:read"`).
 *
 * @example
 * const canRead = requirePermission('read', 'projects'); // granted by projects:read, projects:*, …
 */
export function requirePermission(action: string, resource: string): Policy {
  const keys = grantingScopes(action, checkActionResource('requirePermission', action, resource));
  const denial = deny('ERR_AUTH_INSUFFICIENT_SCOPE', 'Insufficient scope', {
    requiredScopes: [`${resource}:${action}`],
  });
  return function requirePermissionPolicy(principal: Principal): Decision {
    return holdsAny(scopeSetOf(principal?.scopes), keys) ? ALLOW : denial;
  };
}

const MISSING_ORG_PERMISSION = deny(
  'ERR_AUTH_MISSING_ORG_PERMISSION',
  'Missing required organization permission',
);
const MISSING_ORG_ROLE = deny('ERR_AUTH_MISSING_ORG_ROLE', 'Missing required organization role');

/**
 * Allows when the organization's own scopes grant `action` on `resource`:
 * `requireOrgPermission(orgParam('orgId'), 'read', 'projects')`.
 *
 * @example
 * const canRead = requireOrgPermission(orgParam('orgId'), 'read', 'projects');
 */
export function requireOrgPermission(orgId: OrgIdSource, action: string, resource: string): Policy {
  const resolve = orgResolver('requireOrgPermission', orgId);
  const keys = grantingScopes(action, checkActionResource('requireOrgPermission', action, resource));
  return function requireOrgPermissionPolicy(principal: Principal, context?: PolicyContext): Decision {
    const id = resolve(context);
    const org = id === undefined ? undefined : findOrganization(principal, id);
    if (org === undefined) return MISSING_ORG_PERMISSION;
    return holdsAny(scopeSetOf(org.scopes), keys) ? ALLOW : MISSING_ORG_PERMISSION;
  };
}

/**
 * Allows when the principal holds `role` in the organization (any of them, given an array).
 * `owner` and `admin` need that exact role scope in the organization's scopes (no wildcard grants a
 * role, and one role does not imply another); membership of any kind satisfies `member`.
 *
 * @example
 * const orgAdmins = requireOrgRole(['owner', 'admin'], orgParam('orgId'));
 */
export function requireOrgRole(role: OrgRole | readonly OrgRole[], orgId: OrgIdSource): Policy {
  const roles = Array.isArray(role) ? [...role] : [role];
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new ConfigurationError(
      `requireOrgRole: role must be one of ${ROLES.join(', ')} (or an array of them)`,
    );
  }
  const resolve = orgResolver('requireOrgRole', orgId);
  const anyMember = roles.includes('member');
  return function requireOrgRolePolicy(principal: Principal, context?: PolicyContext): Decision {
    const id = resolve(context);
    const org = id === undefined ? undefined : findOrganization(principal, id);
    if (org === undefined) return MISSING_ORG_ROLE;
    if (anyMember) return ALLOW;
    const held = scopeSetOf(org.scopes);
    for (const r of roles) if (held.has(r)) return ALLOW;
    return MISSING_ORG_ROLE;
  };
}
