/**
 * Per-call `VerifyOverrides`: they may only narrow an issuer entry's rules, never widen them. Shape
 * mistakes and widenings (`audience: null`, `tokenUse: 'any'`, `requiredClaims: []`, a larger
 * `maxTokenAgeSeconds`, a wrong type, an unknown key) reject the call with an `OverrideError` (a TypeError),
 * not a 401: they are programming errors, and a silently ignored or widening override would weaken
 * the check without anyone noticing.
 */
import { InvalidTokenError } from '../errors.ts';
import { renamedTo } from '../options/renamed-options.ts';
import { POSSESSION, type ProofOfPossession } from './confirmation.ts';
import {
  type IssuerRuntime,
  defaultRequiredClaims,
  normalizeTypOption,
  toStringSet,
} from './issuer-config.ts';
import type { VerifyOverrides } from './options.ts';

/** A TypeError for overrides that are malformed or would widen the issuer's rules. */
export class OverrideError extends TypeError {
  override name = 'TypeError';
}

/** Validated overrides (undefined members leave the entry's rule as it is). */
export interface Narrowing {
  audience: ReadonlySet<string> | undefined;
  clientIds: ReadonlySet<string> | undefined;
  tokenUse: 'access' | 'id' | undefined;
  typ: string | undefined;
  maxTokenAgeSeconds: number | undefined;
  requiredClaims: readonly string[] | undefined;
  possession: ProofOfPossession | undefined;
}

const KNOWN = new Set(['audience', 'clientId', 'tokenUse', 'typ', 'maxTokenAgeSeconds', 'requiredClaims']);

const misuse = (message: string) => new OverrideError(`verify() overrides: ${message}`);

function stringSet(value: unknown, name: string): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (value === null) {
    throw misuse(`${name}: null would drop the issuer's check; overrides may only narrow it`);
  }
  try {
    return toStringSet(value as string | readonly string[], name) ?? undefined;
  } catch (e) {
    throw misuse((e as Error).message);
  }
}

/** Checks the shape of per-call overrides; throws an OverrideError naming the offending key. */
export function parseOverrides(o: VerifyOverrides): Narrowing {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw misuse('must be an object');
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      const renamed = renamedTo(key, [...KNOWN]);
      const hint = renamed === undefined ? '' : ` (did you mean "${renamed}"?)`;
      throw misuse(`unknown option "${key}"${hint} (known: ${[...KNOWN].join(', ')})`);
    }
  }
  const tokenUse = o.tokenUse;
  if (tokenUse !== undefined && tokenUse !== 'access' && tokenUse !== 'id') {
    throw misuse(
      (tokenUse as string) === 'any'
        ? "tokenUse: 'any' would accept more kinds than the issuer; use 'access' or 'id'"
        : "tokenUse must be 'access' or 'id'",
    );
  }
  if (o.typ !== undefined && (typeof o.typ !== 'string' || o.typ === '')) {
    throw misuse('typ must be a non-empty string');
  }
  const age = o.maxTokenAgeSeconds;
  if (age !== undefined && (typeof age !== 'number' || !Number.isFinite(age) || age < 0)) {
    throw misuse('maxTokenAgeSeconds must be a non-negative number of seconds');
  }
  const required = o.requiredClaims;
  if (
    required !== undefined &&
    (!Array.isArray(required) ||
      required.length === 0 ||
      required.some((c) => typeof c !== 'string' || c === ''))
  ) {
    throw misuse(
      'requiredClaims must be a non-empty array of claim names (they add to the issuer’s required claims)',
    );
  }
  const possession = (o as { [POSSESSION]?: ProofOfPossession })[POSSESSION];
  return {
    audience: stringSet(o.audience, 'audience'),
    clientIds: stringSet(o.clientId, 'clientId'),
    tokenUse,
    typ: o.typ === undefined ? undefined : normalizeTypOption(o.typ),
    maxTokenAgeSeconds: age,
    requiredClaims: required === undefined ? undefined : [...required],
    possession,
  };
}

function intersect(entry: ReadonlySet<string> | null, narrower: ReadonlySet<string>): ReadonlySet<string> {
  if (entry === null) return narrower;
  return new Set([...narrower].filter((v) => entry.has(v)));
}

/**
 * Throws an OverrideError when a maxTokenAgeSeconds override is larger than a (static) entry's: misuse, reported
 * for every call whatever the token, so no client can choose it.
 *
 * @example
 * assertNarrowerThan(staticIssuers.values(), parseOverrides({ maxTokenAgeSeconds: 600 })); // throws if an entry allows less
 */
export function assertNarrowerThan(entries: Iterable<readonly IssuerRuntime[]>, n: Narrowing): void {
  if (n.maxTokenAgeSeconds === undefined) return;
  for (const list of entries) {
    for (const rt of list) {
      if (rt.maxTokenAgeSeconds !== null && n.maxTokenAgeSeconds > rt.maxTokenAgeSeconds) {
        throw misuse(
          `maxTokenAgeSeconds ${n.maxTokenAgeSeconds} is larger than issuer ${rt.issuer}'s ${rt.maxTokenAgeSeconds}; overrides may only narrow`,
        );
      }
    }
  }
}

/**
 * An entry's rules with the overrides applied, each one at least as strict as the entry's. Throws an
 * InvalidTokenError when the overrides exclude this entry (another entry of the issuer may match),
 * never an OverrideError (the entry is chosen by the token; see `assertNarrowerThan`).
 */
export function narrowRules(rt: IssuerRuntime, n: Narrowing): IssuerRuntime {
  let tokenUse = rt.tokenUse;
  let requiredClaims = rt.requiredClaims;
  if (n.tokenUse !== undefined && n.tokenUse !== rt.tokenUse) {
    if (rt.tokenUse !== 'any') {
      throw new InvalidTokenError('ERR_AUTH_INVALID_TOKEN_USE', 'The token is not of the accepted kind', {
        detail: { override: 'tokenUse' },
      });
    }
    tokenUse = n.tokenUse;
    requiredClaims = union(requiredClaims, defaultRequiredClaims(tokenUse));
  }
  if (n.requiredClaims !== undefined) requiredClaims = union(requiredClaims, n.requiredClaims);
  let typ = rt.typ;
  if (n.typ !== undefined) {
    if (typ !== null && typ !== n.typ) {
      throw new InvalidTokenError('ERR_AUTH_INVALID_TYP', 'The token type is not accepted', {
        detail: { override: 'typ' },
      });
    }
    typ = n.typ;
  }
  // The stricter limit applies. The entry depends on the (unverified) token's `iss`, so a TypeError here
  // would let a client choose a 500; static issuers report a too-wide override up front, for every token.
  let maxTokenAgeSeconds = rt.maxTokenAgeSeconds;
  if (n.maxTokenAgeSeconds !== undefined) {
    maxTokenAgeSeconds =
      maxTokenAgeSeconds === null ? n.maxTokenAgeSeconds : Math.min(maxTokenAgeSeconds, n.maxTokenAgeSeconds);
  }
  return {
    ...rt,
    tokenUse,
    requiredClaims,
    typ,
    maxTokenAgeSeconds,
    audience: n.audience === undefined ? rt.audience : intersect(rt.audience, n.audience),
    clientIds: n.clientIds === undefined ? rt.clientIds : intersect(rt.clientIds, n.clientIds),
  };
}

function union(a: readonly string[], b: readonly string[]): readonly string[] {
  return [...new Set([...a, ...b])];
}
