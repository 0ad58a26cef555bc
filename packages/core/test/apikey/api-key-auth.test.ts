import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIGEST_BACKEND, fromBase64Url, primitives, toBase64Url } from '../../src/apikey/digest.ts';
import {
  apiKeyPairAuth,
  apiKeyHeaderAuth,
  generateApiKey,
  memorySecretStore,
} from '../../src/apikey/index.ts';
import type { SecretStore } from '../../src/apikey/index.ts';
import { oneOfAuthenticators, createAuthenticator } from '../../src/authenticate.ts';
import {
  InvalidApiKeyError,
  InvalidRequestError,
  MissingTokenError,
  UnavailableError,
  isAuthError,
} from '../../src/errors.ts';
import type { Principal, RequestLike } from '../../src/types.ts';
import type { Verifier } from '../../src/verify/index.ts';

const TOKEN = 'tok_0123456789abcdefghijklmnopqrstuvwxyz';
const record = {
  id: 'svc:billing',
  token: TOKEN,
  scopes: ['read:items', 'write:items'],
  groups: ['services'],
};

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

const req = (headers: Record<string, string | string[]>, rawHeaders?: string[]): RequestLike => ({
  headers,
  ...(rawHeaders ? { rawHeaders } : {}),
});
const creds = (id: string, token: string) => req({ 'x-principal-id': id, 'x-principal-token': token });

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    expect(isAuthError(e)).toBe(true);
    return e as InvalidApiKeyError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('apiKeyPairAuth', () => {
  it('authenticates a valid principal id and token', async () => {
    const { store } = countingStore({ 'svc-billing': record });
    const auth = apiKeyPairAuth({ store });
    const p = (await auth.authenticate(creds('svc-billing', TOKEN))) as Principal;
    expect(p).toMatchObject({
      subject: 'svc:billing',
      clientId: 'svc-billing',
      tokenUse: 'api_key',
      issuer: 'urn:auth:api-key',
      scopes: ['read:items', 'write:items'],
      groups: ['services'],
      organizations: [],
      expiresAtSeconds: null,
    });
    expect(Object.getPrototypeOf(p.claims)).toBeNull();
    expect(p.claims.sub).toBe('svc:billing');
    expect(p.claims.token_use).toBe('api_key');
    expect(Object.isFrozen(p)).toBe(true);
    expect(JSON.stringify(p)).not.toContain(TOKEN);
  });

  it('defaults the subject to the key id and reads Fetch Headers', async () => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({ k1: { token: TOKEN } }) });
    const headers = new Headers({ 'X-Principal-Id': 'k1', 'X-Principal-Token': TOKEN });
    await expect(auth.authenticate({ headers })).resolves.toMatchObject({ subject: 'k1', scopes: [] });
  });

  it('uses the store prefix and custom header names', async () => {
    const { store, calls } = countingStore({ 'prod/keys/k1': record });
    const auth = apiKeyPairAuth({
      store,
      prefix: 'prod/keys/',
      idHeader: 'X-Client',
      tokenHeader: 'x-secret',
    });
    await expect(auth.authenticate(req({ 'x-client': 'k1', 'x-secret': TOKEN }))).resolves.toMatchObject({
      subject: 'svc:billing',
    });
    expect(calls).toEqual(['prod/keys/k1']);
  });

  it('rejects a wrong token and an unknown id identically', async () => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({ k1: record }) });
    const wrong = await failure(auth.authenticate(creds('k1', `${TOKEN}x`)));
    const unknown = await failure(auth.authenticate(creds('k2', TOKEN)));
    for (const e of [wrong, unknown]) {
      expect(e).toBeInstanceOf(InvalidApiKeyError);
      expect(e.toResponse()).toEqual({
        status: 401,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'www-authenticate': 'Bearer realm="api"',
        },
        body: { status: 401, code: 'ERR_AUTH_INVALID_API_KEY', message: 'Invalid API key credentials' },
      });
    }
    expect(wrong.toResponse()).toEqual(unknown.toResponse());
  });

  it('runs the same digest and compare operations for unknown ids and wrong tokens', async () => {
    const auth = apiKeyPairAuth({
      store: memorySecretStore({ k1: record }),
      cacheTtlMs: 0,
      negativeCacheTtlMs: 0,
    });
    // caches off: every request loads the record (a found token record is hashed once when parsed,
    // an unknown id does one balancing hash), then hashes the presented token and compares once
    const sha = vi.spyOn(primitives, 'sha256');
    const eq = vi.spyOn(primitives, 'timingSafeEqual');
    const trace = async (id: string, token: string) => {
      sha.mockClear();
      eq.mockClear();
      await failure(auth.authenticate(creds(id, token)));
      // the presented token is hashed exactly once; comparisons are on 32-byte digests only
      const presentedHashes = sha.mock.calls.filter(([v]) => v === token).length;
      return {
        presentedHashes,
        hashes: sha.mock.calls.length,
        compares: eq.mock.calls.length,
        lengths: eq.mock.calls.map(([a, b]) => [a.length, b.length]),
      };
    };
    const wrong = await trace('k1', 'not-the-token');
    const unknown = await trace('nobody', 'not-the-token');
    expect(wrong).toEqual({ presentedHashes: 1, hashes: 2, compares: 1, lengths: [[32, 32]] });
    expect(unknown).toEqual(wrong);
  });

  it('statistically: unknown and wrong take the same path many times over', async () => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({ k1: record }) });
    const eq = vi.spyOn(primitives, 'timingSafeEqual');
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const id = i % 2 === 0 ? 'k1' : `unknown${i}`;
      const e = await failure(auth.authenticate(creds(id, `guess${i}`)));
      const key = `${e.code}:${e.status}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect([...outcomes]).toEqual([['ERR_AUTH_INVALID_API_KEY:401', 200]]);
    expect(eq).toHaveBeenCalledTimes(200);
  });

  it('hashes identically on the node:crypto and WebCrypto backends', async () => {
    expect(DIGEST_BACKEND).toBe('node:crypto');
    for (const value of ['', 'abc', TOKEN, 'ünïcödé', 'x'.repeat(1024)]) {
      expect(new Uint8Array(await primitives.sha256(value))).toEqual(await primitives.webSha256(value));
    }
    // the SHA-256 of "abc" (FIPS 180-2 test vector)
    expect(toBase64Url(await primitives.webSha256('abc'))).toBe(
      'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    );
    expect(fromBase64Url('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')?.length).toBe(32);
    expect(fromBase64Url('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa1')).toBeUndefined(); // non-canonical
    expect(fromBase64Url('a+b=')).toBeUndefined();
  });

  it('authenticates on the WebCrypto backend (Workers) too', async () => {
    vi.spyOn(primitives, 'sha256').mockImplementation(primitives.webSha256);
    const gen = await generateApiKey();
    const store = memorySecretStore({ k1: record, [gen.id]: gen.record });
    await expect(apiKeyPairAuth({ store }).authenticate(creds('k1', TOKEN))).resolves.toMatchObject({
      subject: 'svc:billing',
    });
    await expect(
      apiKeyHeaderAuth({ store }).authenticate(req({ 'x-api-key': gen.key })),
    ).resolves.toMatchObject({ subject: gen.id });
    await failure(apiKeyPairAuth({ store }).authenticate(creds('k1', 'wrong')));
  });

  it('compares in constant time regardless of where digests differ', () => {
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    expect(primitives.timingSafeEqual(a, b)).toBe(true);
    b[31] = 1;
    expect(primitives.timingSafeEqual(a, b)).toBe(false);
    expect(primitives.timingSafeEqual(a, new Uint8Array(31))).toBe(false);
  });

  it('distinguishes no credentials, one header missing and duplicate headers', async () => {
    const { store, calls } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store });
    expect(await failure(auth.authenticate(req({})))).toBeInstanceOf(MissingTokenError);
    await expect(auth.authenticate(req({}), { optional: true })).resolves.toBeUndefined();
    const oneMissing = await failure(auth.authenticate(req({ 'x-principal-id': 'k1' })));
    expect(oneMissing).toBeInstanceOf(InvalidRequestError);
    expect(oneMissing.status).toBe(400);
    expect((await failure(auth.authenticate(req({ 'x-principal-token': TOKEN })))).status).toBe(400);
    // optional does not excuse half the credentials
    expect(
      (await failure(auth.authenticate(req({ 'x-principal-token': TOKEN }), { optional: true }))).status,
    ).toBe(400);
    const dup = await failure(
      auth.authenticate(
        req({ 'x-principal-id': 'k1', 'x-principal-token': TOKEN }, [
          'X-Principal-Id',
          'k1',
          'x-principal-id',
          'k2',
          'X-Principal-Token',
          TOKEN,
        ]),
      ),
    );
    expect(dup).toBeInstanceOf(InvalidRequestError);
    expect(dup.message).toBe('More than one x-principal-id header');
    const dupToken = await failure(
      auth.authenticate(req({ 'x-principal-id': 'k1', 'x-principal-token': [TOKEN, TOKEN] })),
    );
    expect(dupToken.status).toBe(400);
    // Fetch Headers join a repeated header with ", ": that is a repeat too, not a wrong token.
    const joined = await failure(
      auth.authenticate({
        headers: new Headers({ 'x-principal-id': 'k1', 'x-principal-token': `${TOKEN}, ${TOKEN}` }),
      }),
    );
    expect(joined).toBeInstanceOf(InvalidRequestError);
    expect(joined.message).toBe('More than one x-principal-token header');
    expect(calls).toEqual([]);
  });

  it.each([
    ['path traversal', '../../etc/passwd'],
    ['slash', 'a/b'],
    ['control character', 'k1\u0000'],
    ['newline', 'k1\nk2'],
    ['empty', ''],
    ['oversized', 'a'.repeat(129)],
    ['prototype key', '__proto__.x'],
    ['comma (joined duplicates: 400)', 'k1, k2'],
    ['unicode', 'ké'],
  ])('rejects an id with %s before any store call', async (name, id) => {
    const { store, calls } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store });
    const e = await failure(auth.authenticate(creds(id, TOKEN)));
    expect(e).toBeInstanceOf(name.startsWith('comma') ? InvalidRequestError : InvalidApiKeyError);
    expect(calls).toEqual([]);
  });

  it('rejects empty, oversized or non-printable tokens before any store call', async () => {
    const { store, calls } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store });
    for (const token of ['', 'a'.repeat(1025), 'has space', 'tab\t', 'é']) {
      expect(await failure(auth.authenticate(creds('k1', token)))).toBeInstanceOf(InvalidApiKeyError);
    }
    expect(calls).toEqual([]);
  });

  it('caches records for cacheTtlMs and unknown ids for negativeCacheTtlMs', async () => {
    let now = 1_000_000;
    const { store, calls, inner } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store, cacheTtlMs: 60_000, negativeCacheTtlMs: 1_000, clock: () => now });
    for (let i = 0; i < 5; i++) await auth.authenticate(creds('k1', TOKEN));
    for (let i = 0; i < 5; i++) await failure(auth.authenticate(creds('nobody', TOKEN)));
    expect(calls).toEqual(['k1', 'nobody']);
    now += 1_001;
    inner.set('nobody', { token: TOKEN });
    await expect(auth.authenticate(creds('nobody', TOKEN))).resolves.toMatchObject({ subject: 'nobody' });
    // a rotated token is picked up after the positive TTL
    inner.set('k1', { ...record, token: 'rotated-token' });
    await auth.authenticate(creds('k1', TOKEN));
    now += 60_000;
    await failure(auth.authenticate(creds('k1', TOKEN)));
    await expect(auth.authenticate(creds('k1', 'rotated-token'))).resolves.toMatchObject({
      subject: 'svc:billing',
    });
    expect(calls).toEqual(['k1', 'nobody', 'nobody', 'k1']);
  });

  it('makes one store call for concurrent cold lookups of the same id', async () => {
    const { store, calls } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store });
    await Promise.all(Array.from({ length: 50 }, () => auth.authenticate(creds('k1', TOKEN))));
    expect(calls).toEqual(['k1']);
  });

  it('answers 503 ERR_AUTH_SECRET_STORE_UNAVAILABLE when the store is down, without caching it', async () => {
    let down = true;
    const store: SecretStore = {
      get: async () => {
        if (down) throw new Error('ECONNREFUSED secret-host:443 with password=hunter2');
        return JSON.stringify(record);
      },
    };
    const auth = apiKeyPairAuth({ store });
    const e = await failure(auth.authenticate(creds('k1', TOKEN)));
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.status).toBe(503);
    expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
    expect(e.toResponse().headers['retry-after']).toBe('5');
    expect(e.toResponse().headers['www-authenticate']).toBeUndefined();
    expect(e.message).not.toContain('hunter2');
    down = false;
    await expect(auth.authenticate(creds('k1', TOKEN))).resolves.toMatchObject({ subject: 'svc:billing' });
  });

  it.each([
    ['invalid JSON', '{"token": "abc"'],
    ['JSON array', '[]'],
    ['JSON string', '"abc"'],
    ['no token or hash', '{"id":"x"}'],
    ['token and hash', JSON.stringify({ token: 'a', hash: 'sha256:x' })],
    ['empty token', '{"token":""}'],
    ['numeric token', '{"token":5}'],
    ['bad hash', '{"hash":"md5:abc"}'],
    ['short hash', '{"hash":"sha256:AAAA"}'],
    ['scopes not an array', '{"token":"t","scopes":"read"}'],
    ['groups with numbers', '{"token":"t","groups":[1]}'],
    ['empty id', '{"token":"t","id":""}'],
    ['bad expiresAtSeconds', '{"token":"t","expiresAtSeconds":"tomorrow"}'],
    // The field's old name is refused, not ignored: ignoring it would make an expiring key eternal.
    ['the renamed expiresAt', '{"token":"t","expiresAt":1}'],
    ['bad organizations', '{"token":"t","organizations":[{"scopes":[]}]}'],
  ])('answers 503 for a malformed record: %s', async (_name, raw) => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({ k1: raw }) });
    const e = await failure(auth.authenticate(creds('k1', 't')));
    expect(e.status).toBe(503);
    expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
  });

  it('answers a typed 503, never a bare error, when hashing a stored record fails', async () => {
    const auth = apiKeyPairAuth({ store: memorySecretStore({ k1: record }) });
    vi.spyOn(primitives, 'sha256').mockRejectedValue(new Error(`digest backend down for ${TOKEN}`));
    const e = await failure(auth.authenticate(creds('k1', TOKEN)));
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
    expect(e.message).not.toContain(TOKEN);
    vi.restoreAllMocks(); // not cached: the next lookup parses the record again
    await expect(auth.authenticate(creds('k1', TOKEN))).resolves.toMatchObject({ subject: 'svc:billing' });
  });

  it('honours record expiry, organizations and claims without letting claims override identity', async () => {
    let now = 1_000_000_000;
    const auth = apiKeyPairAuth({
      clock: () => now,
      store: memorySecretStore({
        // JSON text: JSON.parse makes `__proto__` an own key, the case that must not leak
        k1: `{"token":"${TOKEN}","expiresAtSeconds":1000100,"organizations":[{"id":"org_1","scopes":["read:projects"]}],
          "claims":{"tenant":"t1","sub":"spoofed","__proto__":{"polluted":true}}}`,
      }),
    });
    const p = (await auth.authenticate(creds('k1', TOKEN))) as Principal;
    expect(p.organizations).toEqual([{ id: 'org_1', scopes: ['read:projects'] }]);
    expect(p.claims.tenant).toBe('t1');
    expect(p.claims.sub).toBe('k1');
    expect(p.expiresAtSeconds).toBe(1_000_100);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(p.claims)).not.toContain('__proto__');
    expect((p.claims as Record<string, unknown>).polluted).toBeUndefined();
    now = 1_000_100_000;
    expect(await failure(auth.authenticate(creds('k1', TOKEN)))).toBeInstanceOf(InvalidApiKeyError);
  });

  it('validates its options with TypeErrors naming them', () => {
    const store = memorySecretStore();
    expect(() => apiKeyPairAuth(undefined as never)).toThrow(/options/);
    expect(() => apiKeyPairAuth({ store: {} as SecretStore })).toThrow(/store/);
    expect(() => apiKeyPairAuth({ store, idHeader: 'bad header' })).toThrow(/idHeader/);
    expect(() => apiKeyPairAuth({ store, tokenHeader: 'Authorization' })).toThrow(/tokenHeader/);
    expect(() => apiKeyPairAuth({ store, idHeader: 'x-a', tokenHeader: 'X-A' })).toThrow(/differ/);
    expect(() => apiKeyPairAuth({ store, cacheTtlMs: -1 })).toThrow(/cacheTtlMs/);
    expect(() => apiKeyPairAuth({ store, negativeCacheTtlMs: Number.NaN })).toThrow(/negativeCacheTtlMs/);
    expect(() => apiKeyPairAuth({ store, realm: 'a\nb' })).toThrow(/realm/);
    expect(() => apiKeyPairAuth({ store, prefix: 'a\u0000' })).toThrow(/prefix/);
  });

  it('a typo that silently disables a setting: an unknown option key is a TypeError at setup', () => {
    const store = memorySecretStore();
    // A misspelt TTL or bound silently kept the default; the other authenticator's header was ignored.
    for (const typo of ['negativeCacheTTLMs', 'cacheTtl', 'maxEntries', 'header']) {
      expect(() => apiKeyPairAuth({ store, [typo]: 0 } as never)).toThrow(
        new RegExp(`unknown option "${typo}"`),
      );
    }
    for (const typo of ['negativeCacheTTLMs', 'idHeader', 'tokenHeader']) {
      expect(() => apiKeyHeaderAuth({ store, [typo]: 'x-a' } as never)).toThrow(
        new RegExp(`unknown option "${typo}"`),
      );
    }
  });
});

describe('API-key caches: no existence leak, no flushing', () => {
  const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`);

  it('a burst of bogus ids does not evict a good record (the negative cache is separate)', async () => {
    const { store, calls } = countingStore({ good: record });
    const auth = apiKeyPairAuth({ store, maxCacheEntries: 100 });
    await auth.authenticate(creds('good', TOKEN));
    for (const id of ids(1_000, 'bogus')) await failure(auth.authenticate(creds(id, TOKEN)));
    await expect(auth.authenticate(creds('good', TOKEN))).resolves.toMatchObject({ subject: 'svc:billing' });
    expect(calls.filter((id) => id === 'good')).toHaveLength(1);
  });

  it('the record cache is bounded and LRU: a hit keeps a record, the least recently used goes', async () => {
    const { store, calls } = countingStore({ a: record, b: record, c: record });
    const auth = apiKeyPairAuth({ store, maxCacheEntries: 2 });
    for (const id of ['a', 'b', 'a', 'c']) await auth.authenticate(creds(id, TOKEN));
    expect(calls).toEqual(['a', 'b', 'c']);
    await auth.authenticate(creds('a', TOKEN)); // kept: used after b
    expect(calls).toEqual(['a', 'b', 'c']);
    await auth.authenticate(creds('b', TOKEN)); // evicted at the bound
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('the negative cache is bounded and LRU too', async () => {
    const { store, calls } = countingStore({});
    const auth = apiKeyPairAuth({ store, maxCacheEntries: 2 });
    for (const id of ['x', 'y', 'x', 'z', 'x']) await failure(auth.authenticate(creds(id, TOKEN)));
    expect(calls).toEqual(['x', 'y', 'z']);
    await failure(auth.authenticate(creds('y', TOKEN)));
    expect(calls).toEqual(['x', 'y', 'z', 'y']);
  });

  it('known and unknown ids are remembered for the same time by default (timing tells nothing)', async () => {
    let now = 1_000_000;
    const { store, calls } = countingStore({ known: record });
    const auth = apiKeyPairAuth({ store, cacheTtlMs: 30_000, clock: () => now });
    const both = async () => {
      await auth.authenticate(creds('known', TOKEN));
      await failure(auth.authenticate(creds('unknown', TOKEN)));
    };
    await both();
    for (const step of [1_000, 5_000, 10_000, 13_999]) {
      now += step;
      await both();
    }
    expect(calls).toEqual(['known', 'unknown']);
    now += 1; // 30 s after the first lookup: both expire together
    await both();
    expect(calls).toEqual(['known', 'unknown', 'known', 'unknown']);
  });

  it('close() empties both caches: a revoked key is refused and a new key accepted at once', async () => {
    const { store, calls, inner } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store });
    await auth.authenticate(creds('k1', TOKEN));
    await failure(auth.authenticate(creds('k2', TOKEN)));
    inner.delete('k1');
    inner.set('k2', { token: TOKEN });
    await expect(auth.authenticate(creds('k1', TOKEN))).resolves.toMatchObject({ subject: 'svc:billing' }); // cached until cleared
    auth.close();
    expect(await failure(auth.authenticate(creds('k1', TOKEN)))).toBeInstanceOf(InvalidApiKeyError);
    await expect(auth.authenticate(creds('k2', TOKEN))).resolves.toMatchObject({ subject: 'k2' });
    expect(calls).toEqual(['k1', 'k2', 'k1', 'k2']);
  });

  it('close() during a cold lookup: the answer loaded before it is not cached after it', async () => {
    const inner = memorySecretStore({ k1: record });
    const calls: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store: SecretStore = {
      get: async (id) => {
        calls.push(id);
        const value = await inner.get(id);
        if (calls.length === 1) await gate;
        return value;
      },
    };
    const auth = apiKeyPairAuth({ store });
    const first = auth.authenticate(creds('k1', TOKEN));
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    inner.delete('k1');
    auth.close();
    release();
    await expect(first).resolves.toMatchObject({ subject: 'svc:billing' });
    expect(await failure(auth.authenticate(creds('k1', TOKEN)))).toBeInstanceOf(InvalidApiKeyError);
    expect(calls).toEqual(['k1', 'k1']);
  });

  it('unbounded growth: a store that never answers holds at most 1,024 distinct ids in flight, then 503', async () => {
    const calls: string[] = [];
    const store: SecretStore = {
      get: (id) => {
        calls.push(id);
        return new Promise<undefined>(() => {}); // a blackholed connection, no timeout
      },
    };
    const auth = apiKeyPairAuth({ store });
    const pending = ids(1_024, 'flood').map((id) => auth.authenticate(creds(id, TOKEN)));
    for (const p of pending) p.catch(() => {});
    await vi.waitFor(() => expect(calls).toHaveLength(1_024));
    // Past the bound: fail fast and closed, without another store call or another pending lookup.
    for (const id of ids(100, 'more')) {
      const e = await failure(auth.authenticate(creds(id, TOKEN)));
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.code).toBe('ERR_AUTH_SECRET_STORE_UNAVAILABLE');
      expect(e.retryAfterSeconds).toBe(5); // every 503 tells the client when to retry
    }
    expect(calls).toHaveLength(1_024);
    // An id already in flight still joins its lookup (no new slot needed).
    const joined = auth.authenticate(creds('flood0', TOKEN));
    joined.catch(() => {});
    expect(calls).toHaveLength(1_024);
    auth.close();
  });

  it('a store answering null is an unknown id: 401, remembered like one', async () => {
    const calls: string[] = [];
    const store: SecretStore = {
      get: async (id) => {
        calls.push(id);
        return null as unknown as undefined;
      },
    };
    const auth = apiKeyPairAuth({ store });
    for (let i = 0; i < 3; i++) {
      const e = await failure(auth.authenticate(creds('k1', TOKEN)));
      expect(e).toBeInstanceOf(InvalidApiKeyError);
      expect(e.status).toBe(401);
    }
    expect(calls).toEqual(['k1']);
  });

  it('every 503 carries Retry-After: a store that throws and a malformed record', async () => {
    const throwing = apiKeyPairAuth({
      store: {
        get: async () => {
          throw new Error('down');
        },
      },
    });
    const malformed = apiKeyPairAuth({ store: memorySecretStore({ k1: '{"token":""}' }) });
    for (const auth of [throwing, malformed]) {
      const e = await failure(auth.authenticate(creds('k1', TOKEN)));
      expect(e).toBeInstanceOf(UnavailableError);
      expect(e.retryAfterSeconds).toBe(5);
      expect(e.toResponse().headers['retry-after']).toBe('5');
    }
  });
});

