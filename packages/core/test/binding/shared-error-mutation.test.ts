/**
 * The missing-token error is one object per binding (and per realm for `authorizePrincipal`), handed to
 * every request without credentials. An app error handler that edits the error it is given (a friendlier
 * message, another status) must not change the answer to the next request.
 */
import { describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/authenticator.ts';
import { authorizePrincipal, createAuthBinding } from '../../src/binding/auth-binding.ts';
import { REQUIRED } from '../../src/binding/route-requirement.ts';
import { ALLOW } from '../../src/authorize/index.ts';
import type { AuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

const authenticator: Authenticator = {
  realm: 'orders',
  hasCredentials: () => false,
  authenticate: async () => undefined,
  close() {},
};

function sloppyErrorHandler(error: AuthError): void {
  // What an app's error middleware might do; in strict code a frozen error makes this throw instead.
  try {
    Object.assign(error, { message: 'Please sign in at https://example.com', status: 302 });
  } catch {
    /* refused: the shared error stays as it was */
  }
}

describe('shared missing-token error', () => {
  it('a handler editing the binding error does not change the next request answer', async () => {
    const binding = createAuthBinding<RequestLike>(authenticator, {
      where: 'test',
      requestOf: (req) => req,
      contextOf: () => ({ params: {}, method: 'GET', path: '/' }),
    });
    const first = (await binding.run({ headers: {} } as RequestLike, REQUIRED)) as AuthError;
    sloppyErrorHandler(first);
    const second = (await binding.run({ headers: {} } as RequestLike, REQUIRED)) as AuthError;
    expect([second.status, second.message, second.realm]).toEqual([401, 'Authentication required', 'orders']);
  });

  it('a handler editing the authorizePrincipal error does not change it for other authenticators', () => {
    const context = () => ({ params: {}, method: 'GET', path: '/' });
    const first = authorizePrincipal(undefined, () => ALLOW, context, 'shared-realm') as AuthError;
    sloppyErrorHandler(first);
    const second = authorizePrincipal(undefined, () => ALLOW, context, 'shared-realm') as AuthError;
    expect([second.status, second.message]).toEqual([401, 'Authentication required']);
  });

  it('a frozen shared error still moves to another realm (a copy) without throwing', async () => {
    const first = authorizePrincipal(
      undefined,
      () => ALLOW,
      () => ({}),
      'realm-a',
    ) as AuthError;
    const moved = first.withRealm('realm-b');
    expect([moved.realm, first.realm]).toEqual(['realm-b', 'realm-a']);
    expect(moved.headers['www-authenticate']).toBe('Bearer realm="realm-b"');
  });
});
