/**
 * The token store when Redis is stopped, paused (CLIENT PAUSE) or full (maxmemory): per-process single
 * flight instead of the fleet lock, in bounded time, never a hang; back to the fleet lock after.
 */
import { execFileSync } from 'node:child_process';
import { clientCredentials } from '@auth/core/client';
import { createClient } from 'redis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RedisConnection, redisTokenStore } from '../src/index.ts';
import { startRedis } from './support/redis-server.ts';
import { startTokenEndpoint, type TokenEndpoint } from './support/token-endpoint.ts';

let ep: TokenEndpoint;
beforeEach(async () => {
  ep = await startTokenEndpoint();
});
afterEach(() => ep.close());

describe('redisTokenStore faults', () => {
  it('stopped, paused, full: tokens keep coming with one grant per process, then the fleet lock again', async () => {
    const server = await startRedis(['--maxmemory', '2mb', '--maxmemory-policy', 'noeviction']);
    const client = createClient({
      url: server.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const errors: string[] = [];
      const store = redisTokenStore({
        redis: client as RedisConnection,
        commandTimeoutMs: 200,
        onError: (e) => void errors.push(e.message),
      });
      const tokens = clientCredentials({
        tokenEndpoint: ep.url,
        clientId: 'svc',
        clientSecret: 'x',
        allowInsecureRequests: true,
        store,
      });
      expect(await tokens.getToken()).toBe('at-1');
      expect(store.stats.leases).toBe(1);

      // Stopped: 100 concurrent forced refreshes join one grant, without the lock, in bounded time.
      await server.stop();
      let started = Date.now();
      const down = await Promise.all(
        Array.from({ length: 100 }, () => tokens.getToken({ forceRefresh: true })),
      );
      expect(new Set(down)).toEqual(new Set(['at-2']));
      expect(ep.requests).toBe(2);
      expect(store.stats.fallbacks).toBe(1);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(errors.join('\n')).not.toContain('at-');

      // Back: the fleet lock is used again, no process restart.
      await server.start();
      const until = Date.now() + 5_000;
      while (!client.isReady && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await tokens.getToken({ forceRefresh: true })).toBe('at-3');
      expect(store.stats.leases).toBe(2);

      // Paused (CLIENT PAUSE): commands hang server-side; the timeout turns that into a fallback.
      execFileSync('redis-cli', ['-p', String(server.port), 'CLIENT', 'PAUSE', '2000', 'ALL']);
      started = Date.now();
      expect(await tokens.getToken({ forceRefresh: true })).toBe('at-4');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(store.stats.fallbacks).toBe(2);
      execFileSync('redis-cli', ['-p', String(server.port), 'CLIENT', 'UNPAUSE']);

      // Full (maxmemory, noeviction): writes fail with OOM; the grant still happens, once.
      const filler = 'x'.repeat(100_000);
      let full = '';
      for (let i = 0; i < 100 && !full; i++) {
        await client.set(`fill:${i}`, filler).catch((e: Error) => {
          full = e.message;
        });
      }
      expect(full).toMatch(/^OOM/);
      started = Date.now();
      expect(await tokens.getToken({ forceRefresh: true })).toBe('at-5');
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      client.destroy();
      await server.stop();
    }
  });
});
