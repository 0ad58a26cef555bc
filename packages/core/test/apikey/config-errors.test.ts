/** API-key authenticators and secret stores: setup mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import {
  apiKeyHeaderAuth,
  apiKeyPairAuth,
  envSecretStore,
  fileSecretStore,
  generateApiKey,
  memorySecretStore,
} from '../../src/index.ts';
import { expectConfigurationError, rejectsWithConfigurationError } from '../fixtures/configuration-error.ts';

const store = memorySecretStore();

describe('api keys: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'apiKeyPairAuth with the same header twice',
      () => apiKeyPairAuth({ store, idHeader: 'x-key', tokenHeader: 'X-Key' }),
      'apiKeyPairAuth(): idHeader and tokenHeader must differ',
    ],
    [
      'apiKeyPairAuth on Authorization',
      () => apiKeyPairAuth({ store, tokenHeader: 'Authorization' }),
      /must not be the Authorization header/,
    ],
    [
      'apiKeyHeaderAuth with a bad header',
      () => apiKeyHeaderAuth({ store, header: 'x key' } as never),
      /must be a header name/,
    ],
    ['fileSecretStore("")', () => fileSecretStore(''), 'fileSecretStore(): path must be a non-empty string'],
    ['envSecretStore(null)', () => envSecretStore(null as never), 'envSecretStore(): env must be an object'],
    [
      'envSecretStore with a bad prefix',
      () => envSecretStore({}, { prefix: 'A-B' }),
      /prefix must consist of letters/,
    ],
    [
      'memorySecretStore with a number record',
      () => memorySecretStore({ svc: 1 } as never),
      /the record for "svc" must be a JSON string or an object/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });

  it('generateApiKey with a bad prefix', async () => {
    await rejectsWithConfigurationError(
      () => generateApiKey({ prefix: 'sk live' }),
      /prefix must be at most 32/,
    );
  });
});
