import { describe, expect, it } from 'vitest';
import { hasAccess, hasRole, parseScope } from '../../src/authorize/index.ts';

describe('parseScope', () => {
  it.each([
    ['users:read', ['users'], 'read'],
    ['users.keys:read', ['users', 'keys'], 'read'],
    ['a.b.c.d:do-it_2', ['a', 'b', 'c', 'd'], 'do-it_2'],
    ['users:*', ['users'], '*'],
    ['users:**', ['users'], '**'],
    ['users.keys:**', ['users', 'keys'], '**'],
    ['*:read', ['*'], 'read'],
    ['*:*', ['*'], '*'],
    ['*:**', ['*'], '**'],
    ['read:items', ['read'], 'items'],
  ])('parses %s', (scope, resource, action) => {
    expect(parseScope(scope)).toEqual({ kind: 'permission', scope, resource, action });
  });

  it.each(['owner', 'admin', 'member'])('parses the role scope %s', (role) => {
    expect(parseScope(role)).toEqual({ kind: 'role', scope: role, role });
  });

  it.each([
    '',
    'users',
    'Owner',
    ':read',
    'users:',
    'users::read',
    'a:b:c',
    'users.:read',
    '.users:read',
    'users..keys:read',
    'users.*:read',
    '*.users:read',
    '**:read',
    'users:***',
    'users:re*d',
    'us*rs:read',
    ' users:read',
    'users:read ',
    'users :read',
    'users:read\n',
    'users/keys:read',
    'usérs:read',
    'users:read,write',
    'openid',
    'x'.repeat(2000),
  ])('rejects %j (null, never grants)', (scope) => {
    expect(parseScope(scope)).toBeNull();
  });

  it('returns frozen values', () => {
    const parsed = parseScope('users.keys:read');
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(parsed?.kind === 'permission' && Object.isFrozen(parsed.resource)).toBe(true);
  });

  it('rejects non-strings', () => {
    expect(parseScope(undefined as unknown as string)).toBeNull();
    expect(parseScope(42 as unknown as string)).toBeNull();
  });
});

