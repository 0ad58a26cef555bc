/** redisRevocationList: revocations reach every replica's local copy; checks never call Redis; fail closed. */
import { createVerifier, type Principal } from '@auth/core';
import { generateKeyPair, mintToken, startJwksServer } from '@auth/testing';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type RedisConnection,
  type RedisRevocationList,
  type RedisSubscriberLike,
  redisRevocationList,
} from '../src/index.ts';
import { freshPrefix } from './support/connect.ts';
import { inject } from 'vitest';
import { startRedis } from './support/redis-server.ts';

const lists: RedisRevocationList[] = [];
const clients: Array<{ destroy(): void }> = [];
afterAll(async () => {
  await Promise.all(lists.map((l) => l.close()));
  for (const c of clients) c.destroy();
});

async function connectPair(url: string) {
  const redis = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 100 } });
  redis.on('error', () => undefined);
  await redis.connect();
  const subscriber = redis.duplicate();
  subscriber.on('error', () => undefined);
  await subscriber.connect();
  clients.push(redis, subscriber);
  return { redis: redis as RedisConnection, subscriber: subscriber as unknown as RedisSubscriberLike };
}

async function replica(url: string, prefix: string, extra: object = {}) {
  const list = await redisRevocationList({
    ...(await connectPair(url)),
    prefix,
    pollMs: 100,
    commandTimeoutMs: 1_000,
    ...extra,
  });
  lists.push(list);
  return list;
}

