/**
 * One route-requirement compiler for every adapter: Fastify's `config.auth`, Nest's decorators and the
 * Express / Hono middleware all describe a route with the same spec and get the same answer, including
 * the one rule for optional authentication next to a requirement.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { allOf } from '../authorize/combinators.ts';
import type { ClaimMatcher } from '../authorize/claims.ts';
import type { OrgRole } from '../authorize/scope-grammar.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import type { Policy } from '../types.ts';
import { POLICY_MAKERS } from './policy-makers.ts';

/** `required`: credentials needed; `optional`: none is fine, bad ones are not; `public`: not checked. */
export type AuthMode = 'required' | 'optional' | 'public';

/**
 * What a route needs, the same keys in every adapter. Requirement keys are named after core's policy
 * makers (`scopes` → `requireScopes`, `anyScope` → `requireAnyScope`, …) and take their arguments.
 *
 * @example
 * ```ts
 * const spec: RouteSpec = { scopes: ['read:items'], orgPermission: { action: 'read', resource: 'projects' } };
 * ```
 */
export interface RouteSpec {
  /** Not authenticated, not checked (also under a required default). Cannot carry requirements. */
  public?: boolean;
  /** No credentials → no principal; bad credentials → 401. With a requirement it is required (see README). */
  optional?: boolean;
  /** All of these scopes (403 `insufficient_scope` naming them). */
  scopes?: readonly string[];
  /** At least one of these scopes. */
  anyScope?: readonly string[];
  /** All of these groups. */
  groups?: readonly string[];
  /** At least one of these groups. */
  anyGroup?: readonly string[];
  /** A hierarchical permission: `action` on `resource`. */
  permission?: { action: string; resource: string };
  /** `action` on `resource` within the organization named by route parameter `param` (default `orgId`). */
  orgPermission?: { action: string; resource: string; param?: string };
  /** One of these organization roles within the organization named by route parameter `param`. */
  orgRole?: { role: OrgRole | readonly OrgRole[]; param?: string };
  /** A claim check (`requireClaim(path, matcher)`). */
  claim?: { path: string | readonly string[]; matcher?: ClaimMatcher };
  /** Step-up (RFC 9470): the token's `acr` must be one of these (401 `insufficient_user_authentication`). */
  acr?: readonly string[];
  /** Step-up (RFC 9470): the user authenticated at most `maxAge` seconds ago (`auth_time`). */
  authTime?: { maxAge: number };
  /** `true`: only a DPoP-bound token (RFC 9449); a plain bearer token gets 401 on the DPoP challenge. */
  dpop?: boolean;
  /** Any core policy, or several (all must allow). */
  policy?: Policy | readonly Policy[];
}

/** A compiled route: how to authenticate, and the one policy to apply after (or none). */
export interface RouteRequirement {
  readonly mode: AuthMode;
  readonly policy: Policy | undefined;
}

const SPEC_KEYS = [
  'public',
  'optional',
  'scopes',
  'anyScope',
  'groups',
  'anyGroup',
  'permission',
  'orgPermission',
  'orgRole',
  'claim',
  'acr',
  'authTime',
  'dpop',
  'policy',
] as const satisfies readonly (keyof RouteSpec)[];

/** Frozen answers for the common cases: every adapter shares them, nothing is built per route. */
export const REQUIRED: RouteRequirement = Object.freeze({ mode: 'required', policy: undefined });
export const OPTIONAL: RouteRequirement = Object.freeze({ mode: 'optional', policy: undefined });
export const PUBLIC: RouteRequirement = Object.freeze({ mode: 'public', policy: undefined });

function stringList(value: unknown, where: string, key: string): readonly string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ConfigurationError(`${where}.${key} must be an array of strings`);
  }
  return value as readonly string[];
}

function record(
  value: unknown,
  where: string,
  key: string,
  keys: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`${where}.${key} must be an object`);
  }
  assertKnownKeys(value, keys, `${where}.${key}`);
  return ownValues(value, keys);
}

/**
 * The spec's own values of `keys`, each read once, in an object without a prototype: an inherited key
 * (a polluted Object.prototype) is not part of the spec, and a getter cannot answer twice differently.
 */
function ownValues(value: object, keys: readonly string[]): Record<string, unknown> {
  const values: Record<string, unknown> = Object.create(null);
  for (const key of keys)
    if (Object.hasOwn(value, key)) values[key] = (value as Record<string, unknown>)[key];
  return values;
}

function flag(value: unknown, where: string, key: string): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ConfigurationError(`${where}.${key} must be a boolean`);
  return value === true;
}

