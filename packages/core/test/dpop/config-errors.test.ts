/** DPoP options, nonces and replay stores: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import { createAuthenticator, dpopNonces, memoryReplayStore } from '../../src/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

const options = { issuers: [{ issuer: 'https://idp.example', audience: 'api' }] };

describe('dpop: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'dpopNonces({ lifetimeSeconds: 0 })',
      () => dpopNonces({ lifetimeSeconds: 0 }),
      /lifetimeSeconds must be a number of seconds, at least 1/,
    ],
    [
      'memoryReplayStore({ maxEntries: 0 })',
      () => memoryReplayStore({ maxEntries: 0 }),
      'memoryReplayStore(): maxEntries must be a positive integer',
    ],
    [
      'an unknown mode',
      () => createAuthenticator({ ...options, dpop: { mode: 'always' } as never }),
      /dpop.mode must be 'allowed' or 'required'/,
    ],
    [
      'a symmetric algorithm',
      () => createAuthenticator({ ...options, dpop: { algorithms: ['HS256'] } as never }),
      /dpop/,
    ],
    [
      'a replay store without checkAndStore',
      () => createAuthenticator({ ...options, dpop: { replayStore: {} } as never }),
      /replayStore must have a checkAndStore/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
