/** Token locations are checked at setup: mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { validateTokenLocations } from '../../src/extract/extract-token.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

describe('token locations: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['a string', () => validateTokenLocations('query'), /tokenLocations must be an object/],
    [
      'a bad query parameter name',
      () => validateTokenLocations({ query: 'a b' }),
      /tokenLocations.query must be a boolean or a parameter name/,
    ],
    [
      'a non-boolean body',
      () => validateTokenLocations({ body: 'yes' }),
      'tokenLocations.body must be a boolean',
    ],
    [
      'a bad tokenHeader',
      () => validateTokenLocations({ tokenHeader: 'x token' }),
      'tokenLocations.tokenHeader must be a header name (letters, digits and dashes)',
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
