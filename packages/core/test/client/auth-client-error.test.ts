/**
 * Client errors (failures of this service's own outgoing calls) are a family of their own: never
 * AuthErrors (a server's error handler must not render them as the caller's 401), branded across
 * package copies, with stable codes, a stack, redacted causes and a bounded, sanitized
 * `errorDescription`.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAuthError, toAuthError } from '../../src/errors.ts';
import {
  AuthClientError,
  DiscoveryError,
  OriginNotAllowedError,
  RefreshError,
  SubjectMismatchError,
  TokenEndpointError,
  clientCredentials,
  isAuthClientError,
} from '../../src/client/index.ts';
import { type FakeEndpoint, fakeTime, startFakeEndpoint } from '../fixtures/client.ts';

const cases: Array<[string, () => AuthClientError, string]> = [
  ['TokenEndpointError', () => new TokenEndpointError('token endpoint failed'), 'ERR_AUTH_TOKEN_ENDPOINT'],
  ['RefreshError', () => new RefreshError(), 'ERR_AUTH_REFRESH_FAILED'],
  ['SubjectMismatchError', () => new SubjectMismatchError(), 'ERR_AUTH_SUBJECT_MISMATCH'],
  ['DiscoveryError', () => new DiscoveryError(), 'ERR_AUTH_DISCOVERY_FAILED'],
  [
    'OriginNotAllowedError',
    () => new OriginNotAllowedError('https://evil.example'),
    'ERR_AUTH_ORIGIN_NOT_ALLOWED',
  ],
];

describe('client errors are not AuthErrors', () => {
  it.each(cases)(
    '%s: isAuthError false, isAuthClientError true, stable code, stack kept',
    (name, make, code) => {
      const error = make();
      expect(isAuthError(error)).toBe(false);
      expect(isAuthClientError(error)).toBe(true);
      expect(error).toBeInstanceOf(AuthClientError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.stack).toMatch(/\n\s+at /);
      // Nothing a framework's error handler reads as the response status or as "safe to show".
      for (const key of ['status', 'statusCode', 'expose', 'toResponse', 'challenge']) {
        expect(error).not.toHaveProperty(key);
      }
    },
  );

  it('the brand works across package copies and is not an AuthError brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('@auth/core.AuthClientError')]: true });
    expect(isAuthClientError(foreign)).toBe(true);
    expect(isAuthClientError(new Error('x'))).toBe(false);
    expect(isAuthClientError(null)).toBe(false);
    expect(isAuthClientError('ERR_AUTH_TOKEN_ENDPOINT')).toBe(false);
    expect(isAuthClientError(toAuthError(new Error('x')))).toBe(false);
  });

  it('a RefreshError keeps its TokenEndpointError cause as it is (already redacted), oauthError copied', () => {
    const cause = new TokenEndpointError('rejected', {
      oauthError: 'invalid_grant',
      errorDescription: 'revoked',
    });
    const error = new RefreshError(undefined, { cause });
    expect(error.cause).toBe(cause);
    expect(error.oauthError).toBe('invalid_grant');
  });
});

describe('TokenEndpointError: what the server said, bounded and sanitized', () => {
  const TOKEN = 'rt-SENT-51c9aa07e2';
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  it('a credential echoed in error_description is redacted; short words stay', () => {
    const error = new TokenEndpointError('rejected', {
      oauthError: 'invalid_grant',
      errorDescription: `refresh token ${TOKEN} was revoked; id_token ${JWT} ignored`,
    });
    expect(error.errorDescription).toBe('refresh token [redacted] was revoked; id_token [redacted] ignored');
    expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(TOKEN);
  });

  it('control characters and quotes are dropped, the length is capped at 200', () => {
    const error = new TokenEndpointError('rejected', {
      errorDescription: `bad "client"\r\nX-Injected: 1 ${'word '.repeat(100)}`,
    });
    expect(error.errorDescription).not.toMatch(/[\r\n"]/);
    expect(error.errorDescription!.length).toBeLessThanOrEqual(200);
    expect(error.errorDescription!.startsWith('bad client X-Injected: 1 word')).toBe(true);
    expect(
      new TokenEndpointError('x', { errorDescription: '\u0000\u0001' }).errorDescription,
    ).toBeUndefined();
  });

  it('an oauthError that is not an OAuth error code is not kept', () => {
    expect(new TokenEndpointError('x', { oauthError: 'invalid_client' }).oauthError).toBe('invalid_client');
    expect(new TokenEndpointError('x', { oauthError: `a"b` }).oauthError).toBeUndefined();
    expect(new TokenEndpointError('x', { oauthError: 'e'.repeat(65) }).oauthError).toBeUndefined();
  });

  describe('from a real token endpoint', () => {
    let ep: FakeEndpoint;
    let time: ReturnType<typeof fakeTime>;
    beforeEach(async () => {
      ep = await startFakeEndpoint();
      time = fakeTime();
    });
    afterEach(() => ep.close());

    it.each([
      [400, { error: 'invalid_grant', error_description: `token ${TOKEN} is not valid` }],
      [401, { error: 'invalid_client', error_description: `client secret ${TOKEN} is wrong` }],
      [503, { error: 'temporarily_unavailable', error_description: `try later with ${TOKEN}` }],
    ])(
      'HTTP %s: neither message, description nor cause chain repeats the echoed token',
      async (status, json) => {
        ep.fallback = () => ({ status, json });
        const error = await clientCredentials({
          tokenEndpoint: ep.tokenEndpoint,
          clientId: 'svc',
          clientSecret: TOKEN,
          allowInsecureRequests: true,
          clock: time.clock,
          sleep: time.sleep,
          retry: { attempts: 1 },
        })
          .getToken()
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TokenEndpointError);
        expect((error as TokenEndpointError).oauthError).toBe(json.error);
        expect((error as TokenEndpointError).errorDescription).toContain('[redacted]');
        expect(inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(TOKEN);
        expect(JSON.stringify(error)).not.toContain(TOKEN);
      },
    );
  });
});