/** The policies a spec asks for, in a fixed order (scopes, groups, permissions, claim, custom). */
function policiesOf(spec: RouteSpec, where: string): Policy[] {
  const policies: Policy[] = [];
  const m = POLICY_MAKERS;
  if (spec.scopes !== undefined) policies.push(m.requireScopes(...stringList(spec.scopes, where, 'scopes')));
  if (spec.anyScope !== undefined)
    policies.push(m.requireAnyScope(...stringList(spec.anyScope, where, 'anyScope')));
  if (spec.groups !== undefined) policies.push(m.requireGroups(...stringList(spec.groups, where, 'groups')));
  if (spec.anyGroup !== undefined)
    policies.push(m.requireAnyGroup(...stringList(spec.anyGroup, where, 'anyGroup')));
  if (spec.permission !== undefined) {
    const p = record(spec.permission, where, 'permission', ['action', 'resource']);
    policies.push(m.requirePermission(p.action as string, p.resource as string));
  }
  if (spec.orgPermission !== undefined) {
    const p = record(spec.orgPermission, where, 'orgPermission', ['action', 'resource', 'param']);
    policies.push(m.requireOrgPermission(orgId(p.param, where), p.action as string, p.resource as string));
  }
  if (spec.orgRole !== undefined) {
    const p = record(spec.orgRole, where, 'orgRole', ['role', 'param']);
    policies.push(m.requireOrgRole(p.role as OrgRole, orgId(p.param, where)));
  }
  if (spec.claim !== undefined) {
    const p = record(spec.claim, where, 'claim', ['path', 'matcher']);
    policies.push(m.requireClaim(p.path as string, p.matcher as ClaimMatcher | undefined));
  }
  if (flag(spec.dpop, where, 'dpop')) policies.push(m.requireDpopBound());
  if (spec.acr !== undefined) policies.push(m.requireAcr(stringList(spec.acr, where, 'acr')));
  if (spec.authTime !== undefined) {
    const p = record(spec.authTime, where, 'authTime', ['maxAge']);
    policies.push(m.requireAuthTime({ maxAge: p.maxAge as number }));
  }
  if (spec.policy !== undefined) {
    const extra = Array.isArray(spec.policy) ? spec.policy : [spec.policy];
    for (const p of extra) {
      if (typeof p !== 'function') throw new ConfigurationError(`${where}.policy must be a policy function`);
      policies.push(p);
    }
  }
  return policies;
}

function orgId(
  param: unknown,
  where: string,
): (context: { params?: Record<string, string | undefined> } | undefined) => string | undefined {
  if (param !== undefined && (typeof param !== 'string' || param.length === 0)) {
    throw new ConfigurationError(`${where}: param must be a non-empty string`);
  }
  return POLICY_MAKERS.orgParam(param ?? 'orgId');
}

/**
 * Compiles a route's spec once, at declaration: `undefined` → the adapter's default mode, `true` →
 * required, `false` → public, an object → its mode and one policy (`allOf` the requirements). Unknown
 * keys and wrong types throw a TypeError naming `where`; so does `public` with a requirement.
 *
 * The one rule for optional authentication next to a requirement: a requirement needs a principal, so
 * the route is required (no credentials → 401, never a handler run without a principal).
 *
 * @example
 * ```ts
 * compileRouteRequirement({ scopes: ['read:items'] }, { where: 'config.auth of GET /items' });
 * // { mode: 'required', policy: requireScopes('read:items') }
 * compileRouteRequirement({ optional: true, scopes: ['read:items'] }, { where: 'GET /feed' }).mode; // 'required'
 * ```
 */
export function compileRouteRequirement(
  spec: boolean | RouteSpec | undefined | null,
  options: { where: string; defaultMode?: AuthMode },
): RouteRequirement {
  const { where, defaultMode = 'required' } = options;
  if (spec === undefined || spec === null) {
    return defaultMode === 'public' ? PUBLIC : defaultMode === 'optional' ? OPTIONAL : REQUIRED;
  }
  if (spec === true) return REQUIRED;
  if (spec === false) return PUBLIC;
  if (typeof spec !== 'object' || Array.isArray(spec))
    throw new ConfigurationError(`${where} must be a boolean or an object`);
  // A misspelt key (`scope` for `scopes`) would drop the check it meant to add: refuse the route.
  assertKnownKeys(spec, SPEC_KEYS, where);
  spec = ownValues(spec, SPEC_KEYS) as RouteSpec;
  const isPublic = flag(spec.public, where, 'public');
  const optional = flag(spec.optional, where, 'optional');
  const policies = policiesOf(spec, where);
  if (isPublic) {
    if (policies.length > 0 || optional) {
      throw new ConfigurationError(`${where}: a public route cannot also be optional or carry requirements`);
    }
    return PUBLIC;
  }
  if (policies.length === 0) return optional ? OPTIONAL : REQUIRED;
  const policy = policies.length === 1 ? policies[0] : allOf(...policies);
  return Object.freeze({ mode: 'required', policy });
}
