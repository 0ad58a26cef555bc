import { describe, expect, it } from 'vitest';
import {
  AuthError,
  ForbiddenError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
  isAuthError,
  toAuthError,
} from '../src/errors.ts';

describe('AuthError', () => {
  it('renders the no-credentials challenge without an error attribute', () => {
    const e = new MissingTokenError();
    expect(e.status).toBe(401);
    expect(e.wwwAuthenticate()).toBe('Bearer realm="api"');
    expect(e.toBody()).toEqual({
      status: 401,
      code: 'ERR_AUTH_MISSING_TOKEN',
      message: 'Authentication required',
    });
  });

  it('renders invalid_request and invalid_token challenges with a description', () => {
    expect(new InvalidRequestError('Malformed Authorization header').wwwAuthenticate('my api')).toBe(
      'Bearer realm="my api", error="invalid_request", error_description="Malformed Authorization header"',
    );
    const e = new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The access token expired');
    expect(e.status).toBe(401);
    expect(e.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    );
    expect(e.toBody().error).toBe('invalid_token');
  });

  it('lists required scopes on insufficient_scope', () => {
    const e = new InsufficientScopeError(['read:items', 'write:items']);
    expect(e.status).toBe(403);
    expect(e.wwwAuthenticate()).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Insufficient scope", scope="read:items write:items"',
    );
    expect(e.toBody().scope).toBe('read:items write:items');
  });

  it('sends Retry-After and no challenge on 503', () => {
    const e = new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'Signing keys are unavailable', {
      retryAfterSeconds: 12.2,
    });
    expect(e.toResponse().headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '13',
    });
    expect(e.wwwAuthenticate()).toBeUndefined();
  });

  it('escapes quotes in the realm; drops quotes, backslashes and CR/LF from error_description', () => {
    const e = new InvalidRequestError('a "quoted"\\ value\r\nX-Injected: 1');
    expect(e.wwwAuthenticate('re"alm')).toBe(
      'Bearer realm="re\\"alm", error="invalid_request", error_description="a quoted valueX-Injected: 1"',
    );
    expect(e.toBody().message).toBe('a "quoted"\\ value\r\nX-Injected: 1');
  });

  // RFC 6750 §3: error-description = *( %x20-21 / %x23-5B / %x5D-7E ). Non-Latin-1 text in a header
  // makes Node throw ERR_INVALID_CHAR and Fetch's Headers throw a TypeError (a 500 in every framework).
  it('keeps only RFC 6750 characters in challenge attributes, the full text in the body', () => {
    const denied = new ForbiddenError(
      'ERR_AUTH_CLAIM_CHECK_FAILED',
      'You don’t have access to 角色 (“x”)\t!',
    );
    const challenge = denied.wwwAuthenticate() as string;
    expect(challenge).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="You dont have access to (x)!"',
    );
    expect(() => new Headers({ 'www-authenticate': challenge })).not.toThrow();
    expect(challenge).toMatch(/^[\x20-\x7e]*$/);
    expect(denied.toBody().message).toBe('You don’t have access to 角色 (“x”)\t!');

    const scoped = new InsufficientScopeError(['read:items', 'wr"ite\\:é', 'ü'], 'Insufficient scope');
    expect(scoped.wwwAuthenticate()).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="Insufficient scope", scope="read:items write:"',
    );
    expect(scoped.toBody().scope).toBe('read:items wr"ite\\:é ü');
    // Nothing left to describe: the attribute is left out rather than sent empty.
    expect(new ForbiddenError('ERR_AUTH_FORBIDDEN', '禁止').wwwAuthenticate()).toBe(
      'Bearer realm="api", error="insufficient_scope"',
    );
  });

  it('sends Retry-After as a positive whole number whatever the error was built with', () => {
    for (const [retryAfterSeconds, expected] of [
      [Number.NaN, '30'],
      [Number.POSITIVE_INFINITY, '30'],
      [-5, '1'],
      [2.2, '3'],
      [1e12, '86400'],
    ] as const) {
      const e = new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'down', { retryAfterSeconds });
      expect(e.responseHeaders()['retry-after']).toBe(expected);
    }
  });

  it('carries status, statusCode and headers for foreign error handlers', () => {
    const e = new InvalidTokenError().withRealm('orders');
    expect(e.statusCode).toBe(401);
    expect(e.headers['www-authenticate']).toMatch(/^Bearer realm="orders"/);
  });

  it('is recognised across copies of the package and unknown errors fail closed as 401', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@auth/core.AuthError')]: true });
    expect(isAuthError(foreign)).toBe(true);
    expect(isAuthError(new Error('x'))).toBe(false);
    const converted = toAuthError(new TypeError('secret internals'));
    expect(converted).toBeInstanceOf(AuthError);
    expect(converted.status).toBe(401);
    expect(converted.message).not.toContain('secret');
  });
});

describe('cheap rejections: no stack trace for request rejections', () => {
  it('a rejection carries no stack frames, and the stack trace limit is restored', () => {
    const before = Error.stackTraceLimit;
    const e = new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The access token expired');
    expect(Error.stackTraceLimit).toBe(before);
    expect(e.stack ?? '').not.toMatch(/\n\s+at /);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });

  it('errors about outgoing calls keep their stack', async () => {
    const { TokenEndpointError } = await import('../src/client/errors.ts');
    const e = new TokenEndpointError('token endpoint failed');
    expect(e.stack).toMatch(/\n\s+at /);
  });
});

describe('AuthError is immutable', () => {
  it('withRealm returns a copy in the new realm and leaves the original as it was', () => {
    const original = new InsufficientScopeError(['read:items'], 'Needs read:items');
    const copy = original.withRealm('orders');
    expect(copy).not.toBe(original);
    expect(original.realm).toBe('api');
    expect(original.headers['www-authenticate']).toMatch(/^Bearer realm="api"/);
    expect(copy.headers['www-authenticate']).toMatch(/^Bearer realm="orders", error="insufficient_scope"/);
    expect(copy).toBeInstanceOf(InsufficientScopeError);
    expect(isAuthError(copy)).toBe(true);
    expect([copy.code, copy.status, copy.message, copy.requiredScopes]).toEqual([
      original.code,
      original.status,
      original.message,
      original.requiredScopes,
    ]);
  });

  it('withRealm keeps cause and detail, and returns the error itself for its own realm', () => {
    const cause = new Error('socket hang up');
    const original = new UnavailableError('ERR_AUTH_KEYS_UNAVAILABLE', 'down', {
      cause,
      detail: { url: 'http://127.0.0.1/jwks' },
    });
    const copy = original.withRealm('tenant');
    expect(copy.cause).toBe(cause);
    expect(copy.detail).toEqual({ url: 'http://127.0.0.1/jwks' });
    expect(original.withRealm('api')).toBe(original);
  });

  it('realm cannot be reassigned', () => {
    const error = new MissingTokenError();
    expect(() => {
      (error as { realm: string }).realm = 'other';
    }).toThrow(TypeError);
    expect(error.realm).toBe('api');
  });
});
