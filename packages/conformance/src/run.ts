import { describe, expect, it } from 'vitest';
import type { Case, Success } from './case.ts';
import { apiKeyCases } from './cases/api-keys.ts';
import { bodyCases } from './cases/bodies.ts';
import { documentCases } from './cases/documents.ts';
import { headerCases } from './cases/headers.ts';
import { routeCases } from './cases/routes.ts';
import { tokenCases } from './cases/tokens.ts';
import { useEnvironment, type Environment } from './environment.ts';
import { expectFailure } from './expectations.ts';
import { fuzzAuthorization } from './fuzz.ts';
import { send } from './http.ts';
import type { ConformanceHarness } from './types.ts';
import { challengeRows, declarationRows } from './cases/guarded.ts';
import { stackedRows } from './cases/stacked.ts';
import { declaredRows } from './cases/declared.ts';
import { dpopRows } from './cases/dpop.ts';
import { limiterRows } from './cases/limiter.ts';

/** All rows, by section. */
export const conformanceCases: Record<string, readonly Case[]> = {
  'demo API routes': routeCases,
  'Authorization header and token locations': headerCases,
  'token verification and keys': tokenCases,
  'API keys': apiKeyCases,
  'request bodies (authentication first)': bodyCases,
  'documents decided by an AuthZEN decision point': documentCases,
};

async function runCase(env: Environment, c: Case): Promise<void> {
  const path = typeof c.path === 'function' ? await c.path(env) : c.path;
  const headers = c.headers ? await c.headers(env) : [];
  const reply = await send(env.app[c.app ?? 'main'], path, {
    method: c.method ?? 'GET',
    headers,
    ...(c.body === undefined ? {} : { body: c.body }),
    ...(c.contentType === undefined ? {} : { contentType: c.contentType }),
  });
  if ('code' in c.expect) {
    expectFailure(reply, c.expect);
  } else {
    const success = c.expect as Success;
    expect(reply.status, `${reply.status} ${reply.text}`).toBe(success.status);
    success.check?.(reply.json, reply.text, env);
  }
}

/**
 * Registers the contract's test suite (docs/contract.md) for one adapter. Call it at the top level
 * of a vitest test file with a harness that starts that adapter's demo app.
 */
export function runConformance(harness: ConformanceHarness): void {
  describe(`conformance: ${harness.name}`, () => {
    const env = useEnvironment(harness);
    for (const [section, cases] of Object.entries(conformanceCases)) {
      if (cases.length === 0) continue;
      describe(section, () => {
        for (const c of cases) it(c.name, () => runCase(env, c));
      });
    }
    // Registered only when the harness can build such apps (an out-of-process runtime cannot).
    if (harness.startGuarded) {
      describe('challenge text (RFC 6750 §3 characters; full text in the body)', () => {
        for (const row of challengeRows) it(row.name, () => row.run(env));
      });
    }
    if (harness.startStacked) {
      describe('optional then required authentication on one request (a memo per authenticator and mode)', () => {
        for (const row of stackedRows) it(row.name, () => row.run(env));
      });
    }
    if (harness.startDeclared) {
      describe('optional authentication with a requirement (one rule: the requirement needs a principal)', () => {
        for (const row of declaredRows) it(row.name, () => row.run(env));
      });
    }
    const declare = harness.declareRoute?.bind(harness);
    if (declare) {
      describe('route declarations refuse unknown option names', () => {
        for (const row of declarationRows) it(row.name, () => row.run(env, declare));
      });
    }
    describe('DPoP (RFC 9449), step-up (RFC 9470) and protected-resource metadata (RFC 9728)', () => {
      for (const row of dpopRows) it(row.name, () => row.run(env));
    });
    describe('failed-credential limiter (429 with Retry-After; a real redis-server)', () => {
      for (const row of limiterRows) it(row.name, () => row.run(env));
    });
    describe('nothing a client sends produces a 500', () => {
      it('random Authorization header values get 400 or 401', () => fuzzAuthorization(env));
    });
  });
}
