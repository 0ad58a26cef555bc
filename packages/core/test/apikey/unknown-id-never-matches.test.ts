/**
 * An unknown id is compared against a dummy digest (same work as a wrong secret), but it is refused
 * because the id is unknown, not because that comparison fails: a presented secret whose digest equals
 * the dummy one must not authenticate an id the store does not hold.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DUMMY_DIGEST, primitives } from '../../src/apikey/digest.ts';
import { apiKeyPairAuth, memorySecretStore } from '../../src/apikey/index.ts';
import { InvalidApiKeyError } from '../../src/errors.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an unknown id is never authenticated', () => {
  it('even by a secret whose digest equals the dummy digest', async () => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({}) });
    const sha256 = primitives.sha256;
    // Stands in for a preimage of the dummy digest: only this secret hashes to it.
    vi.spyOn(primitives, 'sha256').mockImplementation((value) =>
      value === 'collides-with-dummy' ? new Uint8Array(DUMMY_DIGEST) : sha256(value),
    );
    const request = { headers: { 'x-principal-id': 'nobody', 'x-principal-token': 'collides-with-dummy' } };
    await expect(auth.authenticate(request)).rejects.toBeInstanceOf(InvalidApiKeyError);
  });
});
