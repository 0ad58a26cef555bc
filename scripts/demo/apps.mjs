// Demo apps: discovered from apps/*/package.json "demo" entries, started as children, stopped by
// process group so a wrapper command (pnpm, tsx) cannot leave its own child behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `"demo": [{ "name": "express", "port": 3001, "start": ["node", "dist/main.js"], "env": {},
 *   "apiKey": { "headers": { "x-api-key": "…" }, "wrongHeaders": { … } } }]`
 */
export function discoverApps(appsDir) {
  const found = [];
  for (const entry of readdirSync(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(appsDir, entry.name);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    if (!pkg.demo) continue;
    for (const demo of Array.isArray(pkg.demo) ? pkg.demo : [pkg.demo]) {
      if (!Array.isArray(demo.start) || demo.start.length === 0) {
        throw new Error(
          `${entry.name}/package.json: demo entry "${demo.name}" needs a "start" command array`,
        );
      }
      found.push({ name: demo.name ?? entry.name, dir, ...demo });
    }
  }
  return found.sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
}

export const portFree = (port) =>
  new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

export const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Starts one app (`track` gets it as soon as it is spawned); resolves once GET /health answers 200, rejects (with its output) otherwise. */
export async function startApp(app, idp, { timeoutMs = 60_000, track = () => {} } = {}) {
  const port = app.port && (await portFree(app.port)) ? app.port : await freePort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AUTH_')));
  const env = {
    ...inherited,
    HOST: '127.0.0.1',
    PORT: String(port),
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    ...app.env,
  };
  const [cmd, ...args] = app.start;
  const child = spawn(cmd === 'node' ? process.execPath : cmd, args, {
    cwd: app.dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = { ...app, port, baseUrl: `http://127.0.0.1:${port}`, child, output: '' };
  // Tracked from the spawn on, so a Ctrl-C during start-up still stops it.
  track(running);
  const keep = (chunk) => {
    running.output = (running.output + chunk.toString()).slice(-8_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.once('exit', (code, signal) => {
    exited = true;
    running.exit = signal ?? code;
  });
  child.once('error', (err) => {
    exited = true;
    running.output += `\n${err.message}`;
  });

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${running.baseUrl}/health`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return running;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stopApp(running);
  const why = exited ? `exited (${running.exit})` : `no 200 from /health within ${timeoutMs} ms`;
  const error = new Error(`${app.name}: ${why}\n${running.output.trim()}`);
  throw error;
}

/** SIGTERM to the app's process group, SIGKILL after a grace period. */
export async function stopApp(running, graceMs = 3_000) {
  const { child } = running;
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    signal('SIGKILL');
    await exited;
  }
}

/** Synchronous last resort on process exit. */
export function killNow(running) {
  if (running.child.pid && running.child.exitCode === null && running.child.signalCode === null) {
    try {
      process.kill(-running.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
