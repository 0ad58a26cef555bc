/** JWKS options are checked at setup: mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { resolveJwksOptions } from '../../src/jwks/jwks-source.ts';
import { createVerifier } from '../../src/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

describe('jwks: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['a misspelt option', () => resolveJwksOptions({ ttl: 5 } as never), 'jwks: unknown option "ttl"'],
    [
      'a negative ttlMs',
      () => resolveJwksOptions({ ttlMs: -1 }),
      'jwks.ttlMs must be a non-negative finite number',
    ],
    [
      'refreshAhead above 1',
      () => resolveJwksOptions({ refreshAhead: 2 }),
      'jwks.refreshAhead must be a number in (0, 1]',
    ],
    [
      'minTtlMs above maxTtlMs',
      () => resolveJwksOptions({ minTtlMs: 10, maxTtlMs: 5 }),
      'jwks.minTtlMs must not exceed jwks.maxTtlMs',
    ],
    [
      'a store without get/set',
      () => resolveJwksOptions({ store: {} as never }),
      'jwks.store must have get() and set() methods',
    ],
    [
      'through createVerifier',
      () =>
        createVerifier({
          issuers: [{ issuer: 'https://idp.example', audience: 'api' }],
          jwks: { unknownKidRefetchBurst: 0 },
        }),
      'jwks.unknownKidRefetchBurst must be an integer >= 1',
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
