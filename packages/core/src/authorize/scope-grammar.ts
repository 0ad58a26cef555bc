/**
 * The hierarchical scope grammar (the AuthPI model): `resource[.subresource]*:action`.
 *
 * - `users:read`      the action `read` on `users` only
 * - `users:*`         every action on `users`, not on `users.keys`
 * - `users:**`        every action on `users` and on all of its sub-resources
 * - `*:read`          `read` on every top-level resource
 * - `*:*`             every action on every top-level resource
 * - `*:**`            everything
 * - `owner` `admin` `member`   role scopes; only ever granted by the exact string, never by a wildcard
 *
 * A wildcard is only ever a whole resource (`*`) or a whole action (`*`, `**`). Anything else that
 * does not parse (`users.*:read`, `users:`, `a:b:c`, ` users:read`) is `null` and never grants.
 */

/**
 * A role in an organization: `owner`, `admin` or `member`.
 *
 * @example
 * const admins = requireOrgRole('admin' satisfies OrgRole, orgParam('orgId'));
 */
export type OrgRole = 'owner' | 'admin' | 'member';

/**
 * The organization roles, in order: `owner`, `admin`, `member`.
 *
 * @example
 * const isOrgRole = (value: string): value is OrgRole => (ROLES as readonly string[]).includes(value);
 */
export const ROLES: readonly OrgRole[] = Object.freeze(['owner', 'admin', 'member']);

/**
 * A role scope: `owner`, `admin` or `member`.
 *
 * @example
 * const parsed = parseScope('admin');
 * if (parsed?.kind === 'role') console.log(parsed.role); // 'admin'
 */
export interface RoleScope {
  readonly kind: 'role';
  readonly scope: string;
  readonly role: OrgRole;
}

/**
 * A permission scope: `<resource>:<action>`.
 *
 * @example
 * const parsed = parseScope('projects:read');
 * if (parsed?.kind === 'permission') console.log(parsed.resource, parsed.action);
 */
export interface PermissionScope {
  readonly kind: 'permission';
  readonly scope: string;
  /** Resource path segments; `['*']` for the top-level wildcard. */
  readonly resource: readonly string[];
  /** A concrete action, `*` (every action) or `**` (every action, sub-resources included). */
  readonly action: string;
}

/**
 * A scope in the grammar: a role or a permission.
 *
 * @example
 * const parsed: ParsedScope | null = parseScope('projects:read'); // { kind: 'permission', resource: ['projects'], action: 'read', … }
 */
export type ParsedScope = RoleScope | PermissionScope;

/** One resource segment or action name: letters, digits, `_` and `-`. */
const NAME = /^[A-Za-z0-9_-]+$/;

export function isRole(value: unknown): value is OrgRole {
  return value === 'owner' || value === 'admin' || value === 'member';
}

export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

/**
 * Parses one scope string; `null` when it is not in the grammar (and so never grants).
 *
 * @example
 * parseScope('projects:read'); // { kind: 'permission', resource: ['projects'], action: 'read', … }
 */
export function parseScope(s: string): ParsedScope | null {
  if (typeof s !== 'string' || s.length === 0) return null;
  if (isRole(s)) return Object.freeze({ kind: 'role', scope: s, role: s });
  const colon = s.indexOf(':');
  if (colon <= 0 || colon !== s.lastIndexOf(':')) return null;
  const resourcePart = s.slice(0, colon);
  const action = s.slice(colon + 1);
  if (action !== '*' && action !== '**' && !NAME.test(action)) return null;
  let resource: string[];
  if (resourcePart === '*') {
    resource = ['*'];
  } else {
    resource = resourcePart.split('.');
    for (const segment of resource) if (!NAME.test(segment)) return null;
  }
  return Object.freeze({ kind: 'permission', scope: s, resource: Object.freeze(resource), action });
}

/**
 * Splits a concrete resource (`users.keys`) into segments; `null` when it is not a concrete resource
 * (empty segment, wildcard, illegal character).
 */
export function parseResource(resource: unknown): string[] | null {
  if (typeof resource !== 'string' || resource.length === 0) return null;
  const segments = resource.split('.');
  for (const segment of segments) if (!NAME.test(segment)) return null;
  return segments;
}
