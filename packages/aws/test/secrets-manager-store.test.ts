import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKeyPairAuth } from '@auth/core';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretStoreError, secretsManagerStore } from '../src/index.ts';

/** A loopback server speaking the Secrets Manager JSON protocol (awsJson1_1) for GetSecretValue. */
interface Seen {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: { SecretId?: string; VersionStage?: string };
}

type Behaviour = 'normal' | 'throttle' | 'malformed' | 'denied' | 'binary';

let server: Server;
let endpoint: string;
let behaviour: Behaviour = 'normal';
const seen: Seen[] = [];
const secrets = new Map<string, string>([
  [
    'prod/keys/svc1',
    JSON.stringify({ id: 'svc:one', token: 'token-one-0123456789', scopes: ['read:items'] }),
  ],
  ['prod/keys/broken', '{"token": "half'],
  // Secrets under the prefix that are not API-key records: a password, an RDS-style JSON secret.
  ['prod/keys/db-password', 'hunter2'],
  ['prod/keys/rds', JSON.stringify({ username: 'admin', password: 'hunter2', engine: 'postgres' })],
  ['prod/keys/list', JSON.stringify(['token', 'x'])],
  ['prod/keys/numeric-token', JSON.stringify({ token: 5 })],
  ['prod/keys/bad-scopes', JSON.stringify({ token: 'token-bad-0123456789', scopes: 'read' })],
  // Outside the prefix: what an empty prefix would have exposed.
  ['db-password', 'hunter2'],
]);

function reply(res: ServerResponse, status: number, body: string, type = 'application/x-amz-json-1.1') {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': 'req-1' });
  res.end(body);
}

