import {
  calculateJwkThumbprint,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevIdp, startDevIdp, TokenRequestError } from '../src/index.ts';

let idp: DevIdp;

beforeAll(async () => {
  idp = await startDevIdp({ port: 0 });
});
afterAll(async () => {
  await idp?.stop();
});

const verify = async (token: string) => {
  const jwks = createRemoteJWKSet(new URL(idp.jwksUri), { cacheMaxAge: 0, cooldownDuration: 0 });
  return jwtVerify(token, jwks, {
    issuer: idp.issuer,
    audience: 'api://demo',
    typ: 'at+jwt',
    algorithms: ['RS256'],
  });
};

const jwksKids = async () => {
  const body = (await (await fetch(idp.jwksUri)).json()) as { keys: { kid: string; d?: string }[] };
  expect(body.keys.every((k) => k.d === undefined)).toBe(true);
  return body.keys.map((k) => k.kid);
};

describe('startDevIdp', () => {
  it('listens on 127.0.0.1 and publishes discovery matching its endpoints', async () => {
    expect(idp.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const doc = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(idp.issuer);
    expect(doc.jwks_uri).toBe(idp.jwksUri);
    expect(doc.token_endpoint).toBe(idp.tokenEndpoint);
    expect(doc.authorization_endpoint).toBe(idp.authorizationEndpoint);
    expect(doc.introspection_endpoint).toBe(idp.introspectionEndpoint);
    expect(doc.revocation_endpoint).toBe(idp.revocationEndpoint);
    expect(doc.grant_types_supported).toEqual(
      expect.arrayContaining(['client_credentials', 'authorization_code', 'refresh_token']),
    );
    expect(idp.audience).toBe('api://demo');
  });

  it('issues a client_credentials JWT that jose verifies against the JWKS', async () => {
    const token = await idp.getToken('reader');
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: idp.signingKid });
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: 'api://demo',
      scope: 'read:items',
      client_id: 'reader',
      sub: 'reader',
      groups: [],
      organizations: [],
    });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp).toBeGreaterThan(payload.iat ?? Number.POSITIVE_INFINITY);
  });

  const expected: Record<string, Partial<JWTPayload>> = {
    reader: { scope: 'read:items', groups: [], organizations: [] },
    writer: { scope: 'read:items write:items', groups: [], organizations: [] },
    admin: { scope: 'read:items', groups: ['admin'], organizations: [] },
    'org-member': { groups: [], organizations: [{ id: 'org_1', scopes: ['projects:read'] }] },
    noscope: { groups: [], organizations: [] },
    'secret-post': { scope: 'read:items', groups: [], organizations: [] },
    'private-key-jwt': { scope: 'read:items', groups: [], organizations: [] },
  };

  it.each(Object.entries(expected))('client %s gets its claims', async (name, claims) => {
    const { payload } = await verify(await idp.getToken(name));
    expect(payload).toMatchObject({ ...claims, client_id: name });
    if (!('scope' in claims)) expect(payload.scope).toBeUndefined();
  });

  it('documents each client with its authentication method', () => {
    expect(idp.clients['secret-post']?.tokenEndpointAuthMethod).toBe('client_secret_post');
    const keyClient = idp.clients['private-key-jwt'];
    expect(keyClient?.tokenEndpointAuthMethod).toBe('private_key_jwt');
    expect(keyClient?.clientSecret).toBeUndefined();
    expect(keyClient?.privateJwk).toMatchObject({ kty: 'EC', alg: 'ES256', d: expect.any(String) });
  });

  it('narrows scopes on request and refuses scopes a client may not have', async () => {
    const { payload } = await verify(await idp.getToken('writer', { scope: 'write:items' }));
    expect(payload.scope).toBe('write:items');
    const err = await idp.getToken('reader', { scope: ['write:items'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenRequestError);
    expect(err).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
  });

  it('rejects a wrong client secret and unknown client names', async () => {
    const res = await fetch(idp.tokenEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('reader:wrong').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    await expect(idp.getToken('nobody')).rejects.toThrow(TypeError);
    await expect(idp.getToken('web')).rejects.toThrow(/loginAs/);
  });

  it('introspects and revokes tokens', async () => {
    const set = await idp.loginAs('bob');
    const auth = `Basic ${Buffer.from('web:web-secret').toString('base64')}`;
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: auth };
    const introspect = async () =>
      (await (
        await fetch(idp.introspectionEndpoint, {
          method: 'POST',
          headers: form,
          body: new URLSearchParams({ token: set.refresh_token }),
        })
      ).json()) as { active: boolean; client_id?: string; sub?: string };
    expect(await introspect()).toMatchObject({ active: true, client_id: 'web', sub: 'bob' });
    const revoked = await fetch(idp.revocationEndpoint, {
      method: 'POST',
      headers: form,
      body: new URLSearchParams({ token: set.refresh_token }),
    });
    expect(revoked.status).toBe(200);
    expect(await introspect()).toEqual({ active: false });
  });
});

