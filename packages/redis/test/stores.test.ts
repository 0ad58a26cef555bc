/** JWKS cache, API-key records, failed-credential limiter and replay store on a real Redis (node and cluster). */
import {
  AuthError,
  apiKeyHeaderAuth,
  apiKeyPairAuth,
  createVerifier,
  generateApiKey,
  type JwksCacheEntry,
  memorySecretStore,
} from '@auth/core';
import { generateKeyPair, mintToken, startJwksServer } from '@auth/testing';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import {
  headerOf,
  limitFailures,
  redisFailureLimiter,
  redisJwksCacheStore,
  redisReplayStore,
  redisSecretStore,
} from '../src/index.ts';
import { freshPrefix, topologies } from './support/connect.ts';

const INTEGRITY = 'k'.repeat(32);

describe.each(topologies)('on %s', (_name, connect) => {
  describe('redisJwksCacheStore', () => {
    it('three verifiers (replicas) sharing the store fetch the JWKS once', async () => {
      const key = await generateKeyPair('ES256', { kid: 'k1' });
      const server = await startJwksServer({ keys: [key.publicJwk] });
      try {
        const prefix = freshPrefix();
        const verifiers = await Promise.all(
          [0, 1, 2].map(async () =>
            createVerifier({
              issuers: [
                {
                  issuer: 'https://idp.test',
                  audience: 'api',
                  jwksUri: server.jwksUri,
                  algorithms: ['ES256'],
                },
              ],
              jwks: {
                store: redisJwksCacheStore({ redis: await connect(), prefix, integrityKey: INTEGRITY }),
              },
            }),
          ),
        );
        const token = await mintToken({ key, issuer: 'https://idp.test', audience: 'api' });
        for (const v of verifiers) expect((await v.verify(token)).subject).toBeDefined();
        expect(server.counters.jwks).toBe(1);
        for (const v of verifiers) v.close?.();
      } finally {
        await server.close();
      }
    });

    it('never returns an entry stored for another URI, or one whose signature does not match', async () => {
      const redis = await connect();
      const prefix = freshPrefix();
      const store = redisJwksCacheStore({ redis, prefix, integrityKey: INTEGRITY });
      const entry: JwksCacheEntry = {
        keys: [{ kty: 'EC', kid: 'a' }],
        fetchedAtMs: Date.now(),
        expiresAtMs: Date.now() + 60_000,
      };
      await store.set('https://idp.test/jwks', entry);
      expect(await store.get('https://idp.test/jwks')).toEqual(entry);
      expect(await store.get('https://evil.test/jwks')).toBeUndefined();
      // Someone with write access to Redis but without the integrity key plants a key.
      const forger = redisJwksCacheStore({ redis, prefix, integrityKey: 'x'.repeat(32) });
      await forger.set('https://idp.test/jwks', { ...entry, keys: [{ kty: 'EC', kid: 'planted' }] });
      expect(await store.get('https://idp.test/jwks')).toBeUndefined();
    });
  });

  describe('redisSecretStore', () => {
    it('create, authenticate with core, rotate with overlap, list by owner, revoke', async () => {
      const store = redisSecretStore({ redis: await connect(), prefix: freshPrefix() });
      const first = await generateApiKey({ scopes: ['read:items'] });
      expect(await store.create(first.id, first.record, { owner: 'team-a' })).toBe(true);
      expect(await store.create(first.id, first.record)).toBe(false);
      const auth = apiKeyHeaderAuth({ store, cacheTtlMs: 0 });
      const req = (key: string) => ({ headers: { 'x-api-key': key } });
      expect((await auth.authenticate(req(first.key)))?.scopes).toContain('read:items');
      const raw = await store.get(first.id);
      expect(raw).toContain('sha256:');
      expect(raw).not.toContain(first.key.split('.')[1]);

      const second = await generateApiKey({ scopes: ['read:items'] });
      // A 3 s overlap: the next calls must land inside it even on a loaded machine (1 s did not).
      await store.rotate(first.id, second.id, second.record, 3);
      expect((await store.listByOwner('team-a')).sort()).toEqual([first.id, second.id].sort());
      await auth.authenticate(req(first.key)); // still works during the overlap
      await auth.authenticate(req(second.key));
      await new Promise((r) => setTimeout(r, 3_200));
      await expect(auth.authenticate(req(first.key))).rejects.toMatchObject({
        code: 'ERR_AUTH_INVALID_API_KEY',
      });
      expect(await store.listByOwner('team-a')).toEqual([second.id]);

      expect(await store.revoke(second.id)).toBe(true);
      await expect(auth.authenticate(req(second.key))).rejects.toMatchObject({
        code: 'ERR_AUTH_INVALID_API_KEY',
      });
      expect(await store.listByOwner('team-a')).toEqual([]);
    });
  });

  describe('redisFailureLimiter', () => {
    it('counts failures across replicas (connections): over the limit → 429 ERR_AUTH_RATE_LIMITED with Retry-After', async () => {
      const prefix = freshPrefix();
      const a = redisFailureLimiter({ redis: await connect(), prefix, limit: 3, windowSeconds: 30 });
      const b = redisFailureLimiter({ redis: await connect(), prefix, limit: 3, windowSeconds: 30 });
      const wrong = () =>
        Promise.reject(new AuthError('ERR_AUTH_INVALID_API_KEY', 'Invalid API key credentials'));
      const keys = ['key:k1', 'ip:203.0.113.9'];
      await expect(a.guard(keys, wrong)).rejects.toMatchObject({ status: 401 });
      await expect(b.guard(keys, wrong)).rejects.toMatchObject({ status: 401 });
      await expect(a.guard(keys, wrong)).rejects.toMatchObject({ status: 401 });
      const limited = await b.guard(keys, async () => 'ok').catch((e: unknown) => e);
      expect(limited).toBeInstanceOf(AuthError);
      const error = limited as AuthError;
      expect(error.status).toBe(429);
      expect(error.code).toBe('ERR_AUTH_RATE_LIMITED');
      expect(error.responseHeaders()['retry-after']).toMatch(/^(2\d|30)$/);
      expect(error.toBody()).toMatchObject({ status: 429, code: 'ERR_AUTH_RATE_LIMITED' });
      // Another address with another key id is not limited.
      expect(await a.guard(['key:k2', 'ip:198.51.100.1'], async () => 'ok')).toBe('ok');
    });

    it('limitFailures: an API-key authenticator behind the limiter, keyed by the presented id', async () => {
      const prefix = freshPrefix();
      const keys = (req: Parameters<typeof headerOf>[0]) => {
        const id = headerOf(req, 'x-principal-id');
        return id ? [`key:${id}`] : [];
      };
      const replica = async () =>
        limitFailures(
          apiKeyPairAuth({
            store: memorySecretStore({ svc: { token: 'right-token-0123456789', scopes: [] } }),
          }),
          redisFailureLimiter({ redis: await connect(), prefix, limit: 2, windowSeconds: 30 }),
          keys,
        );
      const [a, b] = [await replica(), await replica()];
      const request = (token: string) => ({
        headers: { 'x-principal-id': 'svc', 'x-principal-token': token },
      });
      await expect(a.authenticate(request('wrong-token-0000000000'))).rejects.toMatchObject({ status: 401 });
      await expect(b.authenticate(request('wrong-token-0000000000'))).rejects.toMatchObject({ status: 401 });
      // Over the limit on the other replica, even with the right key: checked before the credentials.
      const limited = await a.authenticate(request('right-token-0123456789')).catch((e: unknown) => e);
      expect(limited).toMatchObject({ status: 429, code: 'ERR_AUTH_RATE_LIMITED' });
      expect((limited as AuthError).responseHeaders()['retry-after']).toMatch(/^[1-9]\d*$/);
      // Headers read through a Headers object too; no id header → the authenticator alone answers.
      expect(headerOf({ headers: new Headers({ 'X-Principal-Id': 'svc' }) }, 'x-principal-id')).toBe('svc');
      await expect(a.authenticate({ headers: {} })).rejects.toMatchObject({ status: 401 });
      expect(a.hasCredentials(request('x'))).toBe(true);
      expect(a.realm).toBe('api');
      expect(() => limitFailures({} as never, redisFailureLimiter({ redis: createClient() }), keys)).toThrow(
        TypeError,
      );
      a.close();
      b.close();
    });

    it('the window slides: failures older than the window stop counting', async () => {
      const limiter = redisFailureLimiter({
        redis: await connect(),
        prefix: freshPrefix(),
        limit: 1,
        windowSeconds: 0.3,
      });
      await limiter.fail(['ip:x']);
      await expect(limiter.check(['ip:x'])).rejects.toMatchObject({ status: 429 });
      await new Promise((r) => setTimeout(r, 400));
      await limiter.check(['ip:x']);
    });
  });

  describe('redisReplayStore', () => {
    it('a jti is accepted once across replicas, again after its lifetime', async () => {
      const prefix = freshPrefix();
      const [a, b] = [
        redisReplayStore({ redis: await connect(), prefix }),
        redisReplayStore({ redis: await connect(), prefix }),
      ];
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('jti-1', 0.3)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 400));
      expect(await a.claim('jti-1', 60)).toBe(true);
    });
  });
});

