/**
 * A custom authenticator is trusted to resolve a Principal or undefined. A malformed answer (`false`,
 * `0`, a string) is not "someone": it must fail closed, never reach a handler as the principal.
 */
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/authenticator.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { OPTIONAL, REQUIRED } from '../../src/binding/route-requirement.ts';
import { type AuthError, isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

function bindTo(answer: unknown) {
  const authenticator: Authenticator = {
    realm: 'orders',
    hasCredentials: () => true,
    authenticate: async () => answer as never,
    close() {},
  };
  return createAuthBinding<RequestLike>(authenticator, {
    where: 'test',
    requestOf: (req) => req,
    contextOf: () => ({ params: {}, method: 'GET', path: '/' }),
  });
}

const req = { headers: { authorization: 'Bearer x' } } as RequestLike;

describe('non-object principal from a custom authenticator', () => {
  for (const answer of [false, 0, '', 'alice', true, 42]) {
    it(`${JSON.stringify(answer)} is a 401 in the binding realm on required and optional routes`, async () => {
      for (const route of [REQUIRED, OPTIONAL]) {
        const outcome = (await bindTo(answer).run(req, route)) as AuthError;
        expect(isAuthError(outcome)).toBe(true);
        expect([outcome.status, outcome.realm]).toEqual([401, 'orders']);
      }
    });
  }

  it('null is "no credentials": 401 missing on a required route, undefined on an optional one', async () => {
    const required = (await bindTo(null).run(req, REQUIRED)) as AuthError;
    expect(required.code).toBe('ERR_AUTH_MISSING_TOKEN');
    expect(await bindTo(null).run(req, OPTIONAL)).toBeUndefined();
  });
});