describe('apiKeyHeaderAuth and generateApiKey', () => {
  it('generates a key whose record holds only a hash, and authenticates it', async () => {
    const { key, id, record: rec } = await generateApiKey({ prefix: 'sk_test_', scopes: ['read:items'] });
    expect(id).toMatch(/^sk_test_[A-Za-z0-9_-]{22}$/);
    expect(key.startsWith(`${id}.`)).toBe(true);
    const secret = key.slice(id.length + 1);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(rec)).not.toContain(secret);
    expect(rec.hash).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);

    const { store, calls } = countingStore({ [id]: JSON.stringify(rec) });
    const auth = apiKeyHeaderAuth({ store });
    await expect(auth.authenticate(req({ 'x-api-key': key }))).resolves.toMatchObject({
      subject: id,
      tokenUse: 'api_key',
      scopes: ['read:items'],
    });
    expect(await failure(auth.authenticate(req({ 'x-api-key': `${id}.${'A'.repeat(43)}` })))).toBeInstanceOf(
      InvalidApiKeyError,
    );
    expect(calls).toEqual([id]);
  });

  it('generates distinct keys and validates its prefix', async () => {
    const a = await generateApiKey();
    const b = await generateApiKey({ subject: 'svc:x' });
    expect(a.key).not.toBe(b.key);
    expect(b.record.id).toBe('svc:x');
    await expect(generateApiKey({ prefix: 'bad.prefix' })).rejects.toThrow(TypeError);
  });

  it('rejects malformed, duplicate and missing keys correctly', async () => {
    const { key, id, record: rec } = await generateApiKey();
    const { store, calls } = countingStore({ [id]: rec });
    const auth = apiKeyHeaderAuth({ store, header: 'X-Key' });
    expect(await failure(auth.authenticate(req({})))).toBeInstanceOf(MissingTokenError);
    for (const bad of ['', 'nodot', `.${key}`, `${id}.`, `../x.${key}`, `${id}.a b`]) {
      expect(await failure(auth.authenticate(req({ 'x-key': bad })))).toBeInstanceOf(InvalidApiKeyError);
    }
    expect(calls).toEqual([]);
    const dup = await failure(auth.authenticate(req({ 'x-key': key }, ['X-Key', key, 'x-key', key])));
    expect(dup.status).toBe(400);
    await expect(auth.authenticate(req({ 'x-key': key }))).resolves.toMatchObject({ subject: id });
  });
});

