import { describe, expect, it } from 'vitest';
import {
  AuthError,
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
      retryAfter: 12.2,
    });
    expect(e.toResponse().headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'retry-after': '13',
    });
    expect(e.wwwAuthenticate()).toBeUndefined();
  });

  it('escapes quotes and backslashes and drops CR/LF in challenge values', () => {
    const e = new InvalidRequestError('a "quoted"\\ value\r\nX-Injected: 1');
    expect(e.wwwAuthenticate('re"alm')).toBe(
      'Bearer realm="re\\"alm", error="invalid_request", error_description="a \\"quoted\\"\\\\ valueX-Injected: 1"',
    );
  });

  it('carries status, statusCode and headers for foreign error handlers', () => {
    const e = new InvalidTokenError();
    e.realm = 'orders';
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
