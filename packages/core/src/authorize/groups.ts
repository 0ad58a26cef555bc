/** Groups: exact names from `principal.groups`; case-insensitive only when asked. */
import type { Decision, Policy, Principal } from '../types.ts';
import { type MatchOptions, isGroupName, namesAndOptions } from './args.ts';
import { ALLOW, deny } from './decision.ts';

interface GroupSets {
  exact: Set<string>;
  lower: Set<string> | undefined;
}

const cache = new WeakMap<object, GroupSets>();
const EMPTY: readonly string[] = Object.freeze([]);

/** The principal's groups as sets, built once per groups array. */
function groupSets(groups: readonly string[] | undefined, caseInsensitive: boolean): Set<string> {
  const key = Array.isArray(groups) ? groups : EMPTY;
  let sets = cache.get(key);
  if (sets === undefined) {
    sets = { exact: new Set(key.filter((g) => typeof g === 'string')), lower: undefined };
    cache.set(key, sets);
  }
  if (!caseInsensitive) return sets.exact;
  sets.lower ??= new Set([...sets.exact].map((g) => g.toLowerCase()));
  return sets.lower;
}

type GroupArgs = (string | readonly string[] | MatchOptions)[];

function prepare(maker: string, args: GroupArgs) {
  const { names, options } = namesAndOptions(maker, 'group', args, isGroupName, true);
  const ci = options.caseInsensitive === true;
  return { names: ci ? names.map((n) => n.toLowerCase()) : names, ci };
}

const MISSING_GROUP = deny('ERR_AUTH_MISSING_GROUP', 'Missing required group');

/**
 * Allows when the principal is in every one of `groups`.
 * `requireGroups('admin')`, `requireGroups('admin', 'ops', { caseInsensitive: true })`.
 *
 * @example
 * const admins = requireGroups('admins');
 */
export function requireGroups(...groups: GroupArgs): Policy {
  const { names, ci } = prepare('requireGroups', groups);
  return function requireGroupsPolicy(principal: Principal): Decision {
    const held = groupSets(principal?.groups, ci);
    for (const name of names) if (!held.has(name)) return MISSING_GROUP;
    return ALLOW;
  };
}

/**
 * Allows when the principal is in at least one of `groups` (options as for `requireGroups`).
 *
 * @example
 * const staff = requireAnyGroup('admins', 'support');
 */
export function requireAnyGroup(...groups: GroupArgs): Policy {
  const { names, ci } = prepare('requireAnyGroup', groups);
  return function requireAnyGroupPolicy(principal: Principal): Decision {
    const held = groupSets(principal?.groups, ci);
    for (const name of names) if (held.has(name)) return ALLOW;
    return MISSING_GROUP;
  };
}
