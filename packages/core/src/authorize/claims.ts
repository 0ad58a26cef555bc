/**
 * Claim checks: a dotted path into `principal.claims` (own properties only) and one matcher.
 * Denials name the path, never the claim's value.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Decision, Policy, Principal } from '../types.ts';
import { ALLOW, deny } from './decision.ts';
import { splitScopes } from './scope-index.ts';

/**
 * A claim value `requireClaim` can compare with.
 *
 * @example
 * const plans: ClaimPrimitive[] = ['gold', 'platinum'];
 * const premium = requireClaim('plan', { oneOf: plans });
 */
export type ClaimPrimitive = string | number | boolean | null;

/**
 * How `requireClaim` compares a claim.
 *
 * @example
 * const premium = requireClaim('plan', { oneOf: ['gold', 'platinum'] } satisfies ClaimMatcher);
 */
export type ClaimMatcher =
  /** The claim is strictly equal to this value. */
  | { equals: ClaimPrimitive }
  /** The claim is an array holding this value, or a space-delimited string holding this token. */
  | { includes: ClaimPrimitive }
  /** The claim is strictly equal to one of these values. */
  | { oneOf: readonly ClaimPrimitive[] }
  /** `test(value) === true`; a throw or any other result denies. */
  | { test: (value: unknown) => boolean };

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const MATCHERS = ['equals', 'includes', 'oneOf', 'test'] as const;

function isPrimitive(value: unknown): value is ClaimPrimitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** `'org.tier'` → `['org', 'tier']`; an array path keeps keys that contain dots (`['https://x.io/roles']`). */
function parsePath(path: unknown): string[] {
  const segments = typeof path === 'string' ? path.split('.') : Array.isArray(path) ? [...path] : null;
  if (segments === null || segments.length === 0) {
    throw new ConfigurationError('requireClaim: path must be a dotted string or an array of keys');
  }
  for (const segment of segments) {
    if (typeof segment !== 'string' || segment.length === 0) {
      throw new ConfigurationError('requireClaim: path must not contain empty keys');
    }
    if (FORBIDDEN_SEGMENTS.has(segment)) {
      throw new ConfigurationError(`requireClaim: path must not contain "${segment}"`);
    }
  }
  return segments;
}

/** The value at `segments`, following own properties only; undefined when any step is missing. */
export function readClaim(claims: unknown, segments: readonly string[]): unknown {
  let value: unknown = claims;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function compile(matcher: unknown): (value: unknown) => boolean {
  if (matcher === undefined) return (value) => value !== undefined && value !== null;
  if (typeof matcher !== 'object' || matcher === null) {
    throw new ConfigurationError('requireClaim: matcher must be an object such as { equals: value }');
  }
  const keys = Object.keys(matcher);
  const known = keys.filter((k) => (MATCHERS as readonly string[]).includes(k));
  if (known.length !== 1 || keys.length !== 1) {
    throw new ConfigurationError(
      'requireClaim: matcher must have exactly one of equals, includes, oneOf, test',
    );
  }
  const m = matcher as Record<string, unknown>;
  if ('equals' in m) {
    const expected = m.equals;
    if (!isPrimitive(expected))
      throw new ConfigurationError('requireClaim: equals must be a string, number, boolean or null');
    return (value) => value === expected;
  }
  if ('includes' in m) {
    const expected = m.includes;
    if (!isPrimitive(expected)) {
      throw new ConfigurationError('requireClaim: includes must be a string, number, boolean or null');
    }
    return (value) =>
      Array.isArray(value)
        ? value.includes(expected)
        : typeof value === 'string' && typeof expected === 'string' && splitScopes(value).includes(expected);
  }
  if ('oneOf' in m) {
    const options = m.oneOf;
    if (!Array.isArray(options) || options.length === 0 || !options.every(isPrimitive)) {
      throw new ConfigurationError(
        'requireClaim: oneOf must be a non-empty array of strings, numbers, booleans or null',
      );
    }
    const set = new Set<unknown>(options);
    return (value) => isPrimitive(value) && set.has(value);
  }
  const test = m.test;
  if (typeof test !== 'function') throw new ConfigurationError('requireClaim: test must be a function');
  return (value) => {
    try {
      return test(value) === true;
    } catch {
      return false;
    }
  };
}

/**
 * Allows when the claim at `path` matches: `requireClaim('email_verified', { equals: true })`,
 * `requireClaim('roles', { includes: 'editor' })`, `requireClaim('tenant.tier', { oneOf: ['gold'] })`,
 * `requireClaim('age', { test: (v) => typeof v === 'number' && v >= 18 })`. Without a matcher the
 * claim must be present (not undefined or null).
 *
 * @example
 * const verified = requireClaim('email_verified', { equals: true });
 */
export function requireClaim(path: string | readonly string[], matcher?: ClaimMatcher): Policy {
  const segments = parsePath(path);
  const matches = compile(matcher);
  const denial = deny('ERR_AUTH_CLAIM_CHECK_FAILED', `Claim check failed: ${segments.join('.')}`);
  return function requireClaimPolicy(principal: Principal): Decision {
    return matches(readClaim(principal?.claims, segments)) ? ALLOW : denial;
  };
}
