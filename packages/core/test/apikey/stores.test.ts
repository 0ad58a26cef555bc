import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiKeyPairAuth,
  envSecretStore,
  fileSecretStore,
  memorySecretStore,
} from '../../src/apikey/index.ts';

describe('memorySecretStore', () => {
  it('serves JSON texts for objects and strings, and can be changed', async () => {
    const store = memorySecretStore(
      new Map<string, string | object>([
        ['a', { token: 't' }],
        ['b', '{"token":"u"}'],
      ]),
    );
    expect(await store.get('a')).toBe('{"token":"t"}');
    expect(await store.get('b')).toBe('{"token":"u"}');
    expect(await store.get('__proto__')).toBeUndefined();
    store.set('c', { token: 'v' });
    expect(await store.get('c')).toBe('{"token":"v"}');
    expect(store.delete('c')).toBe(true);
    expect(await store.get('c')).toBeUndefined();
    expect(() => memorySecretStore({ a: 5 as unknown as string })).toThrow(TypeError);
  });
});

describe('envSecretStore', () => {
  const env = {
    AUTH_SECRET__svc_demo: '{"token":"t"}',
    AUTH_SECRET__SVC_UPPER: '{"token":"u"}',
    AUTH_SECRET__empty: '  ',
    OTHER: 'x',
  };

  it('reads AUTH_SECRET__<ID> by default', async () => {
    const store = envSecretStore(env);
    expect(await store.get('svc_demo')).toBe('{"token":"t"}');
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.get('empty')).toBeUndefined();
    expect(await store.get('constructor')).toBeUndefined();
  });

  it('supports a custom prefix and normalized names', async () => {
    expect(await envSecretStore({ KEYS_a: '1' }, { prefix: 'KEYS_' }).get('a')).toBe('1');
    expect(await envSecretStore(env, { normalize: true }).get('svc-upper')).toBe('{"token":"u"}');
    expect(() => envSecretStore(env, { prefix: 'bad-prefix' })).toThrow(/prefix/);
  });

  it('backs apiKeyPairAuth', async () => {
    const auth = apiKeyPairAuth({ store: envSecretStore(env) });
    await expect(
      auth.authenticate({ headers: { 'x-principal-id': 'svc_demo', 'x-principal-token': 't' } }),
    ).resolves.toMatchObject({ subject: 'svc_demo', tokenUse: 'api_key' });
  });
});

describe('fileSecretStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auth-file-store-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads records and reloads the file when it changes', async () => {
    const path = join(dir, 'reload.json');
    await writeFile(path, JSON.stringify({ a: { token: 'one' } }));
    const store = fileSecretStore(path, { checkIntervalMs: 0 });
    expect(await store.get('a')).toBe('{"token":"one"}');
    expect(await store.get('b')).toBeUndefined();
    await writeFile(path, JSON.stringify({ a: { token: 'two' }, b: '{"token":"three"}' }));
    expect(await store.get('a')).toBe('{"token":"two"}');
    expect(await store.get('b')).toBe('{"token":"three"}');
  });

  it('keeps the last good content while the file is partially written or invalid', async () => {
    const path = join(dir, 'partial.json');
    await writeFile(path, JSON.stringify({ a: { token: 'good' } }));
    const store = fileSecretStore(path, { checkIntervalMs: 0 });
    expect(await store.get('a')).toBe('{"token":"good"}');
    await writeFile(path, '{"a": {"token": "hal'); // a writer caught mid-way
    expect(await store.get('a')).toBe('{"token":"good"}');
    expect(await store.reload()).toBe(false);
    await writeFile(path, '[1,2]'); // valid JSON, wrong shape
    expect(await store.get('a')).toBe('{"token":"good"}');
    await rm(path); // deleted: still the last good content
    expect(await store.get('a')).toBe('{"token":"good"}');
    // an atomic replace (write elsewhere, rename over) is picked up
    const tmp = join(dir, 'partial.json.tmp');
    await writeFile(tmp, JSON.stringify({ a: { token: 'new' } }));
    await rename(tmp, path);
    expect(await store.get('a')).toBe('{"token":"new"}');
  });

  it('checks for changes at most every checkIntervalMs', async () => {
    let now = 0;
    const path = join(dir, 'interval.json');
    await writeFile(path, JSON.stringify({ a: { token: 'one' } }));
    const store = fileSecretStore(path, { checkIntervalMs: 1_000, clock: () => now });
    expect(await store.get('a')).toBe('{"token":"one"}');
    await writeFile(path, JSON.stringify({ a: { token: 'two' } }));
    now = 500;
    expect(await store.get('a')).toBe('{"token":"one"}');
    now = 1_000;
    expect(await store.get('a')).toBe('{"token":"two"}');
  });

  it('fails (store unavailable → 503) when no good file was ever read', async () => {
    const store = fileSecretStore(join(dir, 'missing.json'), { checkIntervalMs: 0 });
    await expect(store.get('a')).rejects.toThrow(/no usable secrets file/);
    const auth = apiKeyPairAuth({ store });
    await expect(
      auth.authenticate({ headers: { 'x-principal-id': 'a', 'x-principal-token': 't' } }),
    ).rejects.toMatchObject({ status: 503, code: 'ERR_AUTH_SECRET_STORE_UNAVAILABLE' });
  });

  it('picks up a rotated token through apiKeyPairAuth once caches expire', async () => {
    const path = join(dir, 'rotate.json');
    await writeFile(path, JSON.stringify({ svc: { token: 'old-token' } }));
    const auth = apiKeyPairAuth({ store: fileSecretStore(path, { checkIntervalMs: 0 }), cacheTtlMs: 0 });
    const creds = (t: string) => ({ headers: { 'x-principal-id': 'svc', 'x-principal-token': t } });
    await expect(auth.authenticate(creds('old-token'))).resolves.toMatchObject({ subject: 'svc' });
    await writeFile(path, JSON.stringify({ svc: { token: 'new-token' } }));
    await expect(auth.authenticate(creds('old-token'))).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate(creds('new-token'))).resolves.toMatchObject({ subject: 'svc' });
  });

  it('validates its options', () => {
    expect(() => fileSecretStore('')).toThrow(/path/);
    expect(() => fileSecretStore('x', { checkIntervalMs: -1 })).toThrow(/checkIntervalMs/);
  });
});
