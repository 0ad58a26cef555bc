import { type AuthressStub, createAuthressAccessKey, startAuthressStub } from '@auth/testing';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authressAccessKey, selfSignedTokens } from '../../src/client/self-signed-tokens.ts';
import { authress } from '../../src/authzen/index.ts';
import { principal } from './loopback.ts';

let client: Awaited<ReturnType<typeof createAuthressAccessKey>>;
const stubs: AuthressStub[] = [];
beforeAll(async () => {
  client = await createAuthressAccessKey({ clientId: 'sc_1', keyId: 'key_1', accountId: 'acc_1' });
});
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});
async function stub(grants: [string, string, string][] = []) {
  const s = await startAuthressStub({ client, grants });
  stubs.push(s);
  return s;
}
const UNAVAILABLE = { status: 503, code: 'ERR_AUTH_POLICY_UNAVAILABLE' };
const route = { method: 'GET', params: { id: 'doc_1' } };
const options = (apiUrl: string) => ({
  apiUrl,
  serviceClientAccessKey: client.accessKey,
  resourceUri: (_p: unknown, ctx: { params?: Record<string, string | undefined> } | undefined) =>
    `documents/${ctx?.params?.id}`,
  permission: 'documents:read',
  breaker: false as const,
});

describe('authress(): user authorization against a loopback Authress API', () => {
  it('authorizeUser: 200 → true, 404 → false, with a self-signed service-client token', async () => {
    const s = await stub([['alice', 'documents/doc_1', 'documents:read']]);
    const policy = authress(options(s.url));
    await expect(policy.authorizeUser('alice', 'documents/doc_1', 'documents:read')).resolves.toBe(true);
    await expect(policy.authorizeUser('bob', 'documents/doc_1', 'documents:read')).resolves.toBe(false);
    expect(s.calls[0]).toBe('/v1/users/alice/resources/documents%2Fdoc_1/permissions/documents%3Aread');
  });

  it('as a Policy: allow, then 403 for another user; the answer never serves another subject', async () => {
    const s = await stub([['alice', 'documents/doc_1', 'documents:read']]);
    const policy = authress({ ...options(s.url), cache: { ttlMs: 60_000 } });
    await expect(policy(principal('alice'), route)).resolves.toEqual({ allowed: true });
    await expect(policy(principal('alice'), route)).resolves.toEqual({ allowed: true });
    await expect(policy(principal('mallory'), route)).resolves.toMatchObject({
      allowed: false,
      code: 'ERR_AUTH_FORBIDDEN',
    });
    expect(s.calls).toHaveLength(2);
  });

  it.each([
    ['a 500', 'status-500'],
    ['an answer over the size limit', 'garbage'],
    ['a redirect', 'redirect'],
  ] as const)('%s → 503 (Policy) and a 503 rejection (plain call)', async (_name, fault) => {
    const s = await stub([['alice', 'documents/doc_1', 'documents:read']]);
    s.fault(fault);
    const policy = authress(options(s.url));
    await expect(policy(principal('alice'), route)).resolves.toMatchObject({
      allowed: false,
      ...UNAVAILABLE,
    });
    await expect(policy.authorizeUser('alice', 'documents/doc_1', 'documents:read')).rejects.toMatchObject(
      UNAVAILABLE,
    );
  });

  it('a hanging API → 503 after timeoutMs', async () => {
    const s = await stub();
    s.fault('hang');
    const policy = authress({ ...options(s.url), timeoutMs: 100 });
    await expect(policy(principal('alice'), route)).resolves.toMatchObject(UNAVAILABLE);
  });

  it('a key the API does not know (401) → 503, not a deny', async () => {
    const other = await createAuthressAccessKey({ clientId: 'sc_1', keyId: 'key_1', accountId: 'acc_1' });
    const s = await stub([['alice', 'documents/doc_1', 'documents:read']]);
    const policy = authress({ ...options(s.url), serviceClientAccessKey: other.accessKey });
    await expect(policy(principal('alice'), route)).resolves.toMatchObject(UNAVAILABLE);
  });

  it('the breaker: a dead API is called once per cool-down', async () => {
    let now = 0;
    const s = await stub();
    s.fault('status-500');
    const policy = authress({
      ...options(s.url),
      breaker: { failureThreshold: 1, cooldownMs: 1000 },
      clock: () => now,
    });
    for (let i = 0; i < 5; i++) await policy(principal(`u${i}`), route);
    expect(s.calls).toHaveLength(1);
    now += 1000;
    await policy(principal('again'), route);
    expect(s.calls).toHaveLength(2);
  });

  it('setup mistakes are TypeErrors that never show the key', () => {
    expect(() =>
      authress({ apiUrl: 'https://a.example', serviceClientAccessKey: 'secret-not-a-key' }),
    ).toThrow(expect.objectContaining({ name: 'TypeError', message: expect.not.stringContaining('secret') }));
    expect(() => authress({ apiUrl: 'http://a.example' })).toThrow(TypeError);
    expect(() => authress({ apiUrl: 'https://a.example', permision: 'x' } as never)).toThrow(TypeError);
  });
});

describe('selfSignedTokens / authressAccessKey', () => {
  it('mints an Authress-shaped token: EdDSA, kid, typ at+jwt, iss/sub/aud from the access key, reused until near expiry', async () => {
    let now = 1_700_000_000_000;
    const tokens = selfSignedTokens({
      ...authressAccessKey(client.accessKey, { apiUrl: 'https://auth.example.com' }),
      clock: () => now,
    });
    const token = await tokens.getToken();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid: 'key_1' });
    expect(decodeJwt(token)).toMatchObject({
      iss: 'https://auth.example.com/v1/clients/sc_1',
      sub: 'sc_1',
      aud: 'acc_1.accounts.authress.io',
      scope: 'openid',
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
    expect(await tokens.getToken()).toBe(token);
    now += 3_000_000; // past 80 % of the hour
    expect(await tokens.getToken()).not.toBe(token);
  });

  it.each([
    ['too few parts', 'a.b.c'],
    ['an empty part', 'a..c.d'],
  ])('authressAccessKey rejects %s with a TypeError', (_name, key) => {
    expect(() => authressAccessKey(key)).toThrow(TypeError);
  });

  it('a key that does not import rejects without its material in the message', async () => {
    const tokens = selfSignedTokens({
      issuer: 'i',
      subject: 's',
      audience: 'a',
      key: 'c2VjcmV0LWJ5dGVz',
      algorithm: 'ES256',
    });
    await expect(tokens.getToken()).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('c2VjcmV0') }),
    );
  });
});