describe('API keys with bearer tokens', () => {
  const verifier: Verifier = {
    verify: async () => ({
      subject: 'user',
      issuer: 'https://idp',
      audience: [],
      clientId: null,
      tokenUse: 'access',
      scopes: [],
      groups: [],
      organizations: [],
      expiresAtSeconds: null,
      issuedAtSeconds: null,
      claims: Object.create(null),
    }),
    hydrate: async () => {},
    ready: true,
    close: () => {},
  };

  it('createAuthenticator({ apiKey }) accepts either kind but never both', async () => {
    const auth = createAuthenticator(verifier, {
      apiKey: apiKeyPairAuth({ store: memorySecretStore({ k1: record }) }),
    });
    await expect(auth.authenticate(creds('k1', TOKEN))).resolves.toMatchObject({ tokenUse: 'api_key' });
    await expect(auth.authenticate(req({ authorization: 'Bearer abc' }))).resolves.toMatchObject({
      tokenUse: 'access',
    });
    const both = await failure(
      auth.authenticate(
        req({ authorization: 'Bearer abc', 'x-principal-id': 'k1', 'x-principal-token': TOKEN }),
      ),
    );
    expect(both.status).toBe(400);
    expect(both.code).toBe('ERR_AUTH_INVALID_REQUEST');
    expect((await failure(auth.authenticate(req({})))).status).toBe(401);
  });

  it('oneOfAuthenticators combines the two API-key styles too', async () => {
    const gen = await generateApiKey();
    const store = memorySecretStore({ k1: record, [gen.id]: gen.record });
    const any = oneOfAuthenticators(apiKeyPairAuth({ store }), apiKeyHeaderAuth({ store }));
    await expect(any.authenticate(req({ 'x-api-key': gen.key }))).resolves.toMatchObject({ subject: gen.id });
    await expect(any.authenticate(creds('k1', TOKEN))).resolves.toMatchObject({ subject: 'svc:billing' });
  });
});

describe('API-key properties', () => {
  it('no header values make authenticate fail with anything but a 400/401 AuthError, and only valid ids reach the store', async () => {
    const { store, calls } = countingStore({ k1: record });
    const auth = apiKeyPairAuth({ store, negativeCacheTtlMs: 0 });
    const single = apiKeyHeaderAuth({ store, negativeCacheTtlMs: 0 });
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('k1', TOKEN, '__proto__', '../k1', 'k1.x'),
    );
    await fc.assert(
      fc.asyncProperty(fc.option(value), fc.option(value), fc.option(value), async (id, token, key) => {
        const headers: Record<string, string> = {};
        if (id !== null) headers['x-principal-id'] = id;
        if (token !== null) headers['x-principal-token'] = token;
        if (key !== null) headers['x-api-key'] = key;
        for (const a of [auth, single]) {
          expect(typeof a.hasCredentials({ headers })).toBe('boolean');
          try {
            await a.authenticate({ headers });
          } catch (e) {
            expect(isAuthError(e)).toBe(true);
            expect([400, 401]).toContain((e as InvalidApiKeyError).status);
          }
        }
      }),
      { numRuns: 300 },
    );
    for (const id of calls) expect(id).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
  });
});
