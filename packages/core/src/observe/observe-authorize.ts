/**
 * The events of one authorization: a denial is `auth.failure` (`stage: 'authorize'`, with the scopes
 * the policy required when it names them); a policy that could not answer (a throwing policy, a
 * decision point down or too slow) is `policy.unavailable` plus the 503 `auth.failure`.
 */
import type { AuthError } from '../errors.ts';
import { type EventHub, failureEvent, now } from './event-hub.ts';

/**
 * Reports a denial (called only while someone listens).
 *
 * @example
 * if (events?.active) emitDenial(events, error, startedAt);
 */
export function emitDenial(hub: EventHub, error: AuthError, startedAt: number | undefined): void {
  if (error.status === 503) {
    hub.emit({
      type: 'policy.unavailable',
      at: Date.now(),
      code: error.code,
      reason: error.message,
      durationMs: startedAt === undefined ? 0 : now() - startedAt,
    });
  }
  hub.emit(failureEvent(error, 'authorize', undefined, startedAt));
}
