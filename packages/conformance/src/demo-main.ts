// A demo app's main.ts as a user runs it: a separate process configured only through the environment.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The shared suite of `apps/<name>/test/main.test.ts`: starts the dev IdP, runs `src/main.ts` (tsx) in
 * `appDir` with only AUTH_ISSUER and PORT set, checks the demo API, the local-only service principal and
 * a clean SIGTERM exit.
 */
export function describeDemoMain(name: string, appDir: string): void {
  let idp: DevIdp;
  let child: ChildProcess | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    idp = await startDevIdp({ port: 0 });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // Only what a user sets: AUTH_ISSUER and PORT (audience and algorithms keep their defaults).
    const env: Record<string, string | undefined> = {
      ...process.env,
      AUTH_ISSUER: idp.issuer,
      PORT: String(port),
    };
    for (const key of Object.keys(env)) if (key.startsWith('AUTH_') && key !== 'AUTH_ISSUER') delete env[key];
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: appDir, env, stdio: 'pipe' });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('listening')) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`main.ts exited with ${code}`)));
    });
    // tsx compiles main.ts and its imports on start; on a loaded machine that alone can take 30 s.
  }, 90_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await idp?.stop();
  });

  describe(`${name} main.ts`, () => {
    it('GET /ready: 503 until the issuer keys are fetched (lazily, by the first request), then 200', async () => {
      const before = await fetch(`${baseUrl}/ready`);
      expect([before.status, await before.json()]).toEqual([503, { ready: false }]);
      const token = await idp.getToken('reader');
      await fetch(`${baseUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
      const after = await fetch(`${baseUrl}/ready`);
      expect([after.status, await after.json()]).toEqual([200, { ready: true }]);
    });

    it('serves the demo API for the configured issuer', async () => {
      expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({ status: 'ok' });
      const token = await idp.getToken('reader');
      const me = await fetch(`${baseUrl}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ issuer: idp.issuer, clientId: 'reader' });
      const denied = await fetch(`${baseUrl}/admin`, { headers: { authorization: `Bearer ${token}` } });
      expect(denied.status).toBe(403);
    });

    it('accepts the local demo service principal on GET /service', async () => {
      const headers = { 'x-principal-id': 'svc-demo', 'x-principal-token': 'demo-service-token-local-only' };
      const reply = await fetch(`${baseUrl}/service`, { headers });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ subject: 'svc-demo', tokenUse: 'api_key' });
      const wrong = await fetch(`${baseUrl}/service`, {
        headers: { ...headers, 'x-principal-token': 'nope-nope' },
      });
      expect(wrong.status).toBe(401);
    });

    // What a user's client sees from main.ts as started: JSON, never an HTML page or a stack trace.
    it('answers bad bodies and unknown errors with JSON, never a stack trace', async () => {
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(`${baseUrl}/items`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const anonymous = await post('{"name":');
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toMatchObject({ code: 'ERR_AUTH_MISSING_TOKEN' });
      const token = await idp.getToken('writer');
      const bad = await post('{"name":', { authorization: `Bearer ${token}` });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/json/);
      const text = await bad.text();
      expect(text).not.toMatch(/<html|<pre|\bat [\w.<>]+ \(|node:internal|\.[jt]s:\d+:\d+/i);
    });

    it('stops cleanly on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child!.kill('SIGTERM');
      expect(await exited).toBe(0);
    });
  });
}
