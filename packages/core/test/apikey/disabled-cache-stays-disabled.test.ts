/**
 * `cacheTtlMs: 0` / `negativeCacheTtlMs: 0` turn a cache off: every request asks the store. That must
 * hold even when the clock steps back (an NTP correction): an entry stored "until now" would otherwise
 * become valid again and keep a revoked key working.
 */
import { describe, expect, it } from 'vitest';
import { apiKeyPairAuth, memorySecretStore } from '../../src/apikey/index.ts';
import type { SecretStore } from '../../src/apikey/index.ts';
import { InvalidApiKeyError, isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz';
const creds = (id: string): RequestLike => ({
  headers: { 'x-principal-id': id, 'x-principal-token': TOKEN },
});

function countingStore(records: Record<string, string | object>) {
  const inner = memorySecretStore(records);
  const calls: string[] = [];
  const store: SecretStore = {
    get: async (id) => {
      calls.push(id);
      return inner.get(id);
    },
  };
  return { store, calls, inner };
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

describe('a cache TTL of 0 disables that cache', () => {
  it('cacheTtlMs: 0 — a removed key is refused at once, even after the clock steps back', async () => {
    let now = 1_000_000;
    const { store, calls, inner } = countingStore({ k1: { token: TOKEN } });
    const auth = apiKeyPairAuth({ store, cacheTtlMs: 0, clock: () => now });
    await expect(auth.authenticate(creds('k1'))).resolves.toMatchObject({ subject: 'k1' });
    inner.delete('k1');
    now -= 1_000;
    expect(await failure(auth.authenticate(creds('k1')))).toBeInstanceOf(InvalidApiKeyError);
    expect(calls).toEqual(['k1', 'k1']);
  });

  it('negativeCacheTtlMs: 0 — a key added after a miss works at once, even after the clock steps back', async () => {
    let now = 1_000_000;
    const { store, calls, inner } = countingStore({});
    const auth = apiKeyPairAuth({ store, cacheTtlMs: 60_000, negativeCacheTtlMs: 0, clock: () => now });
    expect(await failure(auth.authenticate(creds('k1')))).toBeInstanceOf(InvalidApiKeyError);
    inner.set('k1', { token: TOKEN });
    now -= 1_000;
    await expect(auth.authenticate(creds('k1'))).resolves.toMatchObject({ subject: 'k1' });
    expect(calls).toEqual(['k1', 'k1']);
  });
});
