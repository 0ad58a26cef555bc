/** node-redis connections to the servers of global-setup (single node, cluster), closed after each file. */
import { randomUUID } from 'node:crypto';
import { createClient, createCluster } from 'redis';
import { afterAll, inject } from 'vitest';
import type { RedisConnection } from '../../src/index.ts';

const open: Array<{ close(): Promise<unknown> | unknown }> = [];
afterAll(async () => {
  await Promise.all(open.splice(0).map((c) => Promise.resolve(c.close()).catch(() => undefined)));
});

export async function connectSingle(url = inject('redisUrl')): Promise<RedisConnection> {
  const client = createClient({ url, disableOfflineQueue: true });
  client.on('error', () => undefined); // reconnects by itself; the stores report failures
  await client.connect();
  open.push({ close: () => client.destroy() });
  return client;
}

export async function connectCluster(urls = inject('redisClusterUrls')): Promise<RedisConnection> {
  const cluster = createCluster({
    rootNodes: urls.map((url) => ({ url })),
    defaults: { disableOfflineQueue: true },
  });
  cluster.on('error', () => undefined);
  await cluster.connect();
  open.push({ close: () => cluster.destroy() });
  return cluster;
}

export const topologies = [
  ['single node', () => connectSingle()],
  ['cluster', () => connectCluster()],
] as const;

/** A fresh key prefix per test: suites share the servers. */
export const freshPrefix = () => `t${randomUUID().slice(0, 8)}:`;
