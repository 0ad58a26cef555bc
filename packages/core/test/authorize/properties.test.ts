import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  hasAccess,
  hasRole,
  not,
  parseScope,
  requireOrgRole,
  requireScopes,
} from '../../src/authorize/index.ts';
import type { Decision, Policy } from '../../src/types.ts';
import { principal } from '../fixtures/principal.ts';

const RUNS = { numRuns: 300 };

// A small alphabet so that generated names collide often (and sometimes hit the role names).
const name = fc.oneof(
  fc.constantFrom(
    'users',
    'keys',
    'projects',
    'a',
    'b',
    'read',
    'write',
    'owner',
    'admin',
    'member',
    'x-y',
    'z_1',
  ),
  fc.stringMatching(/^[a-z0-9_-]{1,6}$/),
);
const path = fc.array(name, { minLength: 1, maxLength: 4 });
const actionPart = fc.oneof(name, fc.constant('*'), fc.constant('**'));
const resourcePart = fc.oneof(
  { weight: 4, arbitrary: path.map((p) => p.join('.')) },
  { weight: 1, arbitrary: fc.constant('*') },
);
const validScope = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(resourcePart, actionPart).map(([r, a]) => `${r}:${a}`) },
  { weight: 1, arbitrary: fc.constantFrom('owner', 'admin', 'member') },
);
/** Strings over the grammar's own characters plus a few illegal ones: mostly malformed. */
const noisyScope = fc
  .array(fc.constantFrom('a', 'b', 'users', '.', ':', '*', '**', ' ', '', '-', '/', 'é', '\n', 'owner'), {
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

/** An independent reference for one scope: a direct reading of the grammar rules. */
function referenceGrants(scope: string, action: string, resource: string[]): boolean {
  const m = /^(\*|[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*):(\*\*|\*|[A-Za-z0-9_-]+)$/.exec(scope);
  if (!m) return false;
  const [, res, act] = m as unknown as [string, string, string];
  const roleAction = action === 'owner' || action === 'admin' || action === 'member';
  if (res === '*') {
    if (roleAction) return false;
    if (act === '**') return true;
    return resource.length === 1 && (act === '*' || act === action);
  }
  const segs = res.split('.');
  const samePath = segs.length === resource.length && segs.every((s, i) => s === resource[i]);
  if (act === action) return samePath;
  if (roleAction) return false;
  if (act === '*') return samePath;
  if (act === '**') return segs.length <= resource.length && segs.every((s, i) => s === resource[i]);
  return false;
}

describe('hierarchical scopes: properties', () => {
  it('the index agrees with a direct reading of the grammar', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(validScope, noisyScope), { maxLength: 12 }),
        name,
        path,
        (scopes, action, resource) => {
          const expected = scopes.some((s) => referenceGrants(s, action, resource));
          expect(hasAccess(scopes, action, resource.join('.'))).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('x:* never grants x.y:a', () => {
    fc.assert(
      fc.property(path, path, name, (x, y, a) => {
        expect(hasAccess([`${x.join('.')}:*`], a, [...x, ...y].join('.'))).toBe(false);
      }),
      RUNS,
    );
  });

  it('x:** grants every non-role action on x and below, nothing elsewhere', () => {
    fc.assert(
      fc.property(path, fc.array(name, { maxLength: 3 }), name, path, (x, y, a, other) => {
        const isRoleName = ['owner', 'admin', 'member'].includes(a);
        expect(hasAccess([`${x.join('.')}:**`], a, [...x, ...y].join('.'))).toBe(!isRoleName);
        const under = other.length >= x.length && x.every((s, i) => s === other[i]);
        if (!under) expect(hasAccess([`${x.join('.')}:**`], a, other.join('.'))).toBe(false);
      }),
      RUNS,
    );
  });

  it('*:a and *:* never grant below the top level', () => {
    fc.assert(
      fc.property(name, path, name, (a, p, extra) => {
        const deep = [...p, extra].join('.');
        expect(hasAccess([`*:${a}`, '*:*'], a, deep)).toBe(false);
      }),
      RUNS,
    );
  });

  it('no pattern grants owner or admin (as a role or as an action)', () => {
    const notExactRole = fc.oneof(validScope, noisyScope).filter((s) => s !== 'owner' && s !== 'admin');
    fc.assert(
      fc.property(
        fc.array(notExactRole, { maxLength: 12 }),
        path,
        fc.constantFrom('owner', 'admin'),
        (scopes, resource, role) => {
          expect(hasRole(scopes, role)).toBe(false);
          const org = principal({ organizations: [{ id: 'o', scopes }] });
          expect((requireOrgRole(role, 'o')(org) as Decision).allowed).toBe(false);
          const explicit = scopes.includes(`${resource.join('.')}:${role}`);
          expect(hasAccess(scopes, role, resource.join('.'))).toBe(explicit);
        },
      ),
      RUNS,
    );
  });

  it('malformed scopes never grant anything', () => {
    const malformed = noisyScope.filter((s) => parseScope(s) === null);
    fc.assert(
      fc.property(fc.array(malformed, { maxLength: 10 }), name, path, (scopes, action, resource) => {
        expect(hasAccess(scopes, action, resource.join('.'))).toBe(false);
        // The space-delimited form re-splits on spaces, so it only carries the same malformed
        // scopes when none of them contains a space ("a:users " joined could become "a:users").
        if (scopes.every((s) => !s.includes(' '))) {
          expect(hasAccess(scopes.join(' '), action, resource.join('.'))).toBe(false);
        }
        for (const role of ['owner', 'admin', 'member'] as const) expect(hasRole(scopes, role)).toBe(false);
      }),
      RUNS,
    );
  });

  it('flat scope checks never grant by substring or prefix', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z:]{1,8}$/),
        fc.stringMatching(/^[a-z:-]{1,4}$/),
        (required, suffix) => {
          const who = principal({
            scopes: [required + suffix, `${suffix}${required}`, required.slice(0, -1)],
          });
          const allowed = (requireScopes(required)(who) as Decision).allowed;
          expect(allowed).toBe(who.scopes.includes(required));
        },
      ),
      RUNS,
    );
  });
});

