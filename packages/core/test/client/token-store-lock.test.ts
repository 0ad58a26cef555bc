/** The optional fleet lock of TokenStore (`acquire` → lease): one grant per expiry across sources. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MemoryTokenStore,
  type TokenSet,
  type TokenStore,
  type TokenStoreAcquired,
  clientCredentials,
} from '../../src/client/index.ts';
import { type FakeEndpoint, startFakeEndpoint, tokenReply } from '../fixtures/client.ts';

/** An in-process stand-in for a shared lock (what @auth/redis does on Redis): one holder, waiters poll. */
class LockingStore extends MemoryTokenStore implements TokenStore {
  holder: symbol | undefined;
  leases = 0;
  commits: boolean[] = [];
  stored: string[] = [];
  override set(key: string, set: TokenSet): void {
    this.stored.push(set.accessToken);
    super.set(key, set);
  }
  async acquire(key: string, usable: (set: TokenSet) => boolean): Promise<TokenStoreAcquired> {
    for (;;) {
      const stored = this.get(key);
      if (stored && usable(stored)) return { tokens: stored };
      if (!this.holder) {
        const me = Symbol('lease');
        this.holder = me;
        this.leases++;
        return {
          tokens: stored,
          lease: {
            commit: async (set) => {
              const ok = this.holder === me;
              this.commits.push(ok);
              if (ok) {
                this.set(key, set);
                this.holder = undefined;
              }
              return ok;
            },
            release: async () => {
              if (this.holder === me) this.holder = undefined;
            },
          },
        };
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
}

let ep: FakeEndpoint;
beforeEach(async () => {
  ep = await startFakeEndpoint();
});
afterEach(() => ep.close());

const options = (store: TokenStore) => ({
  tokenEndpoint: ep.tokenEndpoint,
  clientId: 'svc',
  clientSecret: 'x',
  allowInsecureRequests: true,
  store,
});

describe('TokenStore.acquire (fleet single flight)', () => {
  it('sources sharing a locking store send one grant; the others read the set the holder stored', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`);
    const store = new LockingStore();
    const sources = Array.from({ length: 5 }, () => clientCredentials(options(store)));
    const tokens = await Promise.all(sources.flatMap((s) => [s.getToken(), s.getToken()]));
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(ep.requests).toHaveLength(1);
    expect(store.leases).toBe(1);
    expect(store.commits).toEqual([true]);
  });

  it('a failed grant releases the lease, so the next source can grant', async () => {
    ep.queue.push({ status: 400, json: { error: 'invalid_client' } });
    ep.fallback = () => tokenReply('at-ok');
    const store = new LockingStore();
    await expect(clientCredentials(options(store)).getToken()).rejects.toThrow();
    expect(store.holder).toBeUndefined();
    expect(await clientCredentials(options(store)).getToken()).toBe('at-ok');
  });

  it('a lease lost mid-grant does not overwrite the store (fencing); the token is still used locally', async () => {
    ep.fallback = () => tokenReply('at-late');
    const store = new LockingStore();
    const source = clientCredentials(options(store));
    const pending = source.getToken();
    while (!store.holder) await new Promise((r) => setTimeout(r, 1));
    // The lock expires and another holder stores its set before the first grant completes.
    store.holder = Symbol('other');
    expect(await pending).toBe('at-late');
    expect(store.commits).toEqual([false]);
    expect(store.stored).not.toContain('at-late');
  });
});