describe('stores with Redis unreachable (a closed port)', () => {
  it('fail closed or open as documented, in bounded time, with typed errors', async () => {
    const dead = createClient({ url: 'redis://127.0.0.1:1', disableOfflineQueue: true });
    const redis = dead as unknown as Parameters<typeof redisReplayStore>[0]['redis'];
    const logged: string[] = [];
    const onError = (e: Error) => void logged.push(e.message);
    const started = Date.now();
    await expect(redisReplayStore({ redis, commandTimeoutMs: 200 }).claim('j', 5)).rejects.toMatchObject({
      status: 503,
      code: 'ERR_AUTH_STATE_UNAVAILABLE',
    });
    await redisFailureLimiter({ redis, commandTimeoutMs: 200, onError }).check(['ip:x']); // fails open
    expect(await redisJwksCacheStore({ redis, onError }).get('https://idp.test/jwks')).toBeUndefined();
    const auth = apiKeyHeaderAuth({ store: redisSecretStore({ redis, commandTimeoutMs: 200 }) });
    await expect(
      auth.authenticate({ headers: { 'x-api-key': 'k1.secretsecretsecret' } }),
    ).rejects.toMatchObject({
      status: 503,
      code: 'ERR_AUTH_SECRET_STORE_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(logged.length).toBeGreaterThanOrEqual(2);
  });
});
