/**
 * Core's policy makers in one table, so an adapter turns all of them into its own idiom (middleware,
 * hooks) with one mapping instead of re-listing them.
 */
import { requireClaim } from '../authorize/claims.ts';
import { requireAnyGroup, requireGroups } from '../authorize/groups.ts';
import {
  orgParam,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
} from '../authorize/permissions.ts';
import { requireAnyScope, requireScopes } from '../authorize/scopes.ts';
import { requireAcr, requireAuthTime, requireDpopBound } from '../authorize/step-up.ts';
import type { Policy } from '../types.ts';

/** The requirement makers every adapter offers under the same names. */
export const POLICY_MAKERS = Object.freeze({
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
  orgParam,
});

type Makers = Omit<typeof POLICY_MAKERS, 'orgParam'>;

/** Each policy maker turned into something else (a middleware maker, a hook maker), same arguments. */
export type BoundPolicyMakers<R> = {
  readonly [K in keyof Makers]: (...args: Parameters<Makers[K]>) => R;
};

/**
 * Turns every policy maker into an adapter's maker with one function: `bind(policy, name)` makes the
 * middleware or hook for one policy.
 *
 * @example
 * ```ts
 * export const { requireScopes, requireGroups } = bindPolicyMakers((policy, name) => authorizeMiddleware(policy, name));
 * ```
 */
export function bindPolicyMakers<R>(bind: (policy: Policy, name: string) => R): BoundPolicyMakers<R> {
  const bound: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(POLICY_MAKERS)) {
    if (name === 'orgParam') continue;
    bound[name] = (...args: unknown[]) => bind((make as (...a: unknown[]) => Policy)(...args), name);
  }
  return Object.freeze(bound) as BoundPolicyMakers<R>;
}
