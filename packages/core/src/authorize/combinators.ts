/**
 * `allOf`, `anyOf`, `not`. They stay synchronous while every policy is, and fail closed: a policy that
 * throws counts as a 503 denial, and `not` never turns a failed decision point (503) or a malformed
 * answer (a boolean, undefined, a denial without a code) into an allow: only a well-formed denial inverts.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthErrorCode } from '../errors.ts';
import { isAuthError } from '../errors.ts';
import type { Decision, Policy, PolicyContext, Principal } from '../types.ts';
import { ALLOW, type Denial, POLICY_UNAVAILABLE, deny, isUnknown, normalizeDecision } from './decision.ts';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

function failed(error: unknown): Decision {
  if (isAuthError(error)) throw error;
  return POLICY_UNAVAILABLE;
}

/** Runs one policy, normalizing its result and turning a throw into a 503 denial. */
export function runPolicy(
  policy: Policy,
  principal: Principal,
  context: PolicyContext | undefined,
): Decision | Promise<Decision> {
  try {
    const result = policy(principal, context);
    if (isThenable(result)) return Promise.resolve(result).then(normalizeDecision, failed);
    return normalizeDecision(result);
  } catch (error) {
    return failed(error);
  }
}

function checkPolicies(maker: string, policies: readonly unknown[]): readonly Policy[] {
  if (policies.length === 0) throw new ConfigurationError(`${maker}: at least one policy is required`);
  for (const p of policies) {
    if (typeof p !== 'function') throw new ConfigurationError(`${maker}: every policy must be a function`);
  }
  return [...(policies as Policy[])];
}

/**
 * Allows when every policy allows; returns the first denial (later policies are not run).
 *
 * @example
 * const canEdit = allOf(requireScopes('write:items'), requireGroups('editors'));
 */
export function allOf(...policies: Policy[]): Policy {
  const list = checkPolicies('allOf', policies);
  const from = (i: number, principal: Principal, context?: PolicyContext): Decision | Promise<Decision> => {
    for (; i < list.length; i++) {
      const result = runPolicy(list[i]!, principal, context);
      if (result instanceof Promise) {
        const next = i + 1;
        return result.then((d) => (d.allowed === true ? from(next, principal, context) : d));
      }
      if (result.allowed !== true) return result;
    }
    return ALLOW;
  };
  return function allOfPolicy(principal, context) {
    return from(0, principal, context);
  };
}

/**
 * Allows when any policy allows (later policies are not run). When all deny: a 503 denial if a
 * decision point failed, else the malformed-answer denial if a policy answered garbage (either way the
 * answer is unknown, so `not` keeps it closed), otherwise the first denial.
 *
 * @example
 * const canRead = anyOf(requireScopes('read:items'), requireGroups('admins'));
 */
export function anyOf(...policies: Policy[]): Policy {
  const list = checkPolicies('anyOf', policies);
  const from = (
    i: number,
    principal: Principal,
    context: PolicyContext | undefined,
    first: Denial | undefined,
    unavailable: Denial | undefined,
    malformed: Denial | undefined,
  ): Decision | Promise<Decision> => {
    for (; i < list.length; i++) {
      const result = runPolicy(list[i]!, principal, context);
      if (result instanceof Promise) {
        const next = i + 1;
        return result.then((d) => {
          if (d.allowed === true) return ALLOW;
          const denial = d as Denial;
          const unknown = isUnknown(denial);
          return from(
            next,
            principal,
            context,
            first ?? denial,
            unavailable ?? (denial.status === 503 ? denial : undefined),
            malformed ?? (unknown && denial.status !== 503 ? denial : undefined),
          );
        });
      }
      if (result.allowed === true) return ALLOW;
      const denial = result as Denial;
      first ??= denial;
      if (denial.status === 503) unavailable ??= denial;
      else if (isUnknown(denial)) malformed ??= denial;
    }
    return unavailable ?? malformed ?? first ?? POLICY_UNAVAILABLE;
  };
  return function anyOfPolicy(principal, context) {
    return from(0, principal, context, undefined, undefined, undefined);
  };
}

const NOT_DENIAL = deny('ERR_AUTH_FORBIDDEN', 'Forbidden');

/**
 * Allows when `policy` denies with a well-formed 403 and denies when it allows. A 503 (failed decision
 * point) stays a 503 and a malformed answer (a boolean, undefined, a denial without a code) stays a
 * 403: negation never opens on failure. `denial` customizes the denial's code and reason.
 *
 * @example
 * const notSuspended = not(requireClaim('suspended', { equals: true }));
 * // A predicate is not a policy: not(() => user.banned) denies everyone; wrap it with remotePolicy().
 * const notBanned = not(remotePolicy((p) => isBanned(p.subject)));
 */
export function not(policy: Policy, denial?: { code: AuthErrorCode; reason: string }): Policy {
  if (typeof policy !== 'function') throw new ConfigurationError('not: policy must be a function');
  let onAllowed: Denial = NOT_DENIAL;
  if (denial !== undefined) {
    if (
      typeof denial?.code !== 'string' ||
      !denial.code.startsWith('ERR_AUTH_') ||
      typeof denial.reason !== 'string'
    ) {
      throw new ConfigurationError('not: denial must be { code: "ERR_AUTH_…", reason: string }');
    }
    onAllowed = deny(denial.code, denial.reason);
  }
  const invert = (d: Decision): Decision => {
    if (d.allowed === true) return onAllowed;
    return isUnknown(d) ? d : ALLOW;
  };
  return function notPolicy(principal, context) {
    const result = runPolicy(policy, principal, context);
    return result instanceof Promise ? result.then(invert) : invert(result);
  };
}
