/** Protected-resource metadata (RFC 9728) options: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { createAuthenticator } from '../../src/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

const options = { issuers: [{ issuer: 'https://idp.example', audience: 'api' }] };

describe('resource metadata: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'a relative resource',
      { resource: '/api' },
      'createAuthenticator(): resourceMetadata.resource must be an absolute URL',
    ],
    [
      'a resource with a query',
      { resource: 'https://api.example/?x=1' },
      /resource must not have a query or fragment/,
    ],
    [
      'a sign that is not a function',
      { resource: 'https://api.example', sign: 'x' },
      /resourceMetadata.sign must be a function/,
    ],
    [
      'authorizationServers that are not strings',
      { resource: 'https://api.example', authorizationServers: [1] },
      /authorizationServers must be an array of non-empty strings/,
    ],
  ])('%s', (_, resourceMetadata, message) => {
    expectConfigurationError(() => createAuthenticator({ ...options, resourceMetadata } as never), message);
  });
});
