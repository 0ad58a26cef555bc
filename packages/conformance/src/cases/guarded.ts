import { type Policy, remotePolicy, requireClaim } from '@auth/core';
import { expect } from 'vitest';
import { bearer } from '../case.ts';
import type { Environment } from '../environment.ts';
import { expectFailure } from '../expectations.ts';
import { send } from '../http.ts';
import type { ConformanceHarness } from '../types.ts';

/** A denial whose text is not Latin-1: an app's reason or a claim path with non-ASCII characters. */
interface ChallengeRow {
  name: string;
  run(env: Environment): Promise<void>;
}

async function denied(env: Environment, guard: Policy, claims: Record<string, unknown>, message: string) {
  const baseUrl = await env.startGuarded({ auth: env.auth(), policy: guard });
  const reply = await send(baseUrl, '/guarded', { headers: bearer(await env.mint(claims)) });
  expectFailure(reply, { status: 403, code: /^ERR_AUTH_/, error: 'insufficient_scope' });
  // Not an HTML error page, not a framework's own body: the contract's JSON with the full text.
  expect(reply.json.message).toBe(message);
  // Node itself refuses such a header value (ERR_INVALID_CHAR); check the value reads as a header.
  expect(
    () => new Headers({ 'www-authenticate': reply.headers['www-authenticate'] as string }),
  ).not.toThrow();
  const allowed = await send(baseUrl, '/guarded', {
    headers: bearer(await env.mint({ ...claims, ok: true })),
  });
  expect(allowed.status, allowed.text).toBe(200);
}

const REASON = 'You don’t have access to “reports” — 角色 required';

export const challengeRows: ChallengeRow[] = [
  {
    name: 'a policy reason with typographic quotes and CJK text: a valid header and the full text in the body',
    run: (env) =>
      denied(
        env,
        remotePolicy((p) =>
          p.claims.ok === true ? true : { allowed: false, code: 'ERR_AUTH_FORBIDDEN', reason: REASON },
        ),
        {},
        REASON,
      ),
  },
  {
    name: 'a claim check on a non-ASCII claim path (角色)',
    run: (env) => {
      const roleOrOk: Policy = (p, ctx) =>
        p.claims.ok === true ? { allowed: true } : requireClaim('角色', { equals: 'admin' })(p, ctx);
      return denied(env, roleOrOk, { 角色: 'user' }, 'Claim check failed: 角色');
    },
  },
];

interface DeclarationRow {
  name: string;
  run(env: Environment, declare: NonNullable<ConformanceHarness['declareRoute']>): Promise<void>;
}

async function declaration(declare: () => void | Promise<void>): Promise<unknown> {
  try {
    await declare();
    return undefined;
  } catch (error) {
    return error;
  }
}

export const declarationRows: DeclarationRow[] = [
  {
    // `scope` for `scopes` used to be ignored: the route served tokens without the scope.
    name: 'a route declared with { scope: [...] } (a typo) throws a TypeError naming "scope"',
    run: async (env, declare) => {
      const error = await declaration(() => declare({ scope: ['read:items'] }, env.auth()));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toMatch(/unknown option "scope"/);
    },
  },
  {
    name: 'a route declared without unknown keys does not throw',
    run: async (env, declare) => {
      expect(await declaration(() => declare({}, env.auth()))).toBeUndefined();
    },
  },
];
