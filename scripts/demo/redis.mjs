// A throw-away redis-server for the fleet demo and the HTTP bench: a free 127.0.0.1 port, no persistence,
// killed by `stop()`. Needs `redis-server` on PATH (apt-get install -y redis-server).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './apps.mjs';

/** SIGKILL (the data is throw-away), resolved once it exited. */
async function stopRedis(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** redis-server on a free port, no persistence; resolves once it answers PING. */
export async function startRedisServer() {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (c) => {
    log = (log + c).slice(-4_000);
  });
  child.stderr.on('data', (c) => {
    log = (log + c).slice(-4_000);
  });
  const failed = new Promise((_, reject) => {
    child.once('error', (e) =>
      reject(new Error(`redis-server: ${e.message} (apt-get install -y redis-server)`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log}`)));
  });
  failed.catch(() => {});
  const ping = () =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
  for (let i = 0; i < 100; i++) {
    if (await Promise.race([ping(), failed]))
      return { port, url: `redis://127.0.0.1:${port}`, child, stop: () => stopRedis(child) };
    await sleep(50);
  }
  await stopRedis(child);
  throw new Error(`redis-server on port ${port} did not answer PING in 5 s:\n${log}`);
}
