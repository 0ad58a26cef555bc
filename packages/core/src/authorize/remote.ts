/**
 * `remotePolicy(fn, { timeoutMs })`: a decision from outside (Authress, OpenFGA, Cerbos, a database). It
 * fails closed: a timeout, a throw or an unusable answer is a 503 ERR_AUTH_POLICY_UNAVAILABLE denial,
 * never an allow.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthErrorCode } from '../errors.ts';
import type { Decision, Policy, PolicyContext, Principal } from '../types.ts';
import { assertFunction } from './args.ts';
import { ALLOW, POLICY_UNAVAILABLE, deny, isUnknown, normalizeDecision } from './decision.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { REMOTE_POLICY_OPTION_KEYS } from '../options/option-keys.ts';

/**
 * Options of `remotePolicy`: how long to wait and how to name a "no".
 *
 * @example
 * const canView = remotePolicy(check, { timeoutMs: 500, code: 'ERR_AUTH_MISSING_PERMISSION' } satisfies RemotePolicyOptions);
 */
export interface RemotePolicyOptions {
  /** Milliseconds to wait for the decision; then the request is denied with 503. Default 5000. */
  timeoutMs?: number;
  /** Code of the denial when the function answers `false` (default ERR_AUTH_FORBIDDEN). */
  code?: AuthErrorCode;
  /** Reason of that denial (default "Forbidden by policy"). Never put claim values here. */
  reason?: string;
}

/**
 * The third argument handed to the function: aborted when the timeout fires.
 *
 * @example
 * const check = async (p: Principal, _ctx: unknown, { signal }: RemotePolicyCallOptions) =>
 *   (await fetch(`https://pdp.example/check?sub=${encodeURIComponent(p.subject)}`, { signal })).ok;
 */
export interface RemotePolicyCallOptions {
  signal: AbortSignal;
}

/**
 * The decision function `remotePolicy` calls: `true`, `false` or a Decision, sync or async.
 *
 * @example
 * const check: RemotePolicyFunction = async (p, _ctx, { signal }) =>
 *   (await fetch(`https://pdp.example/check?sub=${encodeURIComponent(p.subject)}`, { signal })).ok;
 * const canView = remotePolicy(check);
 */
export type RemotePolicyFunction = (
  principal: Principal,
  context: PolicyContext | undefined,
  options: RemotePolicyCallOptions,
) => boolean | Decision | Promise<boolean | Decision>;

const MAX_TIMEOUT = 2_147_483_647;

/**
 * A policy decided outside (OpenFGA, Cerbos, a database). Fails closed: a timeout, a throw or an unusable answer is a 503 denial.
 *
 * @example
 * const canView = remotePolicy(async (p, ctx, { signal }) => {
 *   const res = await fetch(`https://pdp.example/check?sub=${encodeURIComponent(p.subject)}`, { signal });
 *   return res.ok;
 * }, { timeoutMs: 500 });
 */
export function remotePolicy(fn: RemotePolicyFunction, options: RemotePolicyOptions = {}): Policy {
  assertFunction('remotePolicy', 'the decision function', fn);
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('remotePolicy: options must be an object');
  assertKnownKeys(options, REMOTE_POLICY_OPTION_KEYS, 'remotePolicy');
  const timeoutMs = options.timeoutMs ?? 5000;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isFinite(timeoutMs) ||
    timeoutMs <= 0 ||
    timeoutMs > MAX_TIMEOUT
  ) {
    throw new ConfigurationError(
      'remotePolicy: option "timeoutMs" must be a positive number of milliseconds',
    );
  }
  const code = options.code ?? 'ERR_AUTH_FORBIDDEN';
  if (typeof code !== 'string' || !code.startsWith('ERR_AUTH_')) {
    throw new ConfigurationError('remotePolicy: option "code" must be an ERR_AUTH_… code');
  }
  const reason = options.reason ?? 'Forbidden by policy';
  if (typeof reason !== 'string')
    throw new ConfigurationError('remotePolicy: option "reason" must be a string');
  const denial = deny(code, reason);

  const toDecision = (value: unknown): Decision => {
    if (value === true) return ALLOW;
    if (value === false) return denial;
    if (typeof value === 'object' && value !== null && 'allowed' in value) {
      const v = value as { allowed: unknown; code?: unknown; status?: unknown };
      // A codeless `{ allowed: false }` is a plain "no"; with another status (503: "unavailable") it is none.
      if (v.allowed === false && v.code === undefined && (v.status === undefined || v.status === 403)) {
        return denial;
      }
      // An object that is not a well-formed Decision is no usable answer either: 503, never a 403 to invert.
      const decision = normalizeDecision(value);
      return isUnknown(decision) ? POLICY_UNAVAILABLE : decision;
    }
    // No usable answer from the decision point.
    return POLICY_UNAVAILABLE;
  };

  return function decideRemotely(principal: Principal, context?: PolicyContext): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      const controller = new AbortController();
      let settled = false;
      const settle = (decision: Decision) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(decision);
      };
      const timer = setTimeout(() => {
        settle(POLICY_UNAVAILABLE);
        controller.abort();
      }, timeoutMs);
      let result: unknown;
      try {
        result = fn(principal, context, { signal: controller.signal });
      } catch {
        settle(POLICY_UNAVAILABLE);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          let decision: Decision;
          try {
            decision = toDecision(value);
          } catch {
            // An answer that throws when read (a getter, a Proxy) is no answer: never an unhandled rejection.
            decision = POLICY_UNAVAILABLE;
          }
          settle(decision);
        },
        () => settle(POLICY_UNAVAILABLE),
      );
    });
  };
}
