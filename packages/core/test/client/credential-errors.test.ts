/**
 * The typed errors teams coming from Python token SDKs look for: a refused client is an
 * InvalidClientError (still a TokenEndpointError), a refused user login an InvalidCredentialsError,
 * and a changed subject on refresh a SubjectMismatchError carrying both subjects as properties only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidClientError,
  InvalidCredentialsError,
  SubjectMismatchError,
  TokenEndpointError,
  clientCredentials,
  isAuthClientError,
  refreshTokens,
} from '../../src/client/index.ts';
import { type FakeEndpoint, jwt, startFakeEndpoint, tokenReply } from '../fixtures/client.ts';

const SECRET = 'client-secret-that-must-not-leak';

describe('typed credential errors of token sources', () => {
  let ep: FakeEndpoint;
  beforeEach(async () => {
    ep = await startFakeEndpoint();
  });
  afterEach(() => ep.close());

  const cc = () =>
    clientCredentials({
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'svc',
      clientSecret: SECRET,
      allowInsecureRequests: true,
      retry: { attempts: 1 },
    });

  it.each([
    [400, { status: 400, json: { error: 'invalid_client' } }],
    [401, { status: 401, json: { error: 'invalid_client' } }],
    [401, { status: 401, headers: { 'www-authenticate': 'Basic realm="token"' } }],
  ])(
    'a refused client (HTTP %s) is an InvalidClientError and a TokenEndpointError',
    async (status, reply) => {
      ep.fallback = () => reply;
      const error = await cc()
        .getToken()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidClientError);
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect(error).toMatchObject({
        name: 'InvalidClientError',
        code: 'ERR_AUTH_TOKEN_ENDPOINT',
        oauthError: 'invalid_client',
        httpStatus: status,
        retryable: false,
      });
      expect(String((error as Error).message)).not.toContain(SECRET);
      expect(ep.requests).toHaveLength(1);
    },
  );

  it('other token endpoint errors are not InvalidClientErrors', async () => {
    ep.fallback = () => ({ status: 400, json: { error: 'invalid_scope' } });
    const error = await cc()
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).not.toBeInstanceOf(InvalidClientError);
  });

  it('InvalidCredentialsError is a client error with a stable code and a fixed message', () => {
    const error = new InvalidCredentialsError();
    expect(isAuthClientError(error)).toBe(true);
    expect(error.code).toBe('ERR_AUTH_INVALID_CREDENTIALS');
    expect(error.name).toBe('InvalidCredentialsError');
    expect(error.message).toBe('The user credentials were rejected');
  });

  it('a subject mismatch carries the expected and actual subjects as properties, not in the message', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: ep.url, aud: 'web', iat: now, exp: now + 600 };
    ep.queue.push(
      tokenReply('at-1', { id_token: await jwt({ ...base, sub: 'alice-7f3' }), refresh_token: 'rt-1' }),
    );
    const source = refreshTokens({
      issuer: ep.url,
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'web',
      clientSecret: 'web-secret',
      allowInsecureRequests: true,
      tokens: { refresh_token: 'rt-0', id_token: await jwt({ ...base, sub: 'bob-9c1' }) },
    });
    const error = (await source.getToken().catch((e: unknown) => e)) as SubjectMismatchError;
    expect(error).toBeInstanceOf(SubjectMismatchError);
    expect(error.expectedSubject).toBe('bob-9c1');
    expect(error.actualSubject).toBe('alice-7f3');
    expect(error.message).not.toContain('bob-9c1');
    expect(error.message).not.toContain('alice-7f3');
  });
});
