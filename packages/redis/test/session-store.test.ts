/** redisSessionStore: sessions shared by replicas, TTL lifetimes, log out everywhere, fail closed. */
import { cookieSettings, createSealer, type SessionData } from '@auth/core/login';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { type RedisConnection, redisSessionStore } from '../src/index.ts';
import { freshPrefix, topologies } from './support/connect.ts';

const settings = cookieSettings('http://127.0.0.1:3000');
const sealer = createSealer([{ id: 'k1', secret: 's'.repeat(32) }]);
const session = (sub: string, sid: string, createdAt = Date.now()): SessionData => ({
  v: 1,
  issuer: 'https://idp.test',
  clientId: 'web',
  claims: { sub, sid },
  tokens: {
    accessToken: `at-${sub}-${sid}`,
    tokenType: 'bearer',
    expiresAtMs: Date.now() + 60_000,
    obtainedAtMs: Date.now(),
    subject: sub,
  },
  createdAt,
});
/** The cookie header a browser sends back for a Set-Cookie value. */
const cookieOf = (setCookie: string[]) => setCookie[0]?.split(';')[0] ?? '';

describe.each(topologies)('redisSessionStore on %s', (_name, connect) => {
  const make = async (prefix: string, extra: object = {}, redis?: RedisConnection) =>
    redisSessionStore({
      redis: redis ?? (await connect()),
      prefix,
      settings,
      name: 'session',
      sealer,
      ...extra,
    });

  it('a session written by one replica is read by another; the cookie holds only an opaque id', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await make(prefix), await make(prefix)];
    const cookie = cookieOf(await a.write(session('u1', 's1')));
    expect(cookie).toMatch(/^session=[A-Za-z0-9_-]{43}$/);
    expect((await b.read(cookie))?.claims.sub).toBe('u1');
  });

  it('stores sessions sealed: the tokens are not readable on Redis', async () => {
    const prefix = freshPrefix();
    const redis = await connect();
    const store = await make(prefix, {}, redis);
    const cookie = cookieOf(await store.write(session('u1', 's1')));
    const id = cookie.split('=')[1] ?? '';
    const key = `${prefix}session:{${id}}`;
    const raw =
      'masters' in redis
        ? await redis.sendCommand(key, true, ['GET', key])
        : await redis.sendCommand(['GET', key]);
    expect(String(raw)).not.toContain('at-u1');
  });

  it('the idle lifetime is the Redis TTL; the absolute lifetime ends a session whatever its writes', async () => {
    const prefix = freshPrefix();
    const idle = await make(prefix, { idleLifetimeSeconds: 0.3 });
    const cookie = cookieOf(await idle.write(session('u1', 's1')));
    await new Promise((r) => setTimeout(r, 450));
    expect(await idle.read(cookie)).toBeUndefined();
    const absolute = await make(prefix, { absoluteLifetimeSeconds: 1 });
    expect(await absolute.write(session('u2', 's2', Date.now() - 2_000))).toEqual([
      expect.stringContaining('Max-Age=0'),
    ]);
  });

  it('log out everywhere: endSessions({ sub }) ends the sessions of every replica; a stale write cannot revive one', async () => {
    const prefix = freshPrefix();
    const [a, b] = [await make(prefix), await make(prefix)];
    const data = session('u1', 's1');
    const c1 = cookieOf(await a.write(data));
    const c2 = cookieOf(await b.write(session('u1', 's2')));
    const other = cookieOf(await b.write(session('u2', 's3')));
    expect(await b.endSessions({ sub: 'u1', issuer: 'https://idp.test' })).toBe(2);
    expect(await a.read(c1)).toBeUndefined();
    expect(await a.read(c2)).toBeUndefined();
    expect((await a.read(other))?.claims.sub).toBe('u2');
    // A request that loaded the session before the logout writes it back: refused.
    expect(await a.write(data, c1)).toEqual([expect.stringContaining('Max-Age=0')]);
    expect(await a.read(c1)).toBeUndefined();
  });

  it('back-channel logout: endSessions({ sid }) ends that login only; destroy() ends the current one', async () => {
    const prefix = freshPrefix();
    const store = await make(prefix);
    const c1 = cookieOf(await store.write(session('u1', 's1')));
    const c2 = cookieOf(await store.write(session('u1', 's2')));
    expect(await store.endSessions({ sid: 's1' })).toBe(1);
    expect(await store.read(c1)).toBeUndefined();
    expect(await store.read(c2)).toBeDefined();
    await store.destroy(c2);
    expect(await store.read(c2)).toBeUndefined();
  });
});

describe('redisSessionStore with Redis unreachable', () => {
  it('fails closed: 503 ERR_AUTH_STATE_UNAVAILABLE with Retry-After, in bounded time', async () => {
    const redis = createClient({ url: 'redis://127.0.0.1:1' }) as unknown as RedisConnection;
    const store = redisSessionStore({ redis, settings, name: 'session', commandTimeoutMs: 200 });
    const cookie = `session=${'a'.repeat(43)}`;
    for (const call of [
      () => store.read(cookie),
      () => store.write(session('u', 's'), cookie),
      () => store.endSessions({ sub: 'u' }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503, code: 'ERR_AUTH_STATE_UNAVAILABLE' });
      expect((error as { responseHeaders(): Record<string, string> }).responseHeaders()['retry-after']).toBe(
        '5',
      );
    }
  });
});
