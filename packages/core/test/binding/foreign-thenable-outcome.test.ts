/**
 * Adapters tell a pending outcome from a final one with `instanceof Promise`. A custom authenticator
 * built on another promise library returns a thenable whose `then` is not native: the run must still
 * hand back a native promise, else an adapter takes the pending thenable for a principal.
 */
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/authenticator.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { REQUIRED } from '../../src/binding/route-requirement.ts';
import { type AuthError, InvalidTokenError, isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

/** A minimal non-native thenable (Promises/A+ shaped, as Bluebird or Q would be), already settled. */
function foreign<T>(settle: () => T): PromiseLike<T> {
  let state: { ok: true; value: T } | { ok: false; reason: unknown };
  try {
    state = { ok: true, value: settle() };
  } catch (reason) {
    state = { ok: false, reason };
  }
  return {
    // biome-ignore lint/suspicious/noThenProperty: the point of the fixture is a foreign thenable
    then(onFulfilled, onRejected) {
      return foreign(() => {
        if (state.ok) return (onFulfilled ? onFulfilled(state.value) : state.value) as never;
        if (onRejected) return onRejected(state.reason) as never;
        throw state.reason;
      });
    },
  } as PromiseLike<T>;
}

function bindTo(authenticate: Authenticator['authenticate']) {
  const authenticator: Authenticator = { realm: 'api', hasCredentials: () => true, authenticate, close() {} };
  return createAuthBinding<RequestLike>(authenticator, {
    where: 'test',
    requestOf: (req) => req,
    contextOf: () => ({ params: {}, method: 'GET', path: '/' }),
  });
}

const req = { headers: { authorization: 'Bearer x' } } as RequestLike;

describe('foreign thenable from a custom authenticator', () => {
  it('a rejecting foreign thenable ends as a native promise of a 401, never as a "principal"', async () => {
    const binding = bindTo(
      () =>
        foreign(() => {
          throw new InvalidTokenError();
        }) as never,
    );
    const outcome = binding.run(req, REQUIRED);
    expect(outcome).toBeInstanceOf(Promise);
    const settled = (await outcome) as AuthError;
    expect(isAuthError(settled)).toBe(true);
    expect(settled.status).toBe(401);
  });

  it('a resolving foreign thenable ends as a native promise of the principal', async () => {
    const principal = { sub: 'alice', scopes: [] } as never;
    const outcome = bindTo(() => foreign(() => principal) as never).run(req, REQUIRED);
    expect(outcome).toBeInstanceOf(Promise);
    expect(await outcome).toBe(principal);
  });
});
