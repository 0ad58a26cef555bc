/**
 * `close()` forgets everything, lookups in flight included: a request after it never joins a lookup
 * that started before it (whose answer may be a revoked key), and the lookup that replaces it stays
 * single-flight (one store call for concurrent requests of the same id).
 */
import { describe, expect, it, vi } from 'vitest';
import { apiKeyPairAuth, memorySecretStore } from '../../src/apikey/index.ts';
import type { SecretStore } from '../../src/apikey/index.ts';
import { InvalidApiKeyError, isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz';
const creds = (id: string): RequestLike => ({
  headers: { 'x-principal-id': id, 'x-principal-token': TOKEN },
});

/** A store whose n-th call answers only when `release(n)` is called; it reads the record at once. */
function gatedStore(records: Record<string, string | object>) {
  const inner = memorySecretStore(records);
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const store: SecretStore = {
    get: async (id) => {
      calls.push(id);
      const value = await inner.get(id);
      await new Promise<void>((resolve) => gates.push(resolve));
      return value;
    },
  };
  const release = async (n: number) => {
    await vi.waitFor(() => expect(gates.length).toBeGreaterThan(n));
    gates[n]?.();
  };
  return { store, calls, inner, release };
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    expect(isAuthError(e)).toBe(true);
    return e;
  }
  throw new Error('expected a rejection');
}

describe('close() restarts the lookups in flight', () => {
  it('a request after close() does not join the lookup that read a revoked key', async () => {
    const { store, calls, inner, release } = gatedStore({ k1: { token: TOKEN } });
    const auth = apiKeyPairAuth({ store });
    const before = auth.authenticate(creds('k1'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    inner.delete('k1'); // revoked, then the caches are cleared
    auth.close();
    const after = auth.authenticate(creds('k1'));
    await release(0);
    await release(1);
    await expect(before).resolves.toMatchObject({ subject: 'k1' });
    expect(await failure(after)).toBeInstanceOf(InvalidApiKeyError);
    expect(calls).toEqual(['k1', 'k1']);
  });

  it('the lookup started after close() stays single-flight when the older one ends', async () => {
    const { store, calls, release } = gatedStore({ k1: { token: TOKEN } });
    const auth = apiKeyPairAuth({ store });
    const before = auth.authenticate(creds('k1'));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    auth.close();
    const second = auth.authenticate(creds('k1'));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    await release(0);
    await expect(before).resolves.toMatchObject({ subject: 'k1' });
    // The older lookup has ended; the newer one is still waiting: a third request joins it.
    const third = auth.authenticate(creds('k1'));
    await release(1);
    await expect(second).resolves.toMatchObject({ subject: 'k1' });
    expect(calls).toEqual(['k1', 'k1']);
    await expect(third).resolves.toMatchObject({ subject: 'k1' });
  });
});
