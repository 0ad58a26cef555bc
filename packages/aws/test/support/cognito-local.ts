/**
 * Starts `cognito-local` (the npm emulator) on a free 127.0.0.1 port in a temporary directory and
 * creates, through the AWS SDK, the user pool, app clients and groups the tests and the demo use.
 * Used by the vitest globalSetup and by `pnpm --filter @auth/aws start`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cognito } from '@auth/core';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** What a started emulator offers: its endpoint, pool, app clients and the groups (= tenants). */
export interface CognitoLocal {
  endpoint: string;
  userPoolId: string;
  /** app client without a secret (USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH) */
  clientId: string;
  /** app client with a secret (SECRET_HASH) */
  secretClientId: string;
  secretClientSecret: string;
  /** tenant groups created at start */
  groups: string[];
  stop(): Promise<void>;
}

export const EMULATOR_GROUPS = ['acme', 'globex', 'initech'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function startScript(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('cognito-local/package.json')), 'lib/bin/start.js');
}

async function waitReady(
  child: ChildProcess,
  endpoint: string,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited (${child.exitCode}): ${log()}`);
    try {
      // Any answer (400 "Missing x-amz-target header") means the server listens.
      await fetch(endpoint, { method: 'POST', body: '{}' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`cognito-local did not start within ${timeoutMs / 1000} s: ${log()}`);
}

/**
 * core's Cognito preset for the emulator's ID tokens, through its test-only `endpoint` (issuer
 * `<endpoint>/<userPoolId>`): what the admin-route mounts authenticate with.
 *
 * @example
 * requireAuth({ issuers: [emulatorIssuer(emu)] });
 */
export function emulatorIssuer(emu: { endpoint: string; userPoolId: string; clientId: string }) {
  return cognito({
    region: 'local',
    userPoolId: emu.userPoolId,
    clientId: emu.clientId,
    tokenUse: 'id',
    endpoint: emu.endpoint,
  });
}

/** An SDK client for the emulator (static fake credentials: it does not check signatures). */
export function emulatorClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

/**
 * Starts the emulator and seeds it.
 *
 * @example
 * const cognito = await startCognitoLocal();
 * // … cognito.endpoint, cognito.userPoolId …
 * await cognito.stop();
 */
export async function startCognitoLocal(
  options: { port?: number /** default 20 s */; startTimeoutMs?: number } = {},
): Promise<CognitoLocal> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-local-'));
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(process.execPath, [startScript()], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, endpoint, () => output, options.startTimeoutMs ?? 20_000);
    const sdk = emulatorClient(endpoint);
    const pool = await sdk.send(
      new CreateUserPoolCommand({
        PoolName: 'auth-tests',
        UsernameAttributes: ['email'],
        Schema: [{ Name: 'role', AttributeDataType: 'String', Mutable: true }],
      }),
    );
    const userPoolId = pool.UserPool?.Id ?? '';
    const plain = await sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'cli',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const secret = await sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'server',
        GenerateSecret: true,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    for (const GroupName of EMULATOR_GROUPS) {
      await sdk.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName }));
    }
    sdk.destroy();
    return {
      endpoint,
      userPoolId,
      clientId: plain.UserPoolClient?.ClientId ?? '',
      secretClientId: secret.UserPoolClient?.ClientId ?? '',
      secretClientSecret: secret.UserPoolClient?.ClientSecret ?? '',
      groups: [...EMULATOR_GROUPS],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
