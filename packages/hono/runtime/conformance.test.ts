/**
 * The conformance suite against the Hono demo app running on another runtime (Bun or Deno), on the
 * built packages. Not part of the default test run (it needs the runtime binary and a build):
 *
 *   pnpm turbo run build --filter=hono-demo...
 *   AUTH_TEST_RUNTIME=/path/to/bun npx vitest run --config packages/hono/runtime/vitest.config.ts
 *
 * AUTH_TEST_RUNTIME_ARGS adds runtime flags (e.g. `--conditions=auth-webcrypto` for Bun).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type ConformanceHarness,
  runConformance,
  SERVICE_PRINCIPAL,
  webLoginConformance,
} from '@auth/conformance';
import { afterAll, describe, expect, it } from 'vitest';

const runtime = process.env.AUTH_TEST_RUNTIME ?? 'bun';
const isDeno = /deno[^/]*$/.test(runtime);
const extraArgs = (process.env.AUTH_TEST_RUNTIME_ARGS ?? '').split(' ').filter(Boolean);
const args = isDeno
  ? ['run', '--allow-net', '--allow-env', '--allow-read', ...extraArgs, 'server.mjs']
  : [...extraArgs, 'server.mjs'];
// AUTH_TEST_RUNTIME_CWD: another directory holding server.mjs (e.g. an install of the packed packages).
const cwd = process.env.AUTH_TEST_RUNTIME_CWD ?? fileURLToPath(new URL('.', import.meta.url));

const started: { info: { runtime: string; core: string }; subtleVerifies?: number }[] = [];

const harness: ConformanceHarness = {
  name: `hono on ${runtime.split('/').pop()} ${extraArgs.join(' ')}`.trim(),
  start(config) {
    config.apiKey?.close(); // rebuilt in the child from the same service principal
    return spawnApp({ auth: config.auth, pdp: config.pdp });
  },
  // The web-login rows too: the login routes, sealing and the ID token check on the runtime's WebCrypto.
  startWebLogin({ auth, web, port }) {
    return spawnApp({ auth, web, port });
  },
};

/** Starts server.mjs on the runtime with `config` (JSON: the child rebuilds the app from it). */
async function spawnApp(config: Record<string, unknown>) {
  const child: ChildProcess = spawn(runtime, args, {
    cwd,
    env: {
      ...process.env,
      CONFORMANCE_CONFIG: JSON.stringify({ ...config, principal: SERVICE_PRINCIPAL }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ port: number; runtime: string; core: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`${runtime} exited with ${code}`)));
  });
  const baseUrl = `http://127.0.0.1:${info.port}`;
  const entry: (typeof started)[number] = { info };
  started.push(entry);
  return {
    baseUrl,
    async close() {
      // Which signature backend of core ran: WebCrypto calls crypto.subtle.verify, node:crypto does not.
      const reply = await fetch(`${baseUrl}/__runtime`).catch(() => undefined);
      if (reply) entry.subtleVerifies = ((await reply.json()) as { subtleVerifies: number }).subtleVerifies;
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    },
  };
}

runConformance(harness);
webLoginConformance(harness);

describe('runtime', () => {
  it('served the built packages', () => {
    expect(started.length).toBeGreaterThan(0);
    for (const { info } of started) expect(info.core).toMatch(/\/core\/dist\/index\.js$/);
  });
});

afterAll(() => {
  const counts = started.map((s) => s.subtleVerifies ?? 'n/a').join(', ');
  console.log(`${started[0]?.info.runtime}: crypto.subtle.verify calls per app: ${counts}`);
});