describe('authorization code + PKCE with refresh rotation', () => {
  it('logs a user in without a browser and returns an API access token, id token and refresh token', async () => {
    const set = await idp.loginAs('alice');
    const { payload } = await verify(set.access_token);
    expect(payload).toMatchObject({
      sub: 'alice',
      client_id: 'web',
      groups: ['admin'],
      organizations: [{ id: 'org_1', scopes: ['projects:read'] }],
    });
    expect(String(payload.scope).split(' ')).toEqual(
      expect.arrayContaining(['read:items', 'write:items', 'projects:read']),
    );
    const idToken = await jwtVerify(set.id_token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: 'web',
    });
    expect(idToken.payload).toMatchObject({ sub: 'alice', email: 'alice@example.test' });
    expect(set.refresh_token).toEqual(expect.any(String));
  });

  it('rotates the refresh token and refuses the used one', async () => {
    const first = await idp.loginAs('bob', { scope: 'openid offline_access read:items' });
    const second = await idp.refresh(first.refresh_token);
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const { payload } = await verify(second.access_token);
    expect(payload).toMatchObject({ sub: 'bob', scope: 'read:items', groups: [] });

    const reuse = await idp.refresh(first.refresh_token).catch((e: unknown) => e);
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // Reusing a rotated token revokes the whole family, the latest token included.
    await expect(idp.refresh(second.refresh_token as string)).rejects.toMatchObject({ status: 400 });
  });

  it('serves a login form to browsers (no login_hint)', async () => {
    const url = new URL(idp.authorizationEndpoint);
    url.search = new URLSearchParams({
      client_id: 'web',
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:8080/callback',
      scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const page = await fetch(new URL(first.headers.get('location') ?? '', idp.issuer), {
      headers: { cookie },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain('alice');
  });
});

describe('rotateKeys', () => {
  it('signs new tokens with a new kid, published in the JWKS, and keeps the old one for verification', async () => {
    const oldToken = await idp.getToken('reader');
    const oldKid = decodeProtectedHeader(oldToken).kid;
    expect(await jwksKids()).toContain(oldKid);

    const { kid, previousKid } = await idp.rotateKeys();
    expect(previousKid).toBe(oldKid);
    expect(kid).not.toBe(oldKid);
    expect(idp.signingKid).toBe(kid);

    const newToken = await idp.getToken('reader');
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    expect(await jwksKids()).toEqual([kid, oldKid]);
    await verify(newToken);
    await verify(oldToken);
  });

  it('drops the previous key entirely with keepPrevious: false, and sessions survive', async () => {
    const set = await idp.loginAs('alice');
    const before = idp.signingKid;
    const { kid } = await idp.rotateKeys({ keepPrevious: false });
    expect(await jwksKids()).toEqual([kid]);
    expect(await jwksKids()).not.toContain(before);
    await expect(verify(set.access_token)).rejects.toThrow();

    // Refresh tokens live in the store, not in the rebuilt provider.
    const refreshed = await idp.refresh(set.refresh_token);
    expect(decodeProtectedHeader(refreshed.access_token).kid).toBe(kid);
    await verify(refreshed.access_token);
  });
});

describe('the demo-web client (the demo apps web login)', () => {
  it('accepts /callback on every demo port and logs in with a code flow for the API audience', async () => {
    const client = idp.clients['demo-web'];
    for (const port of [3001, 3002, 3003, 3004, 3005]) {
      expect(client?.redirectUris).toContain(`http://127.0.0.1:${port}/callback`);
      expect(client?.postLogoutRedirectUris).toContain(`http://127.0.0.1:${port}/`);
    }
    const set = await idp.loginAs('alice', { clientName: 'demo-web' });
    const { payload } = await verify(set.access_token);
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'demo-web', groups: ['admin'] });
  });

  it('adds demoRedirectUris (a demo app on another port) and refuses a non-URL', async () => {
    const other = await startDevIdp({ port: 0, demoRedirectUris: ['http://127.0.0.1:45678/callback'] });
    try {
      expect(other.clients['demo-web']?.redirectUris).toContain('http://127.0.0.1:45678/callback');
      expect(other.clients['demo-web']?.postLogoutRedirectUris).toContain('http://127.0.0.1:45678/');
      const url = new URL(other.authorizationEndpoint);
      url.search = new URLSearchParams({
        client_id: 'demo-web',
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:45678/callback',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      }).toString();
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
      url.searchParams.set('redirect_uri', 'http://127.0.0.1:45679/callback');
      expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
    } finally {
      await other.stop();
    }
    await expect(startDevIdp({ port: 0, demoRedirectUris: ['nope'] })).rejects.toThrow(TypeError);
  });
});

describe('DPoP (RFC 9449) and resource indicators (RFC 8707)', () => {
  const es256 = () =>
    crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);

  it('a token request with a proof gets a DPoP-bound JWT (cnf.jkt = the key thumbprint); the dpop client needs one', async () => {
    const keyPair = await es256();
    const set = await idp.getTokenResponse('dpop', { dpop: keyPair });
    expect(set.token_type).toBe('DPoP');
    const { payload } = await verify(set.access_token);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    expect(payload).toMatchObject({ client_id: 'dpop', cnf: { jkt } });
    const refused = await idp.getToken('dpop').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TokenRequestError);
    expect((refused as TokenRequestError).status).toBe(400);
    // Any client may ask for a bound token.
    expect((await idp.getTokenResponse('reader', { dpop: keyPair })).token_type).toBe('DPoP');
    expect((await idp.getTokenResponse('reader')).token_type).toBe('Bearer');
  });

  it('dpopNonces: a proof without the nonce is answered use_dpop_nonce, and the retry with it succeeds', async () => {
    const strict = await startDevIdp({ port: 0, dpopNonces: true });
    try {
      const keyPair = await es256();
      const { kty, crv, x, y } = await exportJWK(keyPair.publicKey);
      const proof = await new SignJWT({ htm: 'POST', htu: strict.tokenEndpoint, jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })
        .setIssuedAt()
        .sign(keyPair.privateKey);
      const res = await fetch(strict.tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from('dpop:dpop-secret').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          dpop: proof,
        },
        body: 'grant_type=client_credentials',
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'use_dpop_nonce' });
      expect(res.headers.get('dpop-nonce')).toMatch(/^[\w-]+$/);
      expect((await strict.getTokenResponse('dpop', { dpop: keyPair })).token_type).toBe('DPoP');
    } finally {
      await strict.stop();
    }
  });

  it('a loopback resource is its own audience; any other resource gets api://demo', async () => {
    const resource = 'http://127.0.0.1:9/mcp';
    const token = await idp.getToken('reader', { resource });
    expect(decodeJwt(token).aud).toBe(resource);
    expect(decodeJwt(await idp.getToken('reader', { resource: 'https://api.example/' })).aud).toBe(
      'api://demo',
    );
    const login = await idp.loginAs('alice', { clientName: 'web-public', resource });
    expect(decodeJwt(login.access_token).aud).toBe(resource);
  });
});
