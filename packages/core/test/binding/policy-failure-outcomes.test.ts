/**
 * Whatever a policy does, the run ends with an AuthError in the binding's realm and never throws or
 * rejects: a thrown non-Error, a thrown AuthError of another realm (was a synchronous TypeError, a 500
 * in every adapter), a malformed answer, and a decision that never comes when wrapped in `remotePolicy()`.
 */
import { describe, expect, it } from 'vitest';
import { remotePolicy } from '../../src/authorize/remote.ts';
import type { Authenticator } from '../../src/authenticator.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { type AuthError, ForbiddenError, isAuthError } from '../../src/errors.ts';
import type { Policy, Principal, RequestLike } from '../../src/types.ts';

const principal = { subject: 'alice', scopes: [], claims: {} } as unknown as Principal;
const authenticator: Authenticator = {
  realm: 'orders',
  hasCredentials: () => true,
  authenticate: async () => principal,
  close() {},
};
const binding = createAuthBinding<RequestLike>(authenticator, {
  where: 'test',
  requestOf: (req) => req,
  contextOf: () => ({ params: {}, method: 'GET', path: '/' }),
});
const req = { headers: { authorization: 'Bearer x' } } as RequestLike;

async function outcomeOf(p: Policy): Promise<AuthError> {
  let run: ReturnType<typeof binding.run> | undefined;
  expect(() => {
    run = binding.run(req, { mode: 'required', policy: p });
  }).not.toThrow();
  const outcome = await run;
  expect(isAuthError(outcome)).toBe(true);
  return outcome as AuthError;
}

describe('policy failure outcomes', () => {
  it('a policy throwing a non-Error (string, undefined) is a 503 in the binding realm', async () => {
    for (const thrown of ['nope', undefined, 42]) {
      const error = await outcomeOf(() => {
        throw thrown;
      });
      expect([error.status, error.code, error.realm]).toEqual([503, 'ERR_AUTH_POLICY_UNAVAILABLE', 'orders']);
    }
  });

  it("a policy throwing an AuthError of another realm is that error in the binding's realm", async () => {
    const elsewhere = new ForbiddenError('ERR_AUTH_FORBIDDEN', 'no').withRealm('elsewhere');
    const error = await outcomeOf(() => {
      throw elsewhere;
    });
    expect([error.status, error.code, error.realm]).toEqual([403, 'ERR_AUTH_FORBIDDEN', 'orders']);
    expect(elsewhere.realm).toBe('elsewhere');
  });

  it('a malformed answer (undefined, "yes", a thenable of true-ish junk) denies', async () => {
    for (const answer of [undefined, 'yes', 1, Promise.resolve({ allowed: 'true' })]) {
      const error = await outcomeOf(() => answer as never);
      expect([403, 503]).toContain(error.status);
    }
  });

  it('a decision that never comes, wrapped in remotePolicy({ timeoutMs }), is a 503 (fail closed)', async () => {
    const never = remotePolicy(() => new Promise(() => {}), { timeoutMs: 20 });
    const error = await outcomeOf(never);
    expect([error.status, error.code]).toEqual([503, 'ERR_AUTH_POLICY_UNAVAILABLE']);
  });
});