const principal = (claims: Record<string, unknown>): Pick<Principal, 'claims' | 'subject'> => ({
  subject: String(claims.sub ?? 'u'),
  claims: claims as Principal['claims'],
});
/** Waits (up to 3 s) until `condition` holds: propagation is asynchronous. */
async function eventually(condition: () => boolean): Promise<boolean> {
  const until = Date.now() + 3_000;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

const rejected = (list: RedisRevocationList, claims: Record<string, unknown>) => {
  try {
    list.check(principal(claims));
    return false;
  } catch (error) {
    expect(error).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_REJECTED' });
    return true;
  }
};

describe('redisRevocationList on a single node', () => {
  it('a jti, subject or sid revoked on one replica is rejected on the others within 100 ms (p99 over 50)', async () => {
    const prefix = freshPrefix();
    const url = inject('redisUrl');
    const [a, b, c, d] = [
      await replica(url, prefix),
      await replica(url, prefix),
      await replica(url, prefix),
      await replica(url, prefix),
    ];
    const delays: number[] = [];
    for (let i = 0; i < 50; i++) {
      const jti = `jti-${i}`;
      await a.revokeToken(jti, Date.now() / 1000 + 60);
      // From the acknowledgement of the write on one replica to the rejection on the three others.
      const started = performance.now();
      for (const other of [b, c, d]) {
        while (!rejected(other, { sub: 'u', jti })) await new Promise((r) => setTimeout(r, 1));
      }
      delays.push(performance.now() - started);
    }
    delays.sort((x, y) => x - y);
    const p99 = delays[Math.ceil(delays.length * 0.99) - 1] ?? Number.POSITIVE_INFINITY;
    const p50 = delays[Math.ceil(delays.length * 0.5) - 1] ?? Number.POSITIVE_INFINITY;
    console.log(`revocation propagation to 3 replicas: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    expect(p99).toBeLessThan(100);

    const now = Math.floor(Date.now() / 1000);
    await b.revokeSubject('user-1', now);
    expect(await eventually(() => rejected(c, { sub: 'user-1', iat: now - 10 }))).toBe(true);
    expect(rejected(c, { sub: 'user-1', iat: now + 1 })).toBe(false); // logged in again after the cut-off
    expect(rejected(c, { sub: 'user-2', iat: now - 10 })).toBe(false);
    await c.revokeSession('sid-9');
    expect(await eventually(() => rejected(d, { sub: 'x', sid: 'sid-9' }))).toBe(true);
    expect(rejected(d, { sub: 'x', sid: 'sid-8' })).toBe(false);
  }, 60_000);

  it('a late replica loads the list; a token-cache hit of the verifier is rejected after revocation (customCheck)', async () => {
    const prefix = freshPrefix();
    const url = inject('redisUrl');
    const admin = await replica(url, prefix);
    await admin.revokeToken('old', Date.now() / 1000 + 60);
    const list = await replica(url, prefix);
    expect(rejected(list, { sub: 'u', jti: 'old' })).toBe(true);

    const key = await generateKeyPair('ES256', { kid: 'k1' });
    const server = await startJwksServer({ keys: [key.publicJwk] });
    try {
      const verifier = createVerifier({
        issuers: [
          { issuer: 'https://idp.test', audience: 'api', jwksUri: server.jwksUri, algorithms: ['ES256'] },
        ],
        customCheck: list.check,
      });
      const token = await mintToken({
        key,
        issuer: 'https://idp.test',
        audience: 'api',
        claims: { jti: 'live-1' },
      });
      await verifier.verify(token);
      await verifier.verify(token); // cached
      await admin.revokeToken('live-1', Date.now() / 1000 + 60);
      expect(await eventually(() => rejected(list, { sub: 'u', jti: 'live-1' }))).toBe(true);
      await expect(verifier.verify(token)).rejects.toMatchObject({
        status: 401,
        code: 'ERR_AUTH_TOKEN_REJECTED',
      });
      verifier.close?.();
    } finally {
      await server.close();
    }
  });
});

describe('redisRevocationList when Redis goes down', () => {
  it('fails closed with 503 while down, recovers without a restart, and loses no acknowledged revocation', async () => {
    const server = await startRedis();
    try {
      const prefix = freshPrefix();
      const a = await replica(server.url, prefix);
      const b = await replica(server.url, prefix);
      await a.revokeToken('acked', Date.now() / 1000 + 600);
      expect(await eventually(() => rejected(b, { sub: 'u', jti: 'acked' }))).toBe(true);

      await server.stop();
      const stoppedAt = Date.now();
      const unavailable = () => {
        try {
          b.check(principal({ sub: 'u', jti: 'other' }));
          return false;
        } catch (error) {
          expect(error).toMatchObject({ status: 503, code: 'ERR_AUTH_STATE_UNAVAILABLE' });
          expect(
            (error as { responseHeaders(): Record<string, string> }).responseHeaders()['retry-after'],
          ).toBe('5');
          return true;
        }
      };
      expect(await eventually(unavailable)).toBe(true);
      // Fails closed within 3 polls + 1 s (+ scheduling slack), never a hang.
      expect(Date.now() - stoppedAt).toBeLessThan(2_500);
      const started = Date.now();
      await expect(a.revokeToken('while-down', Date.now() / 1000 + 60)).rejects.toMatchObject({
        status: 503,
      });
      expect(Date.now() - started).toBeLessThan(1_000);

      // A fresh, empty server on the same port (no persistence): the replicas write back what they know.
      await server.start();
      const until = Date.now() + 5_000;
      for (;;) {
        try {
          b.check(principal({ sub: 'u', jti: 'other' }));
          break;
        } catch (error) {
          if (Date.now() > until) throw error;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(rejected(b, { sub: 'u', jti: 'acked' })).toBe(true);
      const late = await replica(server.url, prefix);
      expect(await eventually(() => rejected(late, { sub: 'u', jti: 'acked' }))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('graceSeconds: the last known list serves for that long, then 503', async () => {
    const server = await startRedis();
    try {
      const list = await replica(server.url, freshPrefix(), { graceSeconds: 1.5 });
      await list.revokeToken('r', Date.now() / 1000 + 600);
      await server.stop();
      await new Promise((r) => setTimeout(r, 1_500)); // past the no-grace bound (3 polls + 1 s)
      expect(rejected(list, { sub: 'u', jti: 'r' })).toBe(true); // still enforced during the grace
      expect(rejected(list, { sub: 'u', jti: 'ok' })).toBe(false);
      await new Promise((r) => setTimeout(r, 1_500)); // past bound + grace (2.8 s)
      expect(() => list.check(principal({ sub: 'u', jti: 'ok' }))).toThrow(
        expect.objectContaining({ status: 503 }),
      );
    } finally {
      await server.stop();
    }
  });
});
