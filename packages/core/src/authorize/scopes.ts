/** Flat scopes: exact string matches against `principal.scopes` (no substring, prefix or wildcard). */
import type { Decision, Policy, Principal } from '../types.ts';
import { isScopeToken, namesAndOptions } from './args.ts';
import { ALLOW, deny } from './decision.ts';
import { scopeSetOf } from './scope-index.ts';

/**
 * Allows when the principal holds every one of `scopes` (`requireScopes('read:items', 'write:items')`).
 *
 * @example
 * const canWrite = requireScopes('write:items');
 */
export function requireScopes(...scopes: (string | readonly string[])[]): Policy {
  const { names } = namesAndOptions('requireScopes', 'scope', scopes, isScopeToken, false);
  const denial = deny('ERR_AUTH_INSUFFICIENT_SCOPE', 'Insufficient scope', { requiredScopes: names });
  return function requireScopesPolicy(principal: Principal): Decision {
    const held = scopeSetOf(principal?.scopes);
    for (const name of names) if (!held.has(name)) return denial;
    return ALLOW;
  };
}

/**
 * Allows when the principal holds at least one of `scopes`.
 *
 * @example
 * const canRead = requireAnyScope('read:items', 'admin:items');
 */
export function requireAnyScope(...scopes: (string | readonly string[])[]): Policy {
  const { names } = namesAndOptions('requireAnyScope', 'scope', scopes, isScopeToken, false);
  const denial = deny('ERR_AUTH_INSUFFICIENT_SCOPE', 'Insufficient scope', { requiredScopes: names });
  return function requireAnyScopePolicy(principal: Principal): Decision {
    const held = scopeSetOf(principal?.scopes);
    for (const name of names) if (held.has(name)) return ALLOW;
    return denial;
  };
}
