/**
 * Picks the issuer entry whose rules accept a token: per entry, the per-call overrides narrow its
 * rules, its algorithms must allow the header's `alg` and its claim rules (claims.ts) must pass.
 */
import type { ClaimsVerdict } from './claims.ts';
import { checkClaims } from './claims.ts';
import type { ParsedToken } from './compact.ts';
import type { IssuerRuntime } from './issuer-config.ts';
import { type Narrowing, OverrideError, narrowRules } from './overrides.ts';
import { algNotAllowed } from './token-errors.ts';

/** The accepting entry (its rules as narrowed by the overrides) and what its claim rules found. */
export interface EntryMatch {
  rt: IssuerRuntime;
  verdict: ClaimsVerdict;
}

/**
 * The first entry that accepts the token (several may share an issuer, e.g. access and id tokens of
 * one pool); else throws the first entry's error. An OverrideError (overrides that would widen an
 * entry) is a programming error, not a token failure: it is thrown at once.
 */
export function selectEntry(
  list: readonly IssuerRuntime[],
  parsed: ParsedToken,
  overrides: Narrowing | undefined,
  now: number,
): EntryMatch {
  const { header, payload } = parsed;
  let firstError: unknown;
  for (const candidate of list) {
    try {
      const effective = overrides ? narrowRules(candidate, overrides) : candidate;
      if (!effective.algorithms.has(header.alg)) throw algNotAllowed();
      return { rt: effective, verdict: checkClaims(header, payload, effective, now) };
    } catch (e) {
      if (e instanceof OverrideError) throw e;
      firstError ??= e;
    }
  }
  throw firstError;
}
