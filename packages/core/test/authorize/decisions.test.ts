import { describe, expect, it } from 'vitest';
import {
  allOf,
  assertAllowed,
  decisionToError,
  evaluatePolicy,
  not,
  remotePolicy,
  requireClaim,
  requireGroups,
  requireOrgPermission,
  requirePermission,
  requireScopes,
} from '../../src/authorize/index.ts';
import {
  type AuthError,
  ForbiddenError,
  InsufficientScopeError,
  MissingTokenError,
  UnavailableError,
} from '../../src/errors.ts';
import type { Decision, Policy } from '../../src/types.ts';
import { principal } from '../fixtures/principal.ts';

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    return error as AuthError;
  }
  throw new Error('expected a rejection');
}

describe('remotePolicy(): remote decision points fail closed', () => {
  const who = principal();

  it('maps true / false / a Decision', async () => {
    expect(await remotePolicy(async () => true)(who)).toEqual({ allowed: true });
    expect(await remotePolicy(async () => false)(who)).toEqual({
      allowed: false,
      code: 'ERR_AUTH_FORBIDDEN',
      reason: 'Forbidden by policy',
    });
    expect(
      await remotePolicy(() => false, { code: 'ERR_AUTH_MISSING_PERMISSION', reason: 'Denied by FGA' })(who),
    ).toEqual({
      allowed: false,
      code: 'ERR_AUTH_MISSING_PERMISSION',
      reason: 'Denied by FGA',
    });
    const custom: Decision = { allowed: false, code: 'ERR_AUTH_MISSING_ORG_ROLE', reason: 'Not a manager' };
    expect(await remotePolicy(async () => custom)(who)).toEqual(custom);
    expect(await remotePolicy(async () => ({ allowed: false }) as Decision)(who)).toMatchObject({
      code: 'ERR_AUTH_FORBIDDEN',
    });
  });

  it('passes the principal and context', async () => {
    const seen: unknown[] = [];
    await remotePolicy(async (p, ctx) => {
      seen.push(p.subject, ctx?.params?.orgId);
      return true;
    })(who, { params: { orgId: 'o1' } });
    expect(seen).toEqual(['user_1', 'o1']);
  });

  it('times out with a 503 denial and aborts the signal', async () => {
    let signal: AbortSignal | undefined;
    const started = Date.now();
    const d = await remotePolicy(
      (_p, _c, options) => {
        signal = options.signal;
        return new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 500));
      },
      { timeoutMs: 30 },
    )(who);
    expect(Date.now() - started).toBeLessThan(400);
    expect(d).toEqual({
      allowed: false,
      code: 'ERR_AUTH_POLICY_UNAVAILABLE',
      reason: 'The authorization decision point is unavailable',
      status: 503,
    });
    expect(signal?.aborted).toBe(true);
  });

  it('a late allow after the timeout does not change the answer', async () => {
    let release!: (v: boolean) => void;
    const p = remotePolicy(() => new Promise<boolean>((r) => (release = r)), { timeoutMs: 10 });
    const d = await p(who);
    release(true);
    expect(d.allowed).toBe(false);
  });

  it.each([
    ['an async throw', async () => Promise.reject(new Error('connection refused'))],
    [
      'a sync throw',
      () => {
        throw new Error('bad');
      },
    ],
    ['an AuthError throw', async () => Promise.reject(new ForbiddenError())],
    ['undefined', async () => undefined as unknown as boolean],
    ['a string', async () => 'yes' as unknown as boolean],
    ['a number', async () => 1 as unknown as boolean],
    ['an object whose allowed is not a boolean', async () => ({ allowed: 'yes' }) as unknown as boolean],
    [
      'a denial with a status other than 403 or 503',
      async () =>
        ({ allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: 'x', status: 401 }) as unknown as boolean,
    ],
    // Without a code, the status is all it says: "unavailable" (or anything but 403) is no plain "no".
    [
      'a codeless denial with status 503',
      async () => ({ allowed: false, status: 503 }) as unknown as boolean,
    ],
    [
      'a codeless denial with status 500',
      async () => ({ allowed: false, status: 500 }) as unknown as boolean,
    ],
  ])('%s fails closed with 503', async (_, fn) => {
    expect(await remotePolicy(fn as never, { timeoutMs: 1000 })(who)).toMatchObject({
      allowed: false,
      code: 'ERR_AUTH_POLICY_UNAVAILABLE',
      status: 503,
    });
  });

  it('not() of an unusable answer stays closed', async () => {
    const weird = remotePolicy(async () => ({ allowed: 'yes' }) as unknown as boolean);
    expect(await not(weird)(who)).toMatchObject({ allowed: false, status: 503 });
  });

  it('crash: an answer whose fields throw when read is a prompt 503, not an unhandled rejection', async () => {
    const fn = async () =>
      ({
        allowed: false,
        get code(): string {
          throw new Error('getter');
        },
      }) as unknown as boolean;
    // Before: the throw escaped as an unhandled rejection and the request waited for the timeout.
    expect(await remotePolicy(fn, { timeoutMs: 60_000 })(who)).toMatchObject({ allowed: false, status: 503 });
  });

  it('inversion of a malformed answer: not() of a codeless 503 from the decision function stays closed', async () => {
    const down = remotePolicy(async () => ({ allowed: false, status: 503 }) as unknown as boolean);
    expect(await not(down)(who)).toMatchObject({ allowed: false, status: 503 });
  });

  it('not() of a failed decision point stays closed', async () => {
    const down = remotePolicy(async () => Promise.reject(new Error('x')));
    expect(await not(down)(who)).toMatchObject({ allowed: false, status: 503 });
    await expect(assertAllowed(not(down), who)).rejects.toBeInstanceOf(UnavailableError);
  });

  it.each([
    ['non-function', () => remotePolicy('x' as never)],
    ['zero timeout', () => remotePolicy(async () => true, { timeoutMs: 0 })],
    ['negative timeout', () => remotePolicy(async () => true, { timeoutMs: -1 })],
    ['NaN timeout', () => remotePolicy(async () => true, { timeoutMs: Number.NaN })],
    ['infinite timeout', () => remotePolicy(async () => true, { timeoutMs: Number.POSITIVE_INFINITY })],
    ['string timeout', () => remotePolicy(async () => true, { timeoutMs: '100' as never })],
    ['bad code', () => remotePolicy(async () => true, { code: 'FORBIDDEN' as never })],
    ['null options', () => remotePolicy(async () => true, null as never)],
  ])('throws TypeError at creation for %s', (_, make) => {
    expect(make).toThrow(TypeError);
  });
});

