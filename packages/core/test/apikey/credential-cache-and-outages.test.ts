/**
 * The API-key credential checker seen through apiKeyPairAuth: `close()` forgets cached records (a revoked
 * key stops working at once), a store answering `null` means an unknown key, and a store outage or an
 * unusable record is a 503 that tells the client when to retry.
 */
import { describe, expect, it } from 'vitest';
import { apiKeyPairAuth, memorySecretStore } from '../../src/apikey/index.ts';
import type { SecretStore } from '../../src/apikey/index.ts';
import { AuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz';
const creds = (id: string, token = TOKEN): RequestLike => ({
  headers: { 'x-principal-id': id, 'x-principal-token': token },
});
async function failure(p: Promise<unknown>): Promise<AuthError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return e as AuthError;
  }
  throw new Error('expected a rejection');
}

describe('cached API-key records', () => {
  it('close() empties the cache: a key removed from the store is refused afterwards', async () => {
    const store = memorySecretStore({ svc: { token: TOKEN } });
    const auth = apiKeyPairAuth({ store, cacheTtlMs: 60_000 });
    await expect(auth.authenticate(creds('svc'))).resolves.toMatchObject({ subject: 'svc' });
    store.delete('svc');
    // Still cached: the store is not asked again within the TTL.
    await expect(auth.authenticate(creds('svc'))).resolves.toMatchObject({ subject: 'svc' });
    auth.close?.();
    const e = await failure(auth.authenticate(creds('svc')));
    expect(e.code).toBe('ERR_AUTH_INVALID_API_KEY');
    expect(e.status).toBe(401);
  });

  it('close() also forgets unknown ids: a key added to the store works afterwards', async () => {
    const store = memorySecretStore({});
    const auth = apiKeyPairAuth({ store, negativeCacheTtlMs: 60_000 });
    expect((await failure(auth.authenticate(creds('svc')))).code).toBe('ERR_AUTH_INVALID_API_KEY');
    store.set('svc', { token: TOKEN });
    auth.close?.();
    await expect(auth.authenticate(creds('svc'))).resolves.toMatchObject({ subject: 'svc' });
  });
  it('keeps at most maxCacheEntries records: the oldest is read again, the newer ones are not', async () => {
    const inner = memorySecretStore({ a: { token: TOKEN }, b: { token: TOKEN }, c: { token: TOKEN } });
    const calls: string[] = [];
    const store: SecretStore = {
      get: async (id) => {
        calls.push(id);
        return inner.get(id);
      },
    };
    const auth = apiKeyPairAuth({ store, maxCacheEntries: 2 });
    for (const id of ['a', 'b', 'c']) await auth.authenticate(creds(id));
    calls.length = 0;
    await auth.authenticate(creds('c'));
    await auth.authenticate(creds('b'));
    expect(calls).toEqual([]);
    await auth.authenticate(creds('a'));
    expect(calls).toEqual(['a']);
  });
});

describe('store answers', () => {
  it.each([null, undefined])('a store returning %s means an unknown key (401)', async (answer) => {
    // A JavaScript store (or a client library) may answer null for a missing key.
    const store: SecretStore = { get: async () => answer as string | undefined };
    const e = await failure(apiKeyPairAuth({ store }).authenticate(creds('svc')));
    expect(e.code).toBe('ERR_AUTH_INVALID_API_KEY');
    expect(e.status).toBe(401);
  });

  it('a store outage is a 503 with a retry delay', async () => {
    const store: SecretStore = {
      get: async () => {
        throw new Error('connection refused');
      },
    };
    const e = await failure(apiKeyPairAuth({ store }).authenticate(creds('svc')));
    expect(e.status).toBe(503);
    expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('an unusable record is a 503 with a retry delay', async () => {
    const store: SecretStore = { get: async () => '{"not-a-record":' };
    const e = await failure(apiKeyPairAuth({ store }).authenticate(creds('svc')));
    expect(e.status).toBe(503);
    expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
    expect(e.retryAfterSeconds).toBeGreaterThan(0);
  });
});
