/**
 * A principal's scopes, indexed once: a Set of the scope strings, cached in a WeakMap keyed by the
 * scopes array itself (the principal's, or one organization's), built lazily on first use and dropped
 * with the principal. Scope arrays are treated as immutable (the Principal declares them readonly).
 *
 * The grammar is canonical (one spelling per meaning: case-sensitive, no whitespace, no optional
 * parts), so a check does not scan or parse the scopes: it builds the few exact strings that could
 * grant the request (`users.keys:read`, `users.keys:*`, `users:**`, `users.keys:**`, `*:**`, …) and
 * looks each one up. That is O(depth) per check, whatever the number of scopes, and a malformed
 * scope can never equal one of those well-formed strings, so it never grants.
 */
import { type OrgRole, isName, isRole, parseResource } from './scope-grammar.ts';

const cache = new WeakMap<object, ReadonlySet<unknown>>();
const EMPTY: readonly string[] = Object.freeze([]);

/** Splits a space-delimited scope string (RFC 6749 §3.3: single spaces; empty tokens never grant). */
export function splitScopes(scopes: string): string[] {
  return scopes.split(' ');
}

/**
 * The cached set for a scopes array (built on first use), or a fresh one for a space-delimited string.
 * Anything else is treated as no scopes at all.
 */
export function scopeSetOf(scopes: readonly string[] | string | null | undefined): ReadonlySet<unknown> {
  if (typeof scopes === 'string') return new Set(splitScopes(scopes));
  const key = Array.isArray(scopes) ? scopes : EMPTY;
  let set = cache.get(key);
  if (set === undefined) {
    set = new Set(key);
    cache.set(key, set);
  }
  return set;
}

/**
 * The scope strings that grant `action` on the concrete resource `segments`, most specific first.
 * Role-named actions (`owner`, `admin`, `member`) are only granted by the explicit scope for that
 * exact resource, never by a wildcard. Callers validate `action` and `segments` first.
 */
export function grantingScopes(action: string, segments: readonly string[]): string[] {
  const resource = segments.join('.');
  const keys = [`${resource}:${action}`];
  if (isRole(action)) return keys;
  keys.push(`${resource}:*`);
  let prefix = '';
  for (const segment of segments) {
    prefix = prefix === '' ? segment : `${prefix}.${segment}`;
    keys.push(`${prefix}:**`);
  }
  if (segments.length === 1) keys.push(`*:${action}`, '*:*');
  keys.push('*:**');
  return keys;
}

/** True when the set holds any of `keys`. */
export function holdsAny(set: ReadonlySet<unknown>, keys: readonly string[]): boolean {
  for (const key of keys) if (set.has(key)) return true;
  return false;
}

/**
 * Whether `scopes` grant `action` on `resource` (`'users.keys'` or `['users', 'keys']`). Malformed
 * input (a wildcard or illegal character in the action or resource) is never granted.
 *
 * @example
 * hasAccess(principal.scopes, 'read', 'projects'); // true for projects:read, projects:*, *:read, …
 */
export function hasAccess(
  scopes: readonly string[] | string | null | undefined,
  action: string,
  resource: string | readonly string[],
): boolean {
  if (!isName(action)) return false;
  const segments = typeof resource === 'string' ? parseResource(resource) : checkSegments(resource);
  if (segments === null) return false;
  return holdsAny(scopeSetOf(scopes), grantingScopes(action, segments));
}

function checkSegments(resource: unknown): readonly string[] | null {
  if (!Array.isArray(resource) || resource.length === 0) return null;
  for (const segment of resource) if (!isName(segment)) return null;
  return resource;
}

/**
 * Whether `scopes` hold the role scope `role` (exactly; no wildcard grants a role).
 *
 * @example
 * hasRole(org.scopes, 'admin');
 */
export function hasRole(scopes: readonly string[] | string | null | undefined, role: OrgRole): boolean {
  return isRole(role) && scopeSetOf(scopes).has(role);
}
