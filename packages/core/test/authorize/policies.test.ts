import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  not,
  orgParam,
  requireAnyGroup,
  requireAnyScope,
  requireClaim,
  requireGroups,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from '../../src/authorize/index.ts';
import type { Decision, Organization, Policy, PolicyContext, Principal } from '../../src/types.ts';
import { principal } from '../fixtures/principal.ts';

function claims(value: Record<string, unknown>): Principal['claims'] {
  return Object.assign(Object.create(null), value);
}

const check = (p: Policy, who: Principal, ctx?: PolicyContext) => p(who, ctx) as Decision;

describe('requireScopes / requireAnyScope', () => {
  const who = principal({ scopes: ['read:items', 'openid'] });

  it('allows when every scope is held', () => {
    expect(check(requireScopes('read:items'), who)).toEqual({ allowed: true });
    expect(check(requireScopes('read:items', 'openid'), who)).toEqual({ allowed: true });
    expect(check(requireScopes(['read:items', 'openid']), who)).toEqual({ allowed: true });
  });

  it('denies with the required scopes for the challenge', () => {
    expect(check(requireScopes('read:items', 'write:items'), who)).toEqual({
      allowed: false,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      reason: 'Insufficient scope',
      requiredScopes: ['read:items', 'write:items'],
    });
  });

  it('never grants by substring, prefix or case', () => {
    const p = principal({ scopes: ['read:items-admin', 'read', 'READ:ITEMS', 'read:items write:items'] });
    expect(check(requireScopes('read:items'), p).allowed).toBe(false);
    expect(check(requireAnyScope('read:item', 'write:items'), p).allowed).toBe(false);
    expect(check(requireScopes('read:items-admin'), p).allowed).toBe(true);
  });

  it('requireAnyScope allows on any one, denies listing all alternatives', () => {
    expect(check(requireAnyScope('write:items', 'read:items'), who)).toEqual({ allowed: true });
    const d = check(requireAnyScope('write:items', 'admin:items'), who);
    expect(d).toMatchObject({ allowed: false, requiredScopes: ['write:items', 'admin:items'] });
  });

  it('treats a principal without scopes as holding none', () => {
    expect(check(requireScopes('a'), principal({ scopes: undefined as unknown as string[] })).allowed).toBe(
      false,
    );
  });

  it.each([
    ['no scopes', () => requireScopes()],
    ['empty string', () => requireScopes('')],
    ['a space', () => requireScopes('read items')],
    ['a quote', () => requireScopes('read"items')],
    ['a backslash', () => requireScopes('read\\items')],
    ['a number', () => requireScopes(1 as unknown as string)],
    ['an options object', () => requireScopes({ caseInsensitive: true } as unknown as string)],
    ['empty array', () => requireAnyScope([])],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('requireGroups / requireAnyGroup', () => {
  const who = principal({ groups: ['admin', 'Ops'] });

  it('compares exactly by default', () => {
    expect(check(requireGroups('admin'), who).allowed).toBe(true);
    expect(check(requireGroups('Admin'), who).allowed).toBe(false);
    expect(check(requireGroups('ops'), who).allowed).toBe(false);
    expect(check(requireGroups('admin', 'Ops'), who).allowed).toBe(true);
    expect(check(requireGroups('admin', 'dev'), who).allowed).toBe(false);
    expect(check(requireGroups('adm'), who).allowed).toBe(false);
  });

  it('compares case-insensitively only by option', () => {
    expect(check(requireGroups('ADMIN', 'ops', { caseInsensitive: true }), who).allowed).toBe(true);
    expect(check(requireAnyGroup('nope', 'OPS', { caseInsensitive: true }), who).allowed).toBe(true);
    expect(check(requireGroups('ops', { caseInsensitive: false }), who).allowed).toBe(false);
  });

  it('denies with ERR_AUTH_MISSING_GROUP and no scopes', () => {
    expect(check(requireAnyGroup('dev', 'qa'), who)).toEqual({
      allowed: false,
      code: 'ERR_AUTH_MISSING_GROUP',
      reason: 'Missing required group',
    });
  });

  it.each([
    ['no groups', () => requireGroups()],
    ['only options', () => requireAnyGroup({ caseInsensitive: true })],
    ['empty name', () => requireGroups('')],
    ['padded name', () => requireGroups(' admin')],
    ['unknown option', () => requireGroups('a', { caseInsensitve: true } as never)],
    ['non-boolean option', () => requireGroups('a', { caseInsensitive: 'yes' } as never)],
    ['options not last', () => requireGroups({ caseInsensitive: true } as never, 'a')],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('requireClaim', () => {
  const who = principal({
    claims: claims({
      email_verified: true,
      tier: 'gold',
      roles: ['editor', 'viewer'],
      scp: 'read write',
      tenant: { id: 't1', plan: { name: 'pro' } },
      'https://example.com/roles': ['root'],
      age: 30,
    }),
  });

  it('equals', () => {
    expect(check(requireClaim('email_verified', { equals: true }), who).allowed).toBe(true);
    expect(check(requireClaim('email_verified', { equals: 'true' }), who).allowed).toBe(false);
    expect(check(requireClaim('tenant.plan.name', { equals: 'pro' }), who).allowed).toBe(true);
  });

  it('includes (arrays, or space-delimited strings by whole token)', () => {
    expect(check(requireClaim('roles', { includes: 'editor' }), who).allowed).toBe(true);
    expect(check(requireClaim('roles', { includes: 'edit' }), who).allowed).toBe(false);
    expect(check(requireClaim('scp', { includes: 'write' }), who).allowed).toBe(true);
    expect(check(requireClaim('scp', { includes: 'writ' }), who).allowed).toBe(false);
    expect(check(requireClaim('tier', { includes: 'gol' }), who).allowed).toBe(false);
  });

  it('oneOf', () => {
    expect(check(requireClaim('tier', { oneOf: ['silver', 'gold'] }), who).allowed).toBe(true);
    expect(check(requireClaim('tier', { oneOf: ['silver'] }), who).allowed).toBe(false);
    expect(check(requireClaim('roles', { oneOf: ['editor'] }), who).allowed).toBe(false);
  });

  it('test (only a true result allows; a throw denies)', () => {
    expect(check(requireClaim('age', { test: (v) => typeof v === 'number' && v >= 18 }), who).allowed).toBe(
      true,
    );
    expect(check(requireClaim('age', { test: () => 1 as unknown as boolean }), who).allowed).toBe(false);
    expect(
      check(
        requireClaim('age', {
          test: () => {
            throw new Error('boom');
          },
        }),
        who,
      ).allowed,
    ).toBe(false);
  });

  it('presence without a matcher', () => {
    expect(check(requireClaim('tenant.id'), who).allowed).toBe(true);
    expect(check(requireClaim('tenant.missing'), who).allowed).toBe(false);
  });

  it('array paths reach keys containing dots', () => {
    expect(check(requireClaim(['https://example.com/roles'], { includes: 'root' }), who).allowed).toBe(true);
    expect(check(requireClaim('https://example.com/roles', { includes: 'root' }), who).allowed).toBe(false);
  });

  it('follows own properties only', () => {
    const inherited = principal({ claims: Object.assign(Object.create({ tier: 'gold' }), {}) });
    expect(check(requireClaim('tier', { equals: 'gold' }), inherited).allowed).toBe(false);
    const plain = principal({ claims: { sub: 'x' } as Principal['claims'] });
    expect(check(requireClaim('toString'), plain).allowed).toBe(false);
    expect(check(requireClaim('sub.length', { equals: 1 }), plain).allowed).toBe(false);
  });

  it('denies with ERR_AUTH_CLAIM_CHECK_FAILED naming the path, never the value', () => {
    const d = check(requireClaim('tier', { equals: 'platinum' }), who);
    expect(d).toEqual({
      allowed: false,
      code: 'ERR_AUTH_CLAIM_CHECK_FAILED',
      reason: 'Claim check failed: tier',
    });
    expect(JSON.stringify(d)).not.toContain('gold');
  });

  it.each([
    ['__proto__', () => requireClaim('__proto__.x')],
    ['constructor', () => requireClaim('a.constructor', { equals: 1 })],
    ['prototype', () => requireClaim(['prototype'])],
    ['empty path', () => requireClaim('')],
    ['empty segment', () => requireClaim('a..b')],
    ['non-string path', () => requireClaim(1 as never)],
    ['two matchers', () => requireClaim('a', { equals: 1, oneOf: [1] } as never)],
    ['unknown matcher', () => requireClaim('a', { matches: /x/ } as never)],
    ['object equals', () => requireClaim('a', { equals: {} as never })],
    ['empty oneOf', () => requireClaim('a', { oneOf: [] })],
    ['non-function test', () => requireClaim('a', { test: true as never })],
    ['non-object matcher', () => requireClaim('a', 'x' as never)],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('requirePermission', () => {
  it('checks the token scopes hierarchically and names the scope on denial', () => {
    const who = principal({ scopes: ['projects:**', 'users:read'] });
    expect(check(requirePermission('read', 'projects.tasks'), who).allowed).toBe(true);
    expect(check(requirePermission('read', 'users'), who).allowed).toBe(true);
    expect(check(requirePermission('write', 'users'), who)).toEqual({
      allowed: false,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      reason: 'Insufficient scope',
      requiredScopes: ['users:write'],
    });
  });

  it('does not read organization scopes', () => {
    const who = principal({ organizations: [{ id: 'o1', scopes: ['*:**'] }] });
    expect(check(requirePermission('read', 'users'), who).allowed).toBe(false);
  });

  it.each([
    ['wildcard action', () => requirePermission('*', 'users')],
    ['subtree action', () => requirePermission('**', 'users')],
    ['wildcard resource', () => requirePermission('read', '*')],
    ['bad resource', () => requirePermission('read', 'users..keys')],
    ['empty action', () => requirePermission('', 'users')],
    ['action with colon', () => requirePermission('read:x', 'users')],
    ['non-string', () => requirePermission(1 as never, 'users')],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('organizations', () => {
  const orgs: Organization[] = [
    { id: 'org_1', scopes: ['projects:read', 'admin'], title: 'One' },
    { id: 'org_2', scopes: ['*:**'] },
    { id: 'org_3', scopes: [] },
    { id: 'org_4', scopes: ['owner'] },
  ];
  const who = principal({ scopes: ['*:**', 'owner'], organizations: orgs });
  const ctx = (orgId?: string): PolicyContext => ({ params: { orgId } });

  it('requireOrgPermission reads that organization only, from a fixed id or the context', () => {
    const p = requireOrgPermission(orgParam(), 'read', 'projects');
    expect(check(p, who, ctx('org_1')).allowed).toBe(true);
    expect(check(p, who, ctx('org_2')).allowed).toBe(true);
    expect(check(p, who, ctx('org_3'))).toEqual({
      allowed: false,
      code: 'ERR_AUTH_MISSING_ORG_PERMISSION',
      reason: 'Missing required organization permission',
    });
    expect(check(p, who, ctx('org_9')).allowed).toBe(false);
    expect(check(p, who, ctx(undefined)).allowed).toBe(false);
    expect(check(p, who).allowed).toBe(false);
    expect(check(requireOrgPermission('org_1', 'write', 'projects'), who).allowed).toBe(false);
    expect(
      check(
        requireOrgPermission((c) => c?.params?.orgId, 'read', 'projects'),
        who,
        ctx('org_1'),
      ).allowed,
    ).toBe(true);
  });

  it('a resolver that throws names no organization', () => {
    const p = requireOrgPermission(
      () => {
        throw new Error('x');
      },
      'read',
      'projects',
    );
    expect(check(p, who).allowed).toBe(false);
  });

  it('orgParam reads own params only', () => {
    const p = requireOrgPermission(orgParam('id'), 'read', 'projects');
    expect(check(p, who, { params: { id: 'org_1' } }).allowed).toBe(true);
    expect(check(p, who, { params: Object.create({ id: 'org_1' }) }).allowed).toBe(false);
  });

  it('requireOrgRole: owner and admin only explicitly, member for any membership', () => {
    expect(check(requireOrgRole('admin', 'org_1'), who).allowed).toBe(true);
    expect(check(requireOrgRole('owner', 'org_1'), who).allowed).toBe(false);
    expect(check(requireOrgRole('owner', 'org_2'), who).allowed).toBe(false);
    expect(check(requireOrgRole('admin', 'org_2'), who).allowed).toBe(false);
    expect(check(requireOrgRole('owner', 'org_4'), who).allowed).toBe(true);
    expect(check(requireOrgRole('admin', 'org_4'), who).allowed).toBe(false);
    expect(check(requireOrgRole(['owner', 'admin'], 'org_4'), who).allowed).toBe(true);
    for (const id of ['org_1', 'org_2', 'org_3', 'org_4']) {
      expect(check(requireOrgRole('member', id), who).allowed).toBe(true);
    }
    expect(check(requireOrgRole('member', 'org_9'), who)).toEqual({
      allowed: false,
      code: 'ERR_AUTH_MISSING_ORG_ROLE',
      reason: 'Missing required organization role',
    });
  });

  it('the principal-level owner scope does not make anyone an org owner', () => {
    expect(check(requireOrgRole('owner', 'org_3'), who).allowed).toBe(false);
  });

  it('the first organization with an id wins', () => {
    const dup = principal({
      organizations: [
        { id: 'o', scopes: [] },
        { id: 'o', scopes: ['owner'] },
      ],
    });
    expect(check(requireOrgRole('owner', 'o'), dup).allowed).toBe(false);
  });

  it.each([
    ['bad role', () => requireOrgRole('root' as never, 'o')],
    ['empty roles', () => requireOrgRole([], 'o')],
    ['empty org id', () => requireOrgRole('owner', '')],
    ['non-function org id', () => requireOrgPermission(1 as never, 'read', 'x')],
    ['bad action', () => requireOrgPermission('o', '*', 'x')],
    ['bad resource', () => requireOrgPermission('o', 'read', 'x.*')],
    ['orgParam empty', () => orgParam('')],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('combinators', () => {
  const yes: Policy = () => ({ allowed: true });
  const no: Policy = () => ({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'no' });
  const no2: Policy = () => ({ allowed: false, code: 'ERR_AUTH_MISSING_GROUP', reason: 'no2' });
  const down: Policy = () => ({
    allowed: false,
    code: 'ERR_AUTH_POLICY_UNAVAILABLE',
    reason: 'down',
    status: 503,
  });
  const who = principal();

  it('allOf returns the first denial and stays synchronous', () => {
    expect(allOf(yes, yes)(who)).toEqual({ allowed: true });
    expect(allOf(yes, no, no2)(who)).toMatchObject({ reason: 'no' });
  });

  it('anyOf returns allow on any, else the first denial, or a 503 when a decision point failed', () => {
    expect(anyOf(no, yes)(who)).toEqual({ allowed: true });
    expect(anyOf(no, no2)(who)).toMatchObject({ reason: 'no' });
    expect(anyOf(no, down)(who)).toMatchObject({ status: 503 });
    expect(anyOf(down, yes)(who)).toEqual({ allowed: true });
  });

  it('not inverts 403 but never a 503', () => {
    expect(not(no)(who)).toEqual({ allowed: true });
    expect(not(yes)(who)).toEqual({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'Forbidden' });
    expect(not(down)(who)).toMatchObject({ allowed: false, status: 503 });
    expect(not(yes, { code: 'ERR_AUTH_MISSING_GROUP', reason: 'Guests only' })(who)).toMatchObject({
      code: 'ERR_AUTH_MISSING_GROUP',
    });
  });

  it('a throwing policy fails closed as 503, including under not', () => {
    const boom: Policy = () => {
      throw new Error('boom');
    };
    expect(allOf(yes, boom)(who)).toMatchObject({ allowed: false, status: 503 });
    expect(not(boom)(who)).toMatchObject({ allowed: false, status: 503 });
    expect(anyOf(boom, no)(who)).toMatchObject({ allowed: false, status: 503 });
  });

  it('a malformed result is a denial', () => {
    const weird = (() => true) as unknown as Policy;
    const undef = (() => undefined) as unknown as Policy;
    expect(allOf(weird)(who)).toMatchObject({ allowed: false });
    expect(anyOf(undef)(who)).toMatchObject({ allowed: false });
  });

  it('inversion of a malformed answer stays a denial (not, and not of a combinator)', async () => {
    // `isBanned` written as a boolean predicate instead of a policy: every answer is malformed.
    const isBanned = (() => true) as unknown as Policy;
    const notBanned = (() => false) as unknown as Policy;
    const malformed: Policy[] = [
      isBanned,
      notBanned,
      (() => undefined) as unknown as Policy,
      (() => null) as unknown as Policy,
      (() => 'allow') as unknown as Policy,
      (() => ({ allowed: false })) as unknown as Policy,
      (() => ({ allowed: 'yes' })) as unknown as Policy,
      (() => ({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'x', status: 401 })) as unknown as Policy,
      (async () => true) as unknown as Policy,
      (async () => undefined) as unknown as Policy,
    ];
    for (const bad of malformed) {
      for (const p of [
        not(bad),
        not(not(bad)),
        not(not(not(bad))),
        not(allOf(bad)),
        not(anyOf(bad)),
        not(anyOf(no, bad)),
        not(anyOf(bad, no)),
        not(allOf(yes, bad)),
        allOf(yes, not(bad)),
        anyOf(no, not(bad)),
      ]) {
        expect(await p(who)).toMatchObject({ allowed: false });
      }
    }
  });

  it('mixes sync and async policies', async () => {
    const later: Policy = async () => ({ allowed: true });
    const laterNo: Policy = async () => ({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'later' });
    expect(await allOf(yes, later, yes)(who)).toEqual({ allowed: true });
    expect(await allOf(later, laterNo, no)(who)).toMatchObject({ reason: 'later' });
    expect(await anyOf(laterNo, no, later)(who)).toEqual({ allowed: true });
    expect(await anyOf(laterNo, no)(who)).toMatchObject({ reason: 'later' });
    expect(await not(laterNo)(who)).toEqual({ allowed: true });
  });

  it('short-circuits', () => {
    let ran = 0;
    const count: Policy = () => {
      ran++;
      return { allowed: true };
    };
    allOf(no, count)(who);
    anyOf(yes, count)(who);
    expect(ran).toBe(0);
  });

  it('composes the real makers', () => {
    const p = anyOf(
      requireGroups('admin'),
      allOf(requireScopes('read:items'), not(requireClaim('suspended', { equals: true }))),
    );
    expect(check(p, principal({ groups: ['admin'] })).allowed).toBe(true);
    expect(check(p, principal({ scopes: ['read:items'] })).allowed).toBe(true);
    expect(check(p, principal({ scopes: ['read:items'], claims: claims({ suspended: true }) })).allowed).toBe(
      false,
    );
  });

  it.each([
    ['empty allOf', () => allOf()],
    ['empty anyOf', () => anyOf()],
    ['non-function', () => allOf(yes, 'x' as never)],
    ['not of nothing', () => not(undefined as never)],
    ['not with a bad denial', () => not(yes, { code: 'nope' as never, reason: 'x' })],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('scope indexing is lazy and cached per scopes array', () => {
  function counted(values: string[]) {
    let reads = 0;
    const proxy = new Proxy(values, {
      get(target, key, receiver) {
        if (key === Symbol.iterator) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    return { proxy, reads: () => reads };
  }

  it('parses the scopes once for any number of checks', () => {
    const { proxy, reads } = counted(
      Array.from({ length: 50 }, (_, i) => `res${i}.sub:read`).concat('read:items'),
    );
    const who = principal({ scopes: proxy });
    expect(reads()).toBe(0);
    const policies = [
      requireScopes('read:items'),
      requirePermission('read', 'res7.sub'),
      requireAnyScope('x'),
    ];
    for (let i = 0; i < 100; i++) for (const p of policies) p(who);
    expect(reads()).toBe(1);
    expect(check(requirePermission('read', 'res49.sub'), who).allowed).toBe(true);
    expect(check(requirePermission('read', 'res50.sub'), who).allowed).toBe(false);
  });

  it('indexes each organization once', () => {
    const { proxy, reads } = counted(['projects:read']);
    const who = principal({ organizations: [{ id: 'o', scopes: proxy }] });
    const p = requireOrgPermission('o', 'read', 'projects');
    for (let i = 0; i < 10; i++) expect(check(p, who).allowed).toBe(true);
    expect(reads()).toBe(1);
  });
});
