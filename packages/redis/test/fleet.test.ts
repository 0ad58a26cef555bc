/**
 * The fleet proof, across real processes: 4 replicas × 1,000 concurrent getToken() on one Redis send
 * one token request; with the lock holder killed mid-fetch, the fleet recovers with one more.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { freshPrefix } from './support/connect.ts';
import { startTokenEndpoint, type TokenEndpoint } from './support/token-endpoint.ts';

const REPLICA = fileURLToPath(new URL('./fleet/replica.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Result {
  id: string;
  distinct: string[];
  calls: number;
}

let ep: TokenEndpoint;
let children: ChildProcess[] = [];
beforeEach(async () => {
  ep = await startTokenEndpoint();
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
  await ep.close();
});

async function startFleet(count: number, env: Record<string, string>): Promise<ChildProcess[]> {
  const started = Array.from({ length: count }, (_, i) => {
    const child = fork(REPLICA, [], {
      cwd: PACKAGE_DIR, // tsx resolves @auth/* through this package's tsconfig paths
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env, REPLICA_ID: String(i), TOKEN_ENDPOINT: ep.url },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    return child;
  });
  await Promise.all(
    started.map(
      (c) =>
        new Promise<void>((resolve, reject) => {
          c.once('message', () => resolve());
          c.once('exit', (code) => reject(new Error(`replica exited before ready (code ${code})`)));
        }),
    ),
  );
  return started;
}

const resultOf = (c: ChildProcess) =>
  new Promise<Result>((resolve, reject) => {
    c.once('message', (m) => resolve(m as Result));
    c.once('exit', (code, signal) =>
      reject(new Error(`replica exited without a result (${code ?? signal})`)),
    );
  });

describe.each([
  ['single node', () => ({ REDIS_URLS: inject('redisUrl'), REDIS_CLUSTER: '0' })],
  ['cluster', () => ({ REDIS_URLS: inject('redisClusterUrls').join(','), REDIS_CLUSTER: '1' })],
])('fleet of 4 processes on %s', (_name, redisEnv) => {
  it('4 processes × 1,000 concurrent getToken() → 1 token request, one token everywhere', async () => {
    ep.delayMs = 200;
    const fleet = await startFleet(4, { ...redisEnv(), PREFIX: freshPrefix(), CONCURRENCY: '1000' });
    const results = Promise.all(fleet.map(resultOf));
    for (const c of fleet) c.send('go');
    const done = await results;
    expect(ep.requests).toBe(1);
    expect(done.map((r) => r.calls)).toEqual([1000, 1000, 1000, 1000]);
    expect(new Set(done.flatMap((r) => r.distinct))).toEqual(new Set(['at-1']));
  }, 60_000);

  it('the lock holder killed mid-fetch: the others recover with at most one more request', async () => {
    const fleet = await startFleet(4, {
      ...redisEnv(),
      PREFIX: freshPrefix(),
      CONCURRENCY: '1000',
      LOCK_TTL_MS: '1000',
    });
    // The first request never gets its answer in time: its sender is killed while it waits.
    ep.delayMs = 3_000;
    let holder: string | undefined;
    ep.onRequest = (replica) => {
      if (holder !== undefined) {
        ep.delayMs = 50; // the recovering replica gets a prompt answer
        return;
      }
      holder = replica;
      fleet[Number(replica)]?.kill('SIGKILL');
    };
    const survivors = Promise.all(
      fleet.map((c, i) => resultOf(c).catch(() => ({ id: String(i), distinct: [], calls: 0, killed: true }))),
    );
    const started = Date.now();
    for (const c of fleet) c.send('go');
    const done = await survivors;
    const alive = done.filter((r) => !('killed' in r));
    expect(alive).toHaveLength(3);
    expect(ep.requests).toBe(2);
    expect(new Set(alive.flatMap((r) => r.distinct))).toEqual(new Set(['at-2']));
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);
});
