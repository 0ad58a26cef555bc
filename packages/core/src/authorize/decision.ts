/**
 * Decisions and their errors: the one place a denial becomes the AuthError adapters render
 * (403 `insufficient_scope` with or without `scope="…"`, 503 for a failed decision point).
 */
import {
  AuthError,
  type AuthErrorCode,
  ForbiddenError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
  isAuthError,
} from '../errors.ts';
import type { Decision, Policy, PolicyContext, Principal } from '../types.ts';

/**
 * A denying Decision.
 *
 * @example
 * const decision = await evaluatePolicy(policy, principal);
 * if (isDenial(decision)) logger.info({ code: decision.code, reason: decision.reason });
 */
export type Denial = Extract<Decision, { allowed: false }>;

/**
 * The allowing Decision, shared and frozen.
 *
 * @example
 * const everyone: Policy = () => ALLOW;
 */
export const ALLOW: Decision = Object.freeze({ allowed: true });

/**
 * A frozen denial (build them once, when a policy is created, not per check).
 *
 * @example
 * const weekdaysOnly: Policy = () => ([0, 6].includes(new Date().getDay()) ? deny('ERR_AUTH_FORBIDDEN', 'Weekdays only') : ALLOW);
 */
export function deny(
  code: AuthErrorCode,
  reason: string,
  options: {
    requiredScopes?: readonly string[];
    status?: 401 | 403 | 503;
    acrValues?: readonly string[];
    maxAge?: number;
  } = {},
): Denial {
  const denial: {
    allowed: false;
    code: AuthErrorCode;
    reason: string;
    requiredScopes?: readonly string[];
    status?: 401 | 403 | 503;
    acrValues?: readonly string[];
    maxAge?: number;
  } = { allowed: false, code, reason };
  if (options.requiredScopes && options.requiredScopes.length > 0) {
    denial.requiredScopes = Object.freeze([...options.requiredScopes]);
  }
  if (options.status !== undefined) denial.status = options.status;
  if (options.acrValues !== undefined && options.acrValues.length > 0)
    denial.acrValues = Object.freeze([...options.acrValues]);
  if (options.maxAge !== undefined) denial.maxAge = options.maxAge;
  return Object.freeze(denial);
}

export const POLICY_UNAVAILABLE: Denial = deny(
  'ERR_AUTH_POLICY_UNAVAILABLE',
  'The authorization decision point is unavailable',
  { status: 503 },
);

const REAUTHENTICATE = new Set(['ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION', 'ERR_AUTH_DPOP_REQUIRED']);

// One object, compared by identity: a malformed answer is an unknown, never a denial `not` may invert.
const MALFORMED: Denial = deny('ERR_AUTH_FORBIDDEN', 'Forbidden');

/**
 * True for the denial that stands for a malformed policy answer or a failed decision point (503):
 * an unknown answer, which combinators must never turn into an allow.
 */
export function isUnknown(decision: Decision): boolean {
  return decision === MALFORMED || (decision.allowed !== true && (decision as Denial).status === 503);
}

/**
 * Whether a Decision denies.
 *
 * @example
 * const decision = await evaluatePolicy(policy, principal);
 * if (isDenial(decision)) logger.info(decision.code);
 */
export function isDenial(decision: Decision): decision is Denial {
  return decision.allowed !== true;
}

/**
 * Anything a policy returned, as a well-formed Decision: only `{ allowed: true }` allows; every other
 * value (undefined, `true`, a denial without a code) is a denial, so a buggy policy fails closed.
 */
export function normalizeDecision(value: unknown): Decision {
  if (typeof value !== 'object' || value === null) return MALFORMED;
  const v = value as Record<string, unknown>;
  if (v.allowed === true) return ALLOW;
  if (typeof v.code !== 'string' || !v.code.startsWith('ERR_AUTH_') || typeof v.reason !== 'string') {
    return v.status === 503 ? POLICY_UNAVAILABLE : MALFORMED;
  }
  if (v.status !== undefined && v.status !== 403 && v.status !== 503) {
    // 401 only for the codes that ask the client to authenticate again or another way.
    if (v.status !== 401 || !REAUTHENTICATE.has(v.code)) return MALFORMED;
  }
  const scopes = v.requiredScopes;
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    return MALFORMED;
  }
  return value as Decision;
}

