/** Verifier and issuer options: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { createVerifier } from '../../src/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

describe('verifier: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'no issuers',
      () => createVerifier({ issuers: [] }),
      'issuers must be a non-empty array of issuer configs or a resolver function',
    ],
    [
      'an issuer that is not a URL and no jwksUri',
      () => createVerifier({ issuers: [{ issuer: '127.0.0.1:4000', audience: 'api' }] }),
      /issuer/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
