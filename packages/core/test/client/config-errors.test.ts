/** Token clients, authFetch and the undici interceptor: setup mistakes are ConfigurationErrors. */
import { describe, expect, it } from 'vitest';
import {
  DiscoveryCache,
  authFetch,
  authressAccessKey,
  clientCredentials,
  createTokenSource,
  refreshTokens,
  revokeToken,
  selfSignedTokens,
} from '../../src/client/index.ts';
import { authInterceptor } from '../../src/client/undici.ts';
import { ConfigurationError } from '../../src/configuration-error.ts';
import { expectConfigurationError, rejectsWithConfigurationError } from '../fixtures/configuration-error.ts';

const source = { getToken: async () => 'token' };

describe('client: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'authFetch without a token source',
      () => authFetch({} as never, { allowedOrigins: ['https://api.example'] }),
      'tokenSource must have a getToken() method',
    ],
    ['authFetch without options', () => authFetch(source, undefined as never), 'allowedOrigins is required'],
    [
      'authFetch with no origins',
      () => authFetch(source, { allowedOrigins: [] }),
      'allowedOrigins must be a non-empty array of origins',
    ],
    [
      'authFetch with a relative origin',
      () => authFetch(source, { allowedOrigins: ['/api'] }),
      /must contain absolute URLs/,
    ],
    [
      'authFetch with a bad apiKeyHeader',
      () => authFetch(source, { allowedOrigins: ['https://a.example'], apiKeyHeader: 'x key' }),
      'apiKeyHeader must be a valid header name',
    ],
    [
      'authFetch with a non-ASCII API key',
      () => authFetch(source, { allowedOrigins: ['https://a.example'], apiKey: 'caf\u00e9' }),
      'apiKey must contain only visible ASCII characters (value not shown)',
    ],
    [
      'authInterceptor without a token source',
      () => authInterceptor({} as never, { allowedOrigins: ['https://a.example'] }),
      'tokenSource must have a getToken() method',
    ],
    ['clientCredentials()', () => clientCredentials(undefined as never), 'options are required'],
    [
      'refreshTokens without an issuer',
      () => refreshTokens({ tokens: { refresh_token: 'r' } } as never),
      /issuer is required/,
    ],
    [
      'new DiscoveryCache({ ttlSeconds: -1 })',
      () => new DiscoveryCache({ ttlSeconds: -1 }),
      'ttlSeconds must be a number of seconds >= 0',
    ],
    [
      'selfSignedTokens without an issuer',
      () => selfSignedTokens({ subject: 's', audience: 'a', key: 'k' } as never),
      'selfSignedTokens: option "issuer" must be a non-empty string',
    ],
    [
      'authressAccessKey with a malformed key',
      () => authressAccessKey('not-a-key', { apiUrl: 'https://a.example' }),
      /authressAccessKey/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });

  it('a key that cannot be imported is a ConfigurationError at the first token, without the key in it', async () => {
    const tokens = selfSignedTokens({
      issuer: 'svc',
      subject: 'svc',
      audience: 'https://api.example',
      key: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----',
      algorithm: 'ES256',
    });
    const error = await rejectsWithConfigurationError(
      () => tokens.getToken(),
      'the key could not be imported for ES256',
    );
    const seen = JSON.stringify({ message: error.message, cause: String(error.cause), stack: error.stack });
    expect(seen).not.toContain('c2VjcmV0');
    expect(typeof error.cause === 'string' || error.cause === undefined).toBe(true);
  });

  it('createTokenSource without fetchToken is a ConfigurationError', () => {
    expectConfigurationError(() => createTokenSource({} as never), /fetchToken/);
  });

  it('revokeToken without a token (a call-time argument) stays a plain TypeError', async () => {
    const error = await revokeToken({ token: '' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ConfigurationError);
  });
});
