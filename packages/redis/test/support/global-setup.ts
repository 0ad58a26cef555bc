/** One redis-server and one three-node cluster per test run, shared by the suites, killed after. */
import type { TestProject } from 'vitest/node';
import { startRedis, startRedisCluster } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    redisClusterUrls: string[];
  }
}

export default async function setup(project: TestProject) {
  const single = await startRedis();
  const cluster = await startRedisCluster().catch(async (error) => {
    await single.stop();
    throw error;
  });
  project.provide('redisUrl', single.url);
  project.provide('redisClusterUrls', cluster.rootUrls);
  return async () => {
    await Promise.all([single.stop(), cluster.stop()]);
  };
}
