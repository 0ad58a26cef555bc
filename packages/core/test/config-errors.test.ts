/** createAuthenticator / oneOfAuthenticators and the realm check: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { createAuthenticator, oneOfAuthenticators } from '../src/index.ts';
import { validateRealm } from '../src/authenticator.ts';
import { expectConfigurationError } from './fixtures/configuration-error.ts';

const options = { issuers: [{ issuer: 'https://idp.example', audience: 'api' }] };

describe('authenticator: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'createAuthenticator(null)',
      () => createAuthenticator(null as never),
      /options \(verifier options or a Verifier\) are required/,
    ],
    [
      'createAuthenticator with settings that are a string',
      () => createAuthenticator(options, 'x' as never),
      'createAuthenticator(): settings must be an object',
    ],
    [
      'an apiKey that is not an authenticator',
      () => createAuthenticator({ ...options, apiKey: {} as never }),
      'apiKey must be an Authenticator',
    ],
    [
      'dpop with a custom token header',
      () => createAuthenticator({ ...options, tokenLocations: { tokenHeader: 'x-token' }, dpop: {} }),
      /dpop needs tokens in the Authorization header/,
    ],
    [
      'oneOfAuthenticators()',
      () => oneOfAuthenticators(),
      'oneOfAuthenticators() needs at least one authenticator',
    ],
    [
      'oneOfAuthenticators with a string',
      () => oneOfAuthenticators('x' as never),
      'oneOfAuthenticators(): argument 1 is not an Authenticator',
    ],
    [
      'a realm with non-ASCII text',
      () => createAuthenticator({ ...options, realm: 'caf\u00e9' }),
      /realm must contain only printable ASCII/,
    ],
    [
      'a realm with a control character',
      () => validateRealm('a\u0007b', 'realm'),
      'realm must not contain control characters',
    ],
    ['an empty realm', () => validateRealm('', 'realm'), /realm must be a non-empty string/],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