/**
 * The AuthError for a denial: 503 UnavailableError when a decision point failed, InsufficientScopeError
 * (with `scope="…"`) when scopes were the reason, ForbiddenError(code, reason) otherwise.
 *
 * @example
 * const decision = await evaluatePolicy(policy, principal);
 * if (!decision.allowed) throw decisionToError(decision); // 403 or 503
 */
export function decisionToError(decision: Decision): AuthError {
  if (typeof decision !== 'object' || decision === null) {
    throw new TypeError('decisionToError: decision must be a Decision object');
  }
  if (decision.allowed === true) throw new TypeError('decisionToError: the decision allows access');
  const d = normalizeDecision(decision) as Denial;
  if (d.status === 503) return new UnavailableError(d.code, d.reason, { retryAfterSeconds: 5 });
  if (d.status === 401) {
    if (d.code === 'ERR_AUTH_INSUFFICIENT_USER_AUTHENTICATION') {
      const maxAge = typeof d.maxAge === 'number' && Number.isFinite(d.maxAge) ? d.maxAge : undefined;
      const acrValues = Array.isArray(d.acrValues) ? d.acrValues.filter((v) => typeof v === 'string') : [];
      return new InsufficientUserAuthenticationError({ acrValues, maxAge }, d.reason);
    }
    // The token must come another way (a DPoP proof): the DPoP challenge carries the error.
    return new InvalidTokenError(
      d.code,
      d.reason,
      d.code === 'ERR_AUTH_DPOP_REQUIRED' ? { scheme: 'DPoP' } : {},
    );
  }
  const scopes = d.requiredScopes ?? [];
  if (d.code === 'ERR_AUTH_INSUFFICIENT_SCOPE') return new InsufficientScopeError(scopes, d.reason);
  if (scopes.length > 0) {
    // A precise code that still names scopes: the same 403 challenge, with `scope="…"`.
    return new AuthError(d.code, d.reason, {
      status: 403,
      error: 'insufficient_scope',
      requiredScopes: scopes,
    });
  }
  return new ForbiddenError(d.code, d.reason);
}

/**
 * Runs a policy and always resolves to a Decision. A policy that throws (anything but an AuthError)
 * fails closed as 503 ERR_AUTH_POLICY_UNAVAILABLE; an AuthError it throws is rethrown as is.
 *
 * @example
 * const decision = await evaluatePolicy(requireScopes('read:items'), principal);
 */
export async function evaluatePolicy(
  policy: Policy,
  principal: Principal,
  context?: PolicyContext,
): Promise<Decision> {
  if (typeof policy !== 'function') throw new TypeError('evaluatePolicy: policy must be a function');
  try {
    return normalizeDecision(await policy(principal, context));
  } catch (error) {
    if (isAuthError(error)) throw error;
    return POLICY_UNAVAILABLE;
  }
}

/**
 * Resolves when `policy` allows `principal`; otherwise throws the AuthError to render (403 or 503).
 * Without a principal (optional authentication that found no credentials) it throws 401
 * MissingTokenError: authorization needs someone to authorize.
 *
 * @example
 * await assertAllowed(requireScopes('read:items'), principal); // else throws 403 InsufficientScopeError
 */
export async function assertAllowed(
  policy: Policy,
  principal: Principal | null | undefined,
  context?: PolicyContext,
): Promise<void> {
  if (typeof policy !== 'function') throw new TypeError('assertAllowed: policy must be a function');
  if (principal === null || principal === undefined) throw new MissingTokenError();
  let decision: Decision;
  try {
    decision = normalizeDecision(await policy(principal, context));
  } catch (error) {
    if (isAuthError(error)) throw error;
    throw new UnavailableError(POLICY_UNAVAILABLE.code, POLICY_UNAVAILABLE.reason, {
      retryAfterSeconds: 5,
      cause: error,
    });
  }
  if (decision.allowed !== true) throw decisionToError(decision);
}