describe('hasAccess: the grammar rules', () => {
  // [scopes, action, resource, granted]
  const table: [string[], string, string, boolean][] = [
    // exact
    [['users:read'], 'read', 'users', true],
    [['users:read'], 'write', 'users', false],
    [['users:read'], 'read', 'users.keys', false],
    [['users.keys:read'], 'read', 'users.keys', true],
    [['users.keys:read'], 'read', 'users', false],
    [['users.keys:read'], 'read', 'users.keys.old', false],
    // x:* is every action on x, not on x's sub-resources
    [['users:*'], 'read', 'users', true],
    [['users:*'], 'delete', 'users', true],
    [['users:*'], 'read', 'users.keys', false],
    [['users:*'], 'read', 'groups', false],
    // x:** is every action on x and all sub-resources
    [['users:**'], 'read', 'users', true],
    [['users:**'], 'read', 'users.keys', true],
    [['users:**'], 'rotate', 'users.keys.old', true],
    [['users:**'], 'read', 'groups', false],
    [['users:**'], 'read', 'usersx', false],
    [['users.keys:**'], 'read', 'users', false],
    [['users.keys:**'], 'read', 'users.keys.a.b', true],
    // *:action is that action on every top-level resource
    [['*:read'], 'read', 'users', true],
    [['*:read'], 'read', 'projects', true],
    [['*:read'], 'write', 'users', false],
    [['*:read'], 'read', 'users.keys', false],
    // *:* is every action on every top-level resource
    [['*:*'], 'write', 'users', true],
    [['*:*'], 'write', 'users.keys', false],
    // *:** is everything
    [['*:**'], 'write', 'users', true],
    [['*:**'], 'write', 'users.keys.a.b.c', true],
    // role-named actions only by an explicit scope
    [['*:**'], 'owner', 'users', false],
    [['*:**'], 'admin', 'users', false],
    [['*:*'], 'member', 'users', false],
    [['*:admin'], 'admin', 'users', false],
    [['users:*'], 'admin', 'users', false],
    [['users:**'], 'owner', 'users.keys', false],
    [['users:admin'], 'admin', 'users', true],
    [['users:admin'], 'admin', 'users.keys', false],
    // role scopes do not grant permissions
    [['owner', 'admin', 'member'], 'read', 'users', false],
    // no substring or prefix grants
    [['read:items'], 'items', 'read', true],
    [['read:items'], 'items-admin', 'read', false],
    [['users:read'], 'rea', 'users', false],
    [['users:read'], 'read', 'user', false],
    [['users:rea'], 'read', 'users', false],
    [['users.k:read'], 'read', 'users.keys', false],
    [['user:**'], 'read', 'users', false],
    // malformed scopes never grant
    [['users.*:read'], 'read', 'users.keys', false],
    [['**:read'], 'read', 'users', false],
    [[' users:read'], 'read', 'users', false],
    [['users:read '], 'read', 'users', false],
    [['users:read:write'], 'read', 'users', false],
    [[''], 'read', 'users', false],
    // malformed checks never pass
    [['*:**'], '*', 'users', false],
    [['*:**'], '**', 'users', false],
    [['*:**'], 'read', '*', false],
    [['*:**'], 'read', 'users.*', false],
    [['*:**'], 'read', '', false],
    [['*:**'], '', 'users', false],
    [['*:**'], 'read', 'users..keys', false],
    // case-sensitive
    [['Users:read'], 'read', 'users', false],
    [['users:Read'], 'read', 'users', false],
    // no scopes
    [[], 'read', 'users', false],
  ];

  it.each(table)('%j grants %s on %s: %s', (scopes, action, resource, granted) => {
    expect(hasAccess(scopes, action, resource)).toBe(granted);
  });

  it('accepts a space-delimited string (single spaces; empty tokens never grant)', () => {
    expect(hasAccess('openid users:read', 'read', 'users')).toBe(true);
    expect(hasAccess('openid  users:read', 'read', 'users')).toBe(true);
    expect(hasAccess('openid users:read', 'write', 'users')).toBe(false);
    expect(hasAccess('', 'read', 'users')).toBe(false);
    expect(hasAccess('users:read\tusers:write', 'write', 'users')).toBe(false);
  });

  it('accepts a resource as segments', () => {
    expect(hasAccess(['users.keys:read'], 'read', ['users', 'keys'])).toBe(true);
    expect(hasAccess(['users.keys:read'], 'read', ['users.keys'])).toBe(false);
    expect(hasAccess(['*:**'], 'read', [])).toBe(false);
  });

  it('treats missing scopes as none', () => {
    expect(hasAccess(undefined, 'read', 'users')).toBe(false);
    expect(hasAccess(null, 'read', 'users')).toBe(false);
  });

  it('handles resource names that are Object.prototype keys', () => {
    expect(hasAccess(['__proto__:read'], 'read', '__proto__')).toBe(true);
    expect(hasAccess(['users:read'], 'read', 'constructor')).toBe(false);
    expect(hasAccess(['users:read'], 'toString', 'users')).toBe(false);
  });

  it('combines several scopes', () => {
    const scopes = ['users:read', 'projects:**', '*:list'];
    expect(hasAccess(scopes, 'read', 'users')).toBe(true);
    expect(hasAccess(scopes, 'list', 'users')).toBe(true);
    expect(hasAccess(scopes, 'list', 'users.keys')).toBe(false);
    expect(hasAccess(scopes, 'delete', 'projects.a')).toBe(true);
  });
});

describe('hasRole', () => {
  it('needs the exact role scope', () => {
    expect(hasRole(['owner'], 'owner')).toBe(true);
    expect(hasRole(['owner'], 'admin')).toBe(false);
    expect(hasRole(['*:**', '*:*', 'users:**'], 'owner')).toBe(false);
    expect(hasRole(['Owner', 'owner:*', 'x:owner'], 'owner')).toBe(false);
    expect(hasRole('admin member', 'member')).toBe(true);
  });
});
