/** Stores, discovery cache, PEM keys, revocation/introspection errors, and the browser-safety of the subpath. */
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DiscoveryCache,
  DiscoveryError,
  MemoryTokenStore,
  TokenEndpointError,
  clientCredentials,
  introspectToken,
  revokeToken,
} from '../../src/client/index.ts';
import { decodeJwtPayload } from '../../src/client/jwt.ts';
import { type FakeEndpoint, fakeTime, startFakeEndpoint, tokenReply } from '../fixtures/client.ts';

let ep: FakeEndpoint;
beforeEach(async () => {
  ep = await startFakeEndpoint();
});
afterEach(() => ep.close());

describe('TokenStore', () => {
  it('a source adopts a fresh token another source put in a shared store', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`);
    const store = new MemoryTokenStore();
    const opts = {
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      store,
    };
    expect(await clientCredentials(opts).getToken()).toBe('at-1');
    expect(await clientCredentials(opts).getToken()).toBe('at-1');
    expect(ep.requests).toHaveLength(1);
    expect(await clientCredentials({ ...opts, scope: 'other' }).getToken()).toBe('at-2'); // another key
  });

  it('clear() drops the cached token', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`);
    const source = clientCredentials({
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
    });
    await source.getToken();
    await source.clear();
    expect(source.peek()).toBeUndefined();
    expect(await source.getToken()).toBe('at-2');
  });
});

describe('discovery', () => {
  const metadata = () => ({ issuer: ep.url, token_endpoint: `${ep.url}/token`, jwks_uri: `${ep.url}/jwks` });

  it('caches metadata for the TTL, then refetches; serves stale metadata if the refetch fails', async () => {
    const time = fakeTime();
    const cache = new DiscoveryCache({ ttlSeconds: 60, clock: time.clock });
    ep.fallback = (req) => (req.url.startsWith('/.well-known') ? { json: metadata() } : tokenReply('at'));
    const opts = {
      issuer: ep.url,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      discoveryCache: cache,
    };
    await clientCredentials(opts).getToken();
    await clientCredentials(opts).getToken();
    expect(cache.requests).toBe(1);
    time.advance(61_000);
    await clientCredentials(opts).getToken();
    expect(cache.requests).toBe(2);
    time.advance(61_000);
    ep.fallback = (req) => (req.url.startsWith('/.well-known') ? { status: 500 } : tokenReply('at'));
    expect(await clientCredentials(opts).getToken()).toBe('at');
  });

  it('an issuer mismatch or unreachable discovery is a DiscoveryError (not retried as a token error)', async () => {
    ep.fallback = () => ({ json: { ...metadata(), issuer: 'https://evil.example' } });
    const source = clientCredentials({
      issuer: ep.url,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      discoveryCache: new DiscoveryCache(),
    });
    const error = await source.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ code: 'ERR_AUTH_DISCOVERY_FAILED' });
    expect(error).not.toHaveProperty('status');
  });

  it('http: issuers need allowInsecureRequests', async () => {
    const source = clientCredentials({
      issuer: ep.url,
      clientId: 'svc',
      clientSecret: 'x',
      discoveryCache: new DiscoveryCache(),
    });
    await expect(source.getToken()).rejects.toBeInstanceOf(DiscoveryError);
    expect(ep.requests).toHaveLength(0);
  });
});

describe('revocation and introspection errors', () => {
  it('a 503 from the revocation endpoint is a retryable TokenEndpointError naming the endpoint', async () => {
    ep.fallback = () => ({ status: 503, headers: { 'retry-after': '7' } });
    const error = await revokeToken({
      tokenEndpoint: ep.tokenEndpoint,
      revocationEndpoint: `${ep.url}/revoke`,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      token: 'abc',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      endpoint: 'revocation',
      httpStatus: 503,
      retryable: true,
      retryAfterSeconds: 7,
    });
    expect(ep.requests[0]?.body.get('token')).toBe('abc');
  });

  it('introspection without a configured endpoint is a DiscoveryError', async () => {
    await expect(
      introspectToken({ tokenEndpoint: ep.tokenEndpoint, clientId: 'svc', clientSecret: 'x', token: 't' }),
    ).rejects.toBeInstanceOf(DiscoveryError);
  });
});

describe('private_key_jwt with a PKCS#8 PEM key', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0 });
  });
  afterAll(() => idp?.stop());

  it('signs the client assertion with the imported key', async () => {
    const c = idp.clients['private-key-jwt'];
    const { createPrivateKey } = await import('node:crypto');
    const pem = createPrivateKey({ key: c?.privateJwk as never, format: 'jwk' }).export({
      format: 'pem',
      type: 'pkcs8',
    });
    const source = clientCredentials({
      issuer: idp.issuer,
      allowInsecureRequests: true,
      clientId: 'private-key-jwt',
      privateKey: String(pem),
      privateKeyAlg: c?.privateJwk?.alg,
      keyId: c?.privateJwk?.kid,
      scope: 'read:items',
    });
    expect(decodeJwtPayload(await source.getToken())).toMatchObject({ client_id: 'private-key-jwt' });
  });

  it('a key the IdP does not know is invalid_client', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const source = clientCredentials({
      issuer: idp.issuer,
      allowInsecureRequests: true,
      clientId: 'private-key-jwt',
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      privateKeyAlg: 'ES256',
    });
    await expect(source.getToken()).rejects.toMatchObject({ oauthError: 'invalid_client' });
  });
});

describe('browser and edge safety', () => {
  it('the client subpath imports nothing from node: and undici only from undici.ts', () => {
    const dir = new URL('../../src/client/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      expect(
        imports.filter((i) => i?.startsWith('node:')),
        file,
      ).toEqual([]);
      if (file !== 'undici.ts') expect(imports, file).not.toContain('undici');
      expect(source, file).not.toMatch(/^(setTimeout|setInterval)\(/m);
    }
  });
});
