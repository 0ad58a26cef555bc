/** redisTokenStore on a real Redis (single node and cluster): one grant per expiry for many sources. */
import { clientCredentials, refreshTokens, type TokenSet } from '@auth/core/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisConnection, redisTokenStore } from '../src/index.ts';
import { freshPrefix, topologies } from './support/connect.ts';
import { startTokenEndpoint, type TokenEndpoint } from './support/token-endpoint.ts';

let ep: TokenEndpoint;
beforeEach(async () => {
  ep = await startTokenEndpoint();
});
afterEach(() => ep.close());

describe.each(topologies)('redisTokenStore on %s', (_name, connect) => {
  const source = (redis: RedisConnection, prefix: string, extra: object = {}) =>
    clientCredentials({
      tokenEndpoint: ep.url,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      store: redisTokenStore({ redis, prefix, pollMs: 5 }),
      ...extra,
    });

  it('8 sources on 4 connections × 100 concurrent getToken() send one grant and all get its token', async () => {
    ep.delayMs = 100;
    const prefix = freshPrefix();
    const connections = await Promise.all([connect(), connect(), connect(), connect()]);
    const sources = connections.flatMap((c) => [source(c, prefix), source(c, prefix)]);
    const tokens = await Promise.all(sources.flatMap((s) => Array.from({ length: 100 }, () => s.getToken())));
    expect(ep.requests).toBe(1);
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
  });

  it('a later source adopts the stored token; clear() removes it for the fleet', async () => {
    const prefix = freshPrefix();
    const redis = await connect();
    expect(await source(redis, prefix).getToken()).toBe('at-1');
    const other = source(redis, prefix);
    expect(await other.getToken()).toBe('at-1');
    await other.clear();
    expect(await source(redis, prefix).getToken()).toBe('at-2');
    expect(ep.requests).toBe(2);
  });

  it('refresh tokens rotate across sources: each refresh token is used once, concurrent refreshes included', async () => {
    const rotating = await startTokenEndpoint({ expiresIn: 3600 });
    try {
      const prefix = freshPrefix();
      const connections = await Promise.all([connect(), connect(), connect()]);
      const make = (redis: RedisConnection) =>
        refreshTokens({
          issuer: new URL(rotating.url).origin,
          tokenEndpoint: rotating.url,
          clientId: 'web',
          clientSecret: 's',
          allowInsecureRequests: true,
          tokens: { access_token: 'at-0', refresh_token: 'rt-0', expires_in: 0 },
          store: redisTokenStore({ redis, prefix, pollMs: 5 }),
        });
      const sources = connections.map(make);
      rotating.delayMs = 50;
      // Three rounds of forced refreshes from every source at once.
      for (let round = 0; round < 3; round++) {
        await Promise.all(sources.map((s) => s.getToken({ forceRefresh: true })));
      }
      expect(rotating.reused).toEqual([]);
      const sets = await Promise.all(sources.map((s) => s.getTokenSet()));
      // Every source ends on a set the endpoint issued, none with a rotated-out refresh token.
      expect(rotating.requests).toBe(3); // one per round for the three sources
      for (const set of sets) expect(set.refreshToken).toMatch(/^rt-\d+$/);
    } finally {
      await rotating.close();
    }
  });

  it('a holder whose lock lapsed mid-grant cannot overwrite the newer set (fencing)', async () => {
    const prefix = freshPrefix();
    const redis = await connect();
    const store = redisTokenStore({ redis, prefix, lockTtlMs: 50, pollMs: 5 });
    const set = (token: string): TokenSet => ({
      accessToken: token,
      tokenType: 'bearer',
      expiresAtMs: Date.now() + 60_000,
      obtainedAtMs: Date.now(),
    });
    const first = await store.acquire('k', () => false);
    expect(first.lease).toBeDefined();
    // Simulate a stalled holder: stop its renewals by waiting past the TTL with the event loop blocked.
    const stall = Date.now() + 120;
    while (Date.now() < stall) {
      // busy: no renewal timer runs
    }
    const second = await redisTokenStore({ redis, prefix }).acquire('k', () => false);
    expect(second.lease).toBeDefined();
    expect(await second.lease?.commit(set('newer'))).toBe(true);
    expect(await first.lease?.commit(set('stale'))).toBe(false);
    expect((await store.get('k'))?.accessToken).toBe('newer');
    expect(store.stats.fenced).toBe(1);
  });

  it('a waiting source takes the set the holder commits, not a grant of its own', async () => {
    const prefix = freshPrefix();
    const redis = await connect();
    const store = redisTokenStore({ redis, prefix, pollMs: 5 });
    const held = await store.acquire('k', () => false);
    const waiting = store.acquire('k', (s) => s.accessToken === 'fresh');
    await new Promise((r) => setTimeout(r, 30));
    await held.lease?.commit({
      accessToken: 'fresh',
      tokenType: 'bearer',
      expiresAtMs: Date.now() + 60_000,
      obtainedAtMs: Date.now(),
    });
    const got = await waiting;
    expect(got.lease).toBeUndefined();
    expect(got.tokens?.accessToken).toBe('fresh');
    expect(store.stats.waits).toBe(1);
  });

  it('stores no token on Redis after the access token expires (TTL)', async () => {
    const prefix = freshPrefix();
    const redis = await connect();
    const store = redisTokenStore({ redis, prefix });
    await store.set('k', {
      accessToken: 'a',
      tokenType: 'bearer',
      expiresAtMs: Date.now() - 5_000,
      obtainedAtMs: 0,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.get('k')).toBeUndefined();
  });
});

describe('redisTokenStore options', () => {
  it('misuse throws TypeError at setup', async () => {
    const redis = await topologies[0][1]();
    expect(() => redisTokenStore({ redis, lockTtlMs: 0 })).toThrow(TypeError);
    expect(() => redisTokenStore({ redis, prefix: 'a{b}' })).toThrow(TypeError);
    expect(() => redisTokenStore({ redis: {} as RedisConnection })).toThrow(TypeError);
    expect(() => redisTokenStore({ redis, commandTimeoutMs: Number.NaN })).toThrow(TypeError);
  });
});