describe('decisionToError', () => {
  it('renders the contract 403 challenge with scope for a scope denial', () => {
    const d = requireScopes('read:items')(principal()) as Decision;
    const e = decisionToError(d);
    expect(e).toBeInstanceOf(InsufficientScopeError);
    const res = e.toResponse('api');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Insufficient scope", scope="read:items"',
    );
    expect(res.body).toEqual({
      status: 403,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      message: 'Insufficient scope',
      error: 'insufficient_scope',
      scope: 'read:items',
    });
  });

  it('lists several scopes space-separated', () => {
    const e = decisionToError(requireScopes('read:items', 'write:items')(principal()) as Decision);
    expect(e.wwwAuthenticate()).toContain('scope="read:items write:items"');
  });

  it('names the hierarchical scope for a permission denial', () => {
    const e = decisionToError(requirePermission('read', 'projects')(principal()) as Decision);
    expect(e).toBeInstanceOf(InsufficientScopeError);
    expect(e.toBody()).toMatchObject({ code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'projects:read' });
  });

  it.each([
    ['group', requireGroups('admin'), 'ERR_AUTH_MISSING_GROUP'],
    ['claim', requireClaim('tier', { equals: 'gold' }), 'ERR_AUTH_CLAIM_CHECK_FAILED'],
    ['org permission', requireOrgPermission('o', 'read', 'projects'), 'ERR_AUTH_MISSING_ORG_PERMISSION'],
  ] as [string, Policy, string][])(
    'renders a %s denial as 403 insufficient_scope without scope',
    (_, p, code) => {
      const e = decisionToError(p(principal()) as Decision);
      expect(e).toBeInstanceOf(ForbiddenError);
      const res = e.toResponse('my "api"');
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="my \\"api\\"", error="insufficient_scope", /,
      );
      expect(res.headers['www-authenticate']).not.toContain('scope="');
      expect(res.body).toMatchObject({ status: 403, code, error: 'insufficient_scope' });
      expect(res.body.scope).toBeUndefined();
    },
  );

  it('renders a failed decision point as 503 with Retry-After and no challenge', () => {
    const e = decisionToError({
      allowed: false,
      code: 'ERR_AUTH_POLICY_UNAVAILABLE',
      reason: 'The authorization decision point is unavailable',
      status: 503,
    });
    expect(e).toBeInstanceOf(UnavailableError);
    const res = e.toResponse();
    expect(res.status).toBe(503);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body).toEqual({
      status: 503,
      code: 'ERR_AUTH_POLICY_UNAVAILABLE',
      message: 'The authorization decision point is unavailable',
    });
  });

  it('keeps scopes with a precise code', () => {
    const e = decisionToError({
      allowed: false,
      code: 'ERR_AUTH_MISSING_PERMISSION',
      reason: 'Missing permission',
      requiredScopes: ['a:b'],
    });
    expect(e.code).toBe('ERR_AUTH_MISSING_PERMISSION');
    expect(e.wwwAuthenticate()).toContain('scope="a:b"');
  });

  it('treats a denial with malformed requiredScopes as a plain 403', () => {
    const e = decisionToError({
      allowed: false,
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      reason: 'x',
      requiredScopes: 'read:items' as never,
    });
    expect(e.status).toBe(403);
    expect(e.requiredScopes).toEqual([]);
  });

  it('throws TypeError for an allow or a non-decision', () => {
    expect(() => decisionToError({ allowed: true })).toThrow(TypeError);
    expect(() => decisionToError(undefined as never)).toThrow(TypeError);
  });
});