function error(res: ServerResponse, type: string, message: string) {
  res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ __type: type, message }));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = JSON.parse(raw || '{}');
  seen.push({
    target: req.headers['x-amz-target'] as string | undefined,
    contentType: req.headers['content-type'],
    authorization: req.headers.authorization,
    body,
  });
  if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
    return error(res, 'UnknownOperationException', 'unknown operation');
  }
  if (behaviour === 'throttle') return error(res, 'ThrottlingException', 'Rate exceeded');
  if (behaviour === 'denied')
    return error(res, 'AccessDeniedException', 'arn:aws:iam::123456789012:role/x is not allowed');
  if (behaviour === 'malformed')
    return reply(res, 200, '{"ARN": "arn:aws:secretsmanager:us-east-1:1:secret:x", "Secret');
  const value = secrets.get(body.SecretId);
  if (value === undefined) {
    return error(res, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }
  const out: Record<string, unknown> = {
    ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}-AbCdEf`,
    Name: body.SecretId,
    VersionId: '11111111-2222-3333-4444-555555555555',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1_700_000_000,
  };
  if (behaviour === 'binary') out.SecretBinary = Buffer.from(value).toString('base64');
  else out.SecretString = value;
  return reply(res, 200, JSON.stringify(out));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch(() => reply(res, 500, '{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  behaviour = 'normal';
  seen.length = 0;
});

const credentials = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret-access-key' };
const makeStore = (extra: Partial<Parameters<typeof secretsManagerStore>[0]> = {}) =>
  secretsManagerStore({
    region: 'us-east-1',
    endpoint,
    credentials,
    prefix: 'prod/keys/',
    maxAttempts: 1,
    ...extra,
  });

describe('secretsManagerStore through the real SDK client', () => {
  it('returns the SecretString of a found secret, signed with the static credentials', async () => {
    const store = makeStore();
    expect(await store.get('svc1')).toBe(secrets.get('prod/keys/svc1'));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      target: 'secretsmanager.GetSecretValue',
      contentType: 'application/x-amz-json-1.1',
      body: { SecretId: 'prod/keys/svc1' },
    });
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKEFAKE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request/,
    );
    store.close();
  });

  it('sends the version stage when configured and decodes binary secrets', async () => {
    behaviour = 'binary';
    const store = makeStore({ versionStage: 'AWSPREVIOUS' });
    expect(await store.get('svc1')).toBe(secrets.get('prod/keys/svc1'));
    expect(seen[0]?.body).toEqual({ SecretId: 'prod/keys/svc1', VersionStage: 'AWSPREVIOUS' });
  });

  it('maps ResourceNotFoundException to undefined (unknown id)', async () => {
    await expect(makeStore().get('nobody')).resolves.toBeUndefined();
  });

  it('throws on throttling after the SDK retries, without AWS details in the message', async () => {
    behaviour = 'throttle';
    const store = makeStore({ maxAttempts: 2 });
    const err = await store.get('svc1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretStoreError);
    expect((err as SecretStoreError).awsErrorName).toBe('ThrottlingException');
    expect(seen).toHaveLength(2); // the SDK retried once
  });

  it('throws on access denied and on a malformed (truncated) JSON response', async () => {
    behaviour = 'denied';
    const denied = await makeStore()
      .get('svc1')
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(SecretStoreError);
    expect((denied as Error).message).not.toContain('123456789012');
    behaviour = 'malformed';
    await expect(makeStore().get('svc1')).rejects.toBeInstanceOf(SecretStoreError);
  });

  it('uses a client passed in, and does not destroy it on close', async () => {
    const client = new SecretsManagerClient({ region: 'us-east-1', endpoint, credentials, maxAttempts: 1 });
    const store = secretsManagerStore({ client, prefix: 'prod/keys/' });
    expect(await store.get('svc1')).toBe(secrets.get('prod/keys/svc1'));
    store.close();
    expect(await store.get('svc1')).toBe(secrets.get('prod/keys/svc1'));
    client.destroy();
  });

  it('takes credentials from a named profile of the shared config files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auth-aws-profile-'));
    const saved = { creds: process.env.AWS_SHARED_CREDENTIALS_FILE, config: process.env.AWS_CONFIG_FILE };
    try {
      await writeFile(
        join(dir, 'credentials'),
        '[default]\naws_access_key_id = AKIADEFAULTDEFAULTXX\naws_secret_access_key = x\n' +
          '[svc]\naws_access_key_id = AKIAPROFILEPROFILEXX\naws_secret_access_key = y\n',
      );
      await writeFile(join(dir, 'config'), '');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      const store = secretsManagerStore({
        region: 'us-east-1',
        endpoint,
        profile: 'svc',
        maxAttempts: 1,
        prefix: 'prod/keys/',
      });
      expect(await store.get('svc1')).toBe(secrets.get('prod/keys/svc1'));
      expect(seen[0]?.authorization).toContain('Credential=AKIAPROFILEPROFILEXX/');
      store.close();
    } finally {
      for (const [k, v] of [
        ['AWS_SHARED_CREDENTIALS_FILE', saved.creds],
        ['AWS_CONFIG_FILE', saved.config],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('validates its options', () => {
    expect(() => secretsManagerStore({ prefix: 'a\nb' })).toThrow(/prefix/);
    expect(() => secretsManagerStore({ prefix: 'p/', region: '' })).toThrow(/region/);
    expect(() => secretsManagerStore({ prefix: 'p/', client: {} as never })).toThrow(/client/);
  });

  it('a key id cannot name any secret: a non-empty prefix or an allow-list is required at setup', () => {
    for (const options of [
      undefined,
      {},
      { prefix: '' },
      { region: 'us-east-1', endpoint, credentials },
      { allowedIds: [] },
      { allowedIds: 'svc1' },
      { allowedIds: ['svc1', 'a b'] },
      { allowedIds: [''] },
      { prefix: 'p/', allowedIds: [5] },
    ]) {
      expect(() => secretsManagerStore(options as never)).toThrow(TypeError);
    }
    expect(() => secretsManagerStore({})).toThrow(/prefix/);
    expect(() => secretsManagerStore({ prefix: 'prod/keys/', region: 'us-east-1' })).not.toThrow();
    expect(() => secretsManagerStore({ allowedIds: ['svc1'], region: 'us-east-1' })).not.toThrow();
  });

  it('a typo that silently disables a check: an unknown option key is a TypeError at setup', () => {
    // `allowedIDs` next to a prefix used to be ignored: every id under the prefix was looked up.
    for (const typo of ['allowedIDs', 'allowIds', 'allowedIds ', 'prefx', 'Region']) {
      expect(() =>
        secretsManagerStore({ prefix: 'p/', region: 'us-east-1', [typo]: ['svc1'] } as never),
      ).toThrow(new RegExp(`unknown option "${typo}"`));
    }
  });

  it('with an allow-list, other ids never reach AWS', async () => {
    const store = makeStore({ prefix: undefined, allowedIds: ['db-password', 'other'] });
    await expect(store.get('prod')).resolves.toBeUndefined();
    await expect(store.get('svc1')).resolves.toBeUndefined();
    expect(seen).toHaveLength(0);
    // Allowed, but not a record: still unknown.
    await expect(store.get('db-password')).resolves.toBeUndefined();
    expect(seen.map((s) => s.body.SecretId)).toEqual(['db-password']);
  });

  it('observable difference: an id outside allowedIds answers no faster than a Secrets Manager lookup', async () => {
    const record = JSON.stringify({ id: 'svc:one', token: 'token-one-0123456789' });
    const sent: string[] = [];
    const client = {
      send: (command: { input: { SecretId: string } }) => {
        sent.push(command.input.SecretId);
        return new Promise((resolve) => setTimeout(() => resolve({ SecretString: record }), 40));
      },
    };
    const store = secretsManagerStore({ allowedIds: ['svc1'], client: client as never });
    const timed = async (id: string) => {
      const start = performance.now();
      const value = await store.get(id);
      return { value, ms: performance.now() - start };
    };
    for (let i = 0; i < 5; i++) expect((await timed('svc1')).value).toBe(record);
    const outside = await timed('intruder');
    expect(outside.value).toBeUndefined();
    // 0 ms against 40 ms told which ids are on the list; now both take about one AWS round trip.
    expect(outside.ms).toBeGreaterThanOrEqual(25);
    expect(sent).toEqual(Array(5).fill('svc1'));
  });

  it.each(['db-password', 'rds', 'list', 'numeric-token', 'broken'])(
    'a secret that is not an API-key record (%s) reads as absent',
    async (id) => {
      await expect(makeStore().get(id)).resolves.toBeUndefined();
    },
  );

  it('a binary secret that is not UTF-8, or a secret without a value, reads as absent', async () => {
    for (const output of [{ SecretBinary: new Uint8Array([0xff, 0xfe, 0x00]) }, {}]) {
      const store = secretsManagerStore({ prefix: 'p/', client: { send: async () => output } as never });
      await expect(store.get('svc1')).resolves.toBeUndefined();
    }
  });
});

describe('apiKeyPairAuth on Secrets Manager', () => {
  const creds = (id: string, token: string) => ({
    headers: { 'x-principal-id': id, 'x-principal-token': token },
  });

  it('authenticates, caches, and maps failures to 401 / 503', async () => {
    const auth = apiKeyPairAuth({ store: makeStore() });
    await expect(auth.authenticate(creds('svc1', 'token-one-0123456789'))).resolves.toMatchObject({
      subject: 'svc:one',
      tokenUse: 'api_key',
      scopes: ['read:items'],
    });
    await auth.authenticate(creds('svc1', 'token-one-0123456789'));
    expect(seen).toHaveLength(1); // warm cache: no second AWS call

    await expect(auth.authenticate(creds('svc1', 'wrong'))).rejects.toMatchObject({
      status: 401,
      code: 'ERR_AUTH_INVALID_API_KEY',
    });
    await expect(auth.authenticate(creds('nobody', 'wrong'))).rejects.toMatchObject({
      status: 401,
      code: 'ERR_AUTH_INVALID_API_KEY',
    });
    // a record-shaped secret with a broken field is an operator error → 503
    await expect(auth.authenticate(creds('bad-scopes', 'x'))).rejects.toMatchObject({
      status: 503,
      code: 'ERR_AUTH_SECRET_STORE_UNAVAILABLE',
    });
    // throttled store → 503 with Retry-After
    behaviour = 'throttle';
    const err = await auth.authenticate(creds('svc2', 'x')).catch((e: { toResponse(): unknown }) => e);
    expect(err).toMatchObject({ status: 503, code: 'ERR_AUTH_SECRET_STORE_UNAVAILABLE' });
    expect(
      (err as { toResponse(): { headers: Record<string, string> } }).toResponse().headers['retry-after'],
    ).toBe('5');
    // injected ids never reach AWS
    const before = seen.length;
    await expect(auth.authenticate(creds('../../other-secret', 'x'))).rejects.toMatchObject({ status: 401 });
    expect(seen.length).toBe(before);
  });

  it('a secret that is not a record answers exactly like an absent one, and that answer is cached', async () => {
    const auth = apiKeyPairAuth({ store: makeStore() });
    const rejection = async (id: string) => {
      const e = (await auth.authenticate(creds(id, 'guess-0123456789')).catch((x: unknown) => x)) as {
        toResponse(): unknown;
      };
      return e.toResponse();
    };
    const absent = await rejection('nobody');
    expect(absent).toMatchObject({ status: 401, body: { code: 'ERR_AUTH_INVALID_API_KEY' } });
    for (const id of ['db-password', 'rds', 'list', 'numeric-token', 'broken']) {
      expect(await rejection(id)).toEqual(absent);
      const calls = seen.length;
      expect(await rejection(id)).toEqual(absent);
      expect(seen.length).toBe(calls); // remembered like an unknown id: no second AWS call
    }
    expect(seen.filter((s) => s.body.SecretId === 'db-password')).toEqual([]);
  });
});