// ---- combinators: boolean laws and fail-closed soundness ----

type Leaf = 'allow' | 'deny' | 'down' | 'junk';
type Tree = { leaf: Leaf; async: boolean } | { op: 'all' | 'any'; kids: Tree[] } | { op: 'not'; kid: Tree };

const leafDecision: Record<Leaf, Decision> = {
  allow: { allowed: true },
  deny: { allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'no' },
  down: { allowed: false, code: 'ERR_AUTH_POLICY_UNAVAILABLE', reason: 'down', status: 503 },
  // A malformed answer (a boolean where a Decision belongs): as unknown as a failed decision point.
  junk: true as unknown as Decision,
};

const treeArb = (leaves: Leaf[]) =>
  fc.letrec<{ tree: Tree }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ leaf: fc.constantFrom(...leaves), async: fc.boolean() }),
      fc.record({
        op: fc.constantFrom('all' as const, 'any' as const),
        kids: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ op: fc.constant('not' as const), kid: tie('tree') }),
    ),
  })).tree;

function build(t: Tree): Policy {
  if ('leaf' in t) {
    const d = leafDecision[t.leaf];
    return t.async ? async () => d : () => d;
  }
  if (t.op === 'not') return not(build(t.kid));
  return t.op === 'all' ? allOf(...t.kids.map(build)) : anyOf(...t.kids.map(build));
}

/** Two-valued meaning, with `down` leaves read from an assignment. */
function meaning(t: Tree, down: boolean[], counter = { i: 0 }): boolean {
  if ('leaf' in t)
    return t.leaf === 'allow' || ((t.leaf === 'down' || t.leaf === 'junk') && down[counter.i++]!);
  if (t.op === 'not') return !meaning(t.kid, down, counter);
  const values = t.kids.map((k) => meaning(k, down, counter));
  return t.op === 'all' ? values.every(Boolean) : values.some(Boolean);
}

function countDown(t: Tree): number {
  if ('leaf' in t) return t.leaf === 'down' || t.leaf === 'junk' ? 1 : 0;
  if (t.op === 'not') return countDown(t.kid);
  return t.kids.reduce((n, k) => n + countDown(k), 0);
}

const who = principal();
const allowed = async (p: Policy) => (await p(who)).allowed === true;

describe('combinators: properties', () => {
  const tree = treeArb(['allow', 'deny']);

  it('allOf / anyOf / not are AND / OR / NOT (sync and async leaves)', async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (t) => {
        expect(await allowed(build(t))).toBe(meaning(t, []));
      }),
      RUNS,
    );
  });

  it('boolean laws: De Morgan, double negation, idempotence, commutativity, absorption', async () => {
    await fc.assert(
      fc.asyncProperty(tree, tree, async (ta, tb) => {
        const [a, b] = [build(ta), build(tb)];
        const same = async (p: Policy, q: Policy) => expect(await allowed(p)).toBe(await allowed(q));
        await same(not(allOf(a, b)), anyOf(not(a), not(b)));
        await same(not(anyOf(a, b)), allOf(not(a), not(b)));
        await same(not(not(a)), a);
        await same(allOf(a, a), a);
        await same(anyOf(a, a), a);
        await same(allOf(a, b), allOf(b, a));
        await same(anyOf(a, b), anyOf(b, a));
        await same(allOf(a, anyOf(a, b)), a);
        await same(anyOf(a, allOf(a, b)), a);
        expect(await allowed(allOf(a, not(a)))).toBe(false);
        expect(await allowed(anyOf(a, not(a)))).toBe(true);
      }),
      RUNS,
    );
  });

  it('fail closed: a tree with failed decision points allows only if it would allow whatever they answered', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb(['allow', 'deny', 'down']), async (t) => {
        const n = countDown(t);
        fc.pre(n <= 8);
        if (!(await allowed(build(t)))) return;
        for (let mask = 0; mask < 1 << n; mask++) {
          const assignment = Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1);
          expect(meaning(t, assignment)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('fail closed: malformed answers count as unknown, so negation never turns them into an allow', async () => {
    await fc.assert(
      fc.asyncProperty(treeArb(['allow', 'deny', 'down', 'junk']), async (t) => {
        const n = countDown(t);
        fc.pre(n <= 8);
        if (!(await allowed(build(t)))) return;
        for (let mask = 0; mask < 1 << n; mask++) {
          const assignment = Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1);
          expect(meaning(t, assignment)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('a lone failed decision point never allows, however often negated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 }), fc.boolean(), async (depth, isAsync) => {
        let p = build({ leaf: 'down', async: isAsync });
        for (let i = 0; i < depth; i++) p = not(p);
        const d = await p(who);
        expect(d).toMatchObject({ allowed: false, status: 503 });
        let q = allOf(build({ leaf: 'junk', async: isAsync }));
        for (let i = 0; i < depth; i++) q = not(q);
        expect(await q(who)).toMatchObject({ allowed: false });
      }),
    );
  });
});
