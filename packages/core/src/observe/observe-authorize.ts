/**
 * The events of one authorization: an allow is `auth.authorized`; a denial is `auth.failure`
 * (`stage: 'authorize'`, with the denying policy's name and the scopes it required when it names them);
 * a policy that could not answer (a throwing policy, a decision point down or too slow) is
 * `policy.unavailable` plus the 503 `auth.failure`.
 */
import type { AuthError } from '../errors.ts';
import type { Policy, Principal } from '../types.ts';
import { type EventHub, failureEvent, now } from './event-hub.ts';

const names = new WeakMap<Policy, string>();
// A name is code, not request input; still: identifier characters only, bounded.
const NAME = /^[A-Za-z_$][\w$]{0,63}$/;

/**
 * The name events and spans give a policy: its function name without a `Policy` suffix
 * (`requireScopesPolicy` → `requireScopes`), `policy` when anonymous or unusual. Memoized per policy.
 *
 * @example
 * policyName(requireScopes('read:items')); // 'requireScopes'
 */
export function policyName(policy: Policy): string {
  let name = names.get(policy);
  if (name === undefined) {
    const raw = typeof policy.name === 'string' ? policy.name.replace(/Policy$/, '') : '';
    name = NAME.test(raw) ? raw : 'policy';
    names.set(policy, name);
  }
  return name;
}

/**
 * Reports an allowed authorization (called only while someone listens).
 *
 * @example
 * if (events?.active) emitAuthorized(events, principal, policy, startedAt);
 */
export function emitAuthorized(
  hub: EventHub,
  principal: Principal,
  policy: Policy,
  startedAt: number | undefined,
): void {
  hub.emit({
    type: 'auth.authorized',
    at: Date.now(),
    policy: policyName(policy),
    subject: principal.subject,
    issuer: principal.issuer,
    durationMs: startedAt === undefined ? 0 : now() - startedAt,
  });
}

/**
 * Reports a denial (called only while someone listens).
 *
 * @example
 * if (events?.active) emitDenial(events, error, startedAt, policy);
 */
export function emitDenial(
  hub: EventHub,
  error: AuthError,
  startedAt: number | undefined,
  policy?: Policy,
): void {
  if (error.status === 503) {
    hub.emit({
      type: 'policy.unavailable',
      at: Date.now(),
      code: error.code,
      reason: error.message,
      durationMs: startedAt === undefined ? 0 : now() - startedAt,
    });
  }
  const event = failureEvent(error, 'authorize', undefined, startedAt);
  hub.emit(policy === undefined ? event : { ...event, policy: policyName(policy) });
}
