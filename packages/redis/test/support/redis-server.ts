/**
 * Real `redis-server` processes for the tests: one node or a three-node cluster on free 127.0.0.1
 * ports, no persistence, killed after. A missing binary fails loudly (never a skipped suite).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisProcess {
  port: number;
  url: string;
  /** Kills the server (SIGKILL: as abrupt as a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  start(): Promise<void>;
}

function requireBinary(name: string): void {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `@auth/redis tests need a real ${name} on PATH and it was not found. Install it: ` +
        '`apt-get install -y redis-server` (Debian/Ubuntu; .ci/run does this), or your OS package.',
    );
  }
}

/** A port free on 127.0.0.1, whose cluster bus port (+10000) is free too. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function waitForPing(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`redis-server exited early (code ${child.exitCode}):\n${log()}`);
    try {
      const out = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      if (out.trim() === 'PONG') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer PING in 10 s:\n${log()}`);
}

export async function startRedis(extra: string[] = []): Promise<RedisProcess> {
  requireBinary('redis-server');
  requireBinary('redis-cli');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const proc: RedisProcess = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      let output = '';
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extra],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      c.stdout?.on('data', (d) => {
        output = (output + d).slice(-4000);
      });
      c.stderr?.on('data', (d) => {
        output = (output + d).slice(-4000);
      });
      child = c;
      await waitForPing(port, c, () => output);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  await proc.start();
  return proc;
}

export interface RedisClusterProcess {
  nodes: RedisProcess[];
  rootUrls: string[];
  stop(): Promise<void>;
}

/** Three masters, no replicas, every slot assigned. */
export async function startRedisCluster(): Promise<RedisClusterProcess> {
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < 3; i++) {
    nodes.push(
      await startRedis([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${process.pid}-${Date.now()}-${i}.conf`,
        '--dir',
        '/tmp',
      ]),
    );
  }
  execFileSync(
    'redis-cli',
    [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
    { stdio: 'ignore' },
  );
  // Wait until every node agrees the cluster is up.
  const until = Date.now() + 15_000;
  for (const n of nodes) {
    for (;;) {
      const info = execFileSync('redis-cli', ['-p', String(n.port), 'CLUSTER', 'INFO'], { encoding: 'utf8' });
      if (info.includes('cluster_state:ok')) break;
      if (Date.now() > until) throw new Error('the Redis cluster did not reach cluster_state:ok in 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    nodes,
    rootUrls: nodes.map((n) => n.url),
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
