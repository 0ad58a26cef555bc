/**
 * The exact scope strings that grant a request (authorize/scope-index.ts) and the grammar's helpers
 * (authorize/scope-grammar.ts), checked on values of the wrong type and on the shapes that sit next
 * to a valid one, so that loosening any check grants something it should not.
 */
import { describe, expect, it } from 'vitest';
import { isName, isRole, parseResource } from '../../src/authorize/scope-grammar.ts';
import {
  grantingScopes,
  hasAccess,
  hasRole,
  holdsAny,
  scopeSetOf,
  splitScopes,
} from '../../src/authorize/scope-index.ts';

describe('grantingScopes', () => {
  it('lists the scopes granting an action on a top-level resource, most specific first', () => {
    expect(grantingScopes('read', ['users'])).toEqual([
      'users:read',
      'users:*',
      'users:**',
      '*:read',
      '*:*',
      '*:**',
    ]);
  });

  it('lists every ancestor with ** for a nested resource, and no top-level wildcard', () => {
    expect(grantingScopes('read', ['a', 'b', 'c'])).toEqual([
      'a.b.c:read',
      'a.b.c:*',
      'a:**',
      'a.b:**',
      'a.b.c:**',
      '*:**',
    ]);
  });

  it('grants a role-named action only by its exact scope', () => {
    expect(grantingScopes('admin', ['users'])).toEqual(['users:admin']);
    expect(hasAccess(['users:**', '*:**', 'users:*'], 'admin', 'users')).toBe(false);
    expect(hasAccess(['users:admin'], 'admin', 'users')).toBe(true);
  });
});

describe('hasAccess on values of the wrong type', () => {
  it('never grants a non-string action', () => {
    expect(hasAccess(['5:5'], 5 as unknown as string, '5')).toBe(false);
    expect(hasAccess(['*:**'], ['read'] as unknown as string, 'users')).toBe(false);
  });

  it('never grants a non-string or wildcard segment', () => {
    expect(hasAccess(['1:read'], 'read', [1] as unknown as string[])).toBe(false);
    expect(hasAccess(['*:**'], 'read', ['*'])).toBe(false);
    expect(hasAccess(['*:**'], 'read', 5 as unknown as string)).toBe(false);
    expect(hasAccess(['*:**'], 'read', { length: 1, 0: 'users' } as unknown as string[])).toBe(false);
  });

  it('reads a resource string as segments', () => {
    expect(hasAccess(['a.b:read'], 'read', 'a.b')).toBe(true);
    expect(hasAccess(['a:**'], 'read', 'a.b')).toBe(true);
    expect(hasAccess(['*:read'], 'read', 'a.b')).toBe(false);
    expect(hasAccess(['*:*'], 'read', 'a.b')).toBe(false);
    expect(hasAccess(['*:read'], 'read', 'a')).toBe(true);
    expect(hasAccess(['*:**'], 'read', 'a..b')).toBe(false);
  });
});

describe('scope sets', () => {
  it('splits a scope string on single spaces', () => {
    expect(splitScopes('a:read b:write')).toEqual(['a:read', 'b:write']);
    expect([...scopeSetOf('a:read b:write')]).toEqual(['a:read', 'b:write']);
  });

  it('indexes an array once and treats anything else as no scopes', () => {
    const scopes = ['a:read'];
    expect(scopeSetOf(scopes)).toBe(scopeSetOf(scopes));
    expect([...scopeSetOf(scopes)]).toEqual(['a:read']);
    expect(scopeSetOf(null).size).toBe(0);
    expect(scopeSetOf(undefined).size).toBe(0);
    expect(scopeSetOf({ 0: 'a:read' } as unknown as string[]).size).toBe(0);
  });

  it('holdsAny is true only when one key is present', () => {
    const set = new Set(['b']);
    expect(holdsAny(set, ['a', 'b'])).toBe(true);
    expect(holdsAny(set, ['a', 'c'])).toBe(false);
    expect(holdsAny(set, [])).toBe(false);
  });
});

describe('hasRole', () => {
  it('never grants a name that is not a role, even when the scopes hold it', () => {
    expect(hasRole(['guest'], 'guest' as 'owner')).toBe(false);
    expect(hasRole('owner admin', 'admin')).toBe(true);
    expect(hasRole(null, 'owner')).toBe(false);
  });
});

describe('grammar helpers', () => {
  it('isName: letters, digits, _ and - only, as a non-empty string', () => {
    expect(isName('a_b-1')).toBe(true);
    expect(isName('')).toBe(false);
    expect(isName('a b')).toBe(false);
    expect(isName('*')).toBe(false);
    expect(isName(5)).toBe(false);
    expect(isName(['a'])).toBe(false);
  });

  it('isRole: exactly owner, admin or member', () => {
    expect(['owner', 'admin', 'member'].every(isRole)).toBe(true);
    expect(isRole('Owner')).toBe(false);
    expect(isRole('guest')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });

  it('parseResource: concrete dotted names only', () => {
    expect(parseResource('a.b')).toEqual(['a', 'b']);
    expect(parseResource('a')).toEqual(['a']);
    expect(parseResource('a..b')).toBeNull();
    expect(parseResource('a.*')).toBeNull();
    expect(parseResource('')).toBeNull();
    expect(parseResource(5)).toBeNull();
    expect(parseResource(['a'])).toBeNull();
  });
});
