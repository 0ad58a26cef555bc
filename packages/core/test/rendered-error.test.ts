import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../src/authenticate.ts';
import type { Authenticator } from '../src/authenticator.ts';
import {
  type AuthError,
  type AuthErrorBody,
  ForbiddenError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
} from '../src/errors.ts';
import {
  missingTokenResponse,
  OPTIONAL_AUTH,
  renderAuthError,
  reportsMissingAsUndefined,
} from '../src/rendered-error.ts';

const samples = (): AuthError[] => [
  new MissingTokenError(),
  new InvalidRequestError('The Authorization header is malformed'),
  new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'),
  new InsufficientScopeError(['read:items', 'write:items']),
  new ForbiddenError('ERR_AUTH_MISSING_GROUP', 'Needs "admin" \\ group'),
  new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'Signing keys are unavailable', { retryAfterSeconds: 7 }),
];

describe('pre-rendered error responses', () => {
  it('render exactly what toResponse gives, with the body serialized', () => {
    for (const realm of ['api', 'other "realm"']) {
      for (const error of samples()) {
        const expected = error.toResponse(realm);
        const rendered = renderAuthError(error, realm);
        expect(rendered.status).toBe(expected.status);
        expect(rendered.headers).toEqual(expected.headers);
        expect(JSON.parse(rendered.body)).toEqual(expected.body);
        expect(rendered.body).toBe(JSON.stringify(expected.body));
      }
    }
  });

  it('are shared and frozen per distinct response, and differ when realm, message or Retry-After do', () => {
    const first = renderAuthError(
      new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'),
      'api',
    );
    const again = renderAuthError(
      new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'),
      'api',
    );
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.headers)).toBe(true);
    const otherRealm = renderAuthError(
      new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'),
      'b',
    );
    expect(otherRealm.headers['www-authenticate']).toContain('realm="b"');
    const otherMessage = renderAuthError(new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'Expired'), 'api');
    expect(JSON.parse(otherMessage.body).message).toBe('Expired');
    const retry = (s: number) =>
      renderAuthError(new UnavailableError(undefined, undefined, { retryAfterSeconds: s }), 'api');
    expect(retry(3).headers['retry-after']).toBe('3');
    expect(retry(9).headers['retry-after']).toBe('9');
  });

  it('default to the error realm', () => {
    const error = new MissingTokenError().withRealm('tenant-a');
    expect(renderAuthError(error).headers['www-authenticate']).toBe('Bearer realm="tenant-a"');
  });

  it('stay bounded: policy-made messages beyond the bound evict the oldest', () => {
    const make = (i: number) => new ForbiddenError('ERR_AUTH_FORBIDDEN', `policy message ${i}`);
    const oldest = renderAuthError(make(0), 'bounded');
    for (let i = 1; i <= 1000; i++) renderAuthError(make(i), 'bounded');
    const rerendered = renderAuthError(make(0), 'bounded');
    expect(rerendered).not.toBe(oldest);
    expect(rerendered).toEqual(oldest);
  });

  it('honour a subclass that renders differently, without mixing it up with the base class', () => {
    class TracedError extends InvalidTokenError {
      override toBody(): AuthErrorBody {
        return { ...super.toBody(), message: 'traced' };
      }
    }
    const base = renderAuthError(
      new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'),
      'api',
    );
    const traced = renderAuthError(new TracedError('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired'), 'api');
    expect(JSON.parse(traced.body).message).toBe('traced');
    expect(JSON.parse(base.body).message).toBe('The token has expired');
  });

  it('missingTokenResponse is the MissingTokenError response of the realm', () => {
    const error = new MissingTokenError();
    const expected = error.toResponse('zone');
    const rendered = missingTokenResponse('zone');
    expect(rendered.status).toBe(401);
    expect(rendered.headers).toEqual(expected.headers);
    expect(rendered.body).toBe(JSON.stringify(expected.body));
  });
});

describe('reportsMissingAsUndefined', () => {
  const authenticator = createAuthenticator({
    issuers: [{ issuer: 'https://idp.example/', audience: 'api', secret: 'x'.repeat(32) }],
  });
  const noCredentials = { headers: {}, url: '/', method: 'GET' };

  it('holds for our authenticators: optional → undefined exactly where required → MissingTokenError', async () => {
    expect(reportsMissingAsUndefined(authenticator)).toBe(true);
    await expect(authenticator.authenticate(noCredentials, OPTIONAL_AUTH)).resolves.toBeUndefined();
    await expect(authenticator.authenticate(noCredentials)).rejects.toBeInstanceOf(MissingTokenError);
    const bad = { headers: { authorization: 'Bearer not-a-jwt' }, url: '/', method: 'GET' };
    await expect(authenticator.authenticate(bad, OPTIONAL_AUTH)).rejects.toMatchObject({ status: 401 });
  });

  it('is false for an authenticator of another origin (asked as the route says)', () => {
    const custom: Authenticator = {
      realm: 'api',
      hasCredentials: () => false,
      authenticate: () => Promise.reject(new MissingTokenError()),
      close: () => {},
    };
    expect(reportsMissingAsUndefined(custom)).toBe(false);
  });
});
