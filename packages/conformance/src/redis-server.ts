/**
 * A throw-away `redis-server` for the limiter rows: a unix socket in a fresh temporary directory (no TCP
 * port to race for), no persistence, killed by `stop()`. A missing binary fails loudly, never a skip.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** The unix socket path (`createClient({ socket: { path } })`). */
  path: string;
  stop(): Promise<void>;
}

const ping = (path: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(path, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-redis-'));
  const path = join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', path, '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let failure: Error | undefined;
  child.once('error', (e) => {
    failure = new Error(
      `the limiter rows need a real redis-server on PATH (${e.message}): apt-get install -y redis-server`,
    );
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (failure) break;
    if (child.exitCode !== null) {
      failure = new Error(`redis-server exited (${child.exitCode}):\n${log}`);
      break;
    }
    if (await ping(path)) return { path, stop };
    await new Promise((r) => setTimeout(r, 25));
  }
  await stop();
  throw failure ?? new Error(`redis-server did not answer PING in 5 s:\n${log}`);
}
