/** The refreshing value behind key sets and token sources: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { RefreshingValue } from '../../src/refresh/refreshing-value.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

describe('RefreshingValue: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['no load function', () => new RefreshingValue({} as never), 'load must be a function'],
    [
      'a negative staleMs',
      () => new RefreshingValue({ load: async () => ({ value: 1, expiresAt: 0 }), staleMs: -1 } as never),
      'staleMs must be a number >= 0',
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