describe('assertAllowed / evaluatePolicy', () => {
  it('resolves when allowed', async () => {
    await expect(assertAllowed(requireScopes('a'), principal({ scopes: ['a'] }))).resolves.toBeUndefined();
    await expect(
      assertAllowed(
        remotePolicy(async () => true),
        principal(),
        { params: { orgId: 'x' } },
      ),
    ).resolves.toBeUndefined();
  });

  it('throws the rendered AuthError', async () => {
    const e = await rejection(assertAllowed(requireScopes('read:items'), principal()));
    expect(e).toBeInstanceOf(InsufficientScopeError);
    expect(e.requiredScopes).toEqual(['read:items']);
    const g = await rejection(assertAllowed(allOf(requireGroups('admin')), principal()));
    expect(g).toBeInstanceOf(ForbiddenError);
    expect(g.code).toBe('ERR_AUTH_MISSING_GROUP');
  });

  it('times out to a 503 UnavailableError', async () => {
    const slow = remotePolicy(() => new Promise<boolean>((r) => setTimeout(() => r(true), 300)), {
      timeoutMs: 20,
    });
    const e = await rejection(assertAllowed(slow, principal()));
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.status).toBe(503);
    expect(e.code).toBe('ERR_AUTH_POLICY_UNAVAILABLE');
  });

  it('a raw policy that throws fails closed as 503; an AuthError passes through', async () => {
    const boom: Policy = () => {
      throw new Error('secret detail');
    };
    const e = await rejection(assertAllowed(boom, principal()));
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.message).not.toContain('secret');
    const forbidden = new ForbiddenError('ERR_AUTH_FORBIDDEN', 'No');
    const thrower: Policy = async () => {
      throw forbidden;
    };
    expect(await rejection(assertAllowed(thrower, principal()))).toBe(forbidden);
  });

  it('a malformed result is a 403, never an allow', async () => {
    const e = await rejection(assertAllowed((() => ({ allowed: 'yes' })) as never, principal()));
    expect(e.status).toBe(403);
  });

  it('without a principal throws 401 MissingTokenError', async () => {
    await expect(assertAllowed(requireScopes('a'), undefined)).rejects.toBeInstanceOf(MissingTokenError);
  });

  it('rejects a non-function policy with TypeError', async () => {
    await expect(assertAllowed('x' as never, principal())).rejects.toBeInstanceOf(TypeError);
  });

  it('evaluatePolicy always resolves to a decision', async () => {
    expect(await evaluatePolicy(requireScopes('a'), principal({ scopes: ['a'] }))).toEqual({ allowed: true });
    const boom: Policy = () => {
      throw new Error('x');
    };
    expect(await evaluatePolicy(boom, principal())).toMatchObject({ status: 503 });
  });
});
