/**
 * DPoP on the client (RFC 9449): proofs a resource server accepts, nonces remembered per origin
 * (bounded), one retry on `use_dpop_nonce` in authFetch and the undici interceptor, token sources
 * that accept only DPoP-bound tokens. The resource server is core's own verifier on a real HTTP
 * server (127.0.0.1, free port); the token endpoint is the dev IdP (oidc-provider).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { generateKeyPair as testingKeyPair } from '@auth/testing';
import { type DevIdp, startDevIdp } from 'dev-idp';
import { calculateJwkThumbprint, EmbeddedJWK, decodeProtectedHeader, jwtVerify } from 'jose';
import { Agent, request as undiciRequest } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import {
  authFetch,
  ConfigurationError,
  clientCredentials,
  createDpopProver,
  createTokenSource,
  DpopProofError,
  generateDpopKeyPair,
  MemoryTokenStore,
  refreshTokens,
  TokenEndpointError,
} from '../../src/client/index.ts';
import { isUseDpopNonce } from '../../src/client/dpop.ts';
import { decodeJwtPayload } from '../../src/client/jwt.ts';
import { authInterceptor } from '../../src/client/undici.ts';
import { dpopNonces } from '../../src/dpop/nonces.ts';
import { isAuthError } from '../../src/errors.ts';
import { renderAuthError } from '../../src/rendered-error.ts';
import { signToken } from '../fixtures/jws.ts';

const b64u = (s: string) => createHash('sha256').update(s).digest('base64url');

describe('createDpopProver: the proofs', () => {
  it('a compact JWS with typ dpop+jwt, the public jwk only, htm, htu without query/fragment, iat, jti, ath', async () => {
    const keyPair = await generateDpopKeyPair();
    const prover = createDpopProver(keyPair, { clock: () => 1_700_000_000.7 });
    const proof = await prover.proof('post', 'https://API.example.com:443/a/b?x=1#frag', 'tok.en');
    const header = decodeProtectedHeader(proof);
    expect(header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' });
    expect(Object.keys(header.jwk ?? {}).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(payload).toEqual({
      htm: 'POST',
      htu: 'https://api.example.com/a/b',
      iat: 1_700_000_000,
      jti: expect.stringMatching(/^[\w-]{22}$/),
      ath: b64u('tok.en'),
    });
    const again = decodeJwtPayload(await prover.proof('GET', 'https://api.example.com/a'));
    expect(again?.jti).not.toBe(payload.jti);
    expect(again).not.toHaveProperty('ath');
    expect(again).not.toHaveProperty('nonce');
    expect(await prover.thumbprint()).toBe(await calculateJwkThumbprint(header.jwk as never));
  });

  it.each(['ES384', 'ES512', 'EdDSA', 'PS256', 'RS256'] as const)(
    '%s keys sign proofs that verify',
    async (alg) => {
      const prover = createDpopProver(await generateDpopKeyPair(alg));
      expect(prover.algorithm).toBe(alg);
      const proof = await prover.proof('GET', 'https://api.example.com/');
      await expect(
        jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [alg] }),
      ).resolves.toBeTruthy();
    },
  );

  it('nonces are kept per origin, only valid ones, at most maxNonces (least recently used dropped)', async () => {
    const prover = createDpopProver(await generateDpopKeyPair(), { maxNonces: 2 });
    expect(prover.rememberNonce('https://a.example/x?y', 'n-a')).toBe(true);
    expect(decodeJwtPayload(await prover.proof('GET', 'https://a.example/other'))?.nonce).toBe('n-a');
    expect(decodeJwtPayload(await prover.proof('GET', 'https://b.example/'))).not.toHaveProperty('nonce');
    for (const bad of ['', 'with space', 'quo"te', 'back\\slash', 'é', 'x'.repeat(513)]) {
      expect(prover.rememberNonce('https://c.example/', bad)).toBe(false);
    }
    expect(prover.nonceFor('https://c.example/')).toBeUndefined();
    prover.rememberNonce('https://b.example/', 'n-b');
    prover.nonceFor('https://a.example/'); // reading does not refresh; writing does
    prover.rememberNonce('https://a.example/', 'n-a2');
    prover.rememberNonce('https://c.example/', 'n-c'); // evicts b, the least recently written
    expect(prover.nonceFor('https://b.example/')).toBeUndefined();
    expect(prover.nonceFor('https://a.example/')).toBe('n-a2');
    expect(prover.nonceFor('https://c.example/')).toBe('n-c');
  });

  it('a key pair that cannot sign proofs is a ConfigurationError at setup, naming no key material', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const ec = await generateDpopKeyPair();
    const rsa = await generateDpopKeyPair('RS256');
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const hiddenPublic = await crypto.subtle.importKey(
      'jwk',
      await crypto.subtle.exportKey('jwk', ec.publicKey),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const cases: unknown[] = [
      undefined,
      'key',
      { privateKey: hmac, publicKey: hmac },
      { privateKey: ec.publicKey, publicKey: ec.publicKey },
      { privateKey: ecdh.privateKey, publicKey: ecdh.publicKey },
      { privateKey: ec.privateKey, publicKey: hiddenPublic },
      { privateKey: ec.privateKey, publicKey: rsa.publicKey },
    ];
    for (const value of cases) {
      const thrown = (() => {
        try {
          createDpopProver(value as CryptoKeyPair);
        } catch (e) {
          return e;
        }
      })();
      expect(thrown, inspect(value)).toBeInstanceOf(ConfigurationError);
      expect(thrown).toBeInstanceOf(TypeError);
    }
    await expect(generateDpopKeyPair('HS256' as never)).rejects.toBeInstanceOf(ConfigurationError);
    expect(() => createDpopProver(ec, { maxNonces: 0 })).toThrow(/maxNonces/);
    expect(() => createDpopProver(ec, { maxNonce: 5 } as never)).toThrow(/unknown option "maxNonce"/);
    expect(() =>
      clientCredentials({
        tokenEndpoint: 'https://idp.example/token',
        clientId: 'c',
        clientSecret: 's',
        dpop: { privateKey: hmac, publicKey: hmac },
      }),
    ).toThrow(ConfigurationError);
    expect(() =>
      createTokenSource({ fetchToken: async () => ({ accessToken: 'a' }), dpop: 'pem' as never }),
    ).toThrow(/dpop must be a CryptoKeyPair/);
    // A misspelt key would leave the tokens unbound: refused, not ignored.
    const cc = { tokenEndpoint: 'https://idp.example/token', clientId: 'c', clientSecret: 's' };
    expect(() => clientCredentials({ ...cc, dPoP: ec } as never)).toThrow(
      /unknown option "dPoP" \(did you mean "dpop"\?\)/,
    );
    expect(() =>
      refreshTokens({
        issuer: 'https://idp.example',
        clientId: 'c',
        tokens: { refresh_token: 'r' },
        DPoP: ec,
      } as never),
    ).toThrow(ConfigurationError);
    // A prover is taken as it is (its nonces shared between sources).
    const prover = createDpopProver(ec);
    expect(clientCredentials({ ...cc, dpop: prover }).dpop).toBe(prover);
  });

  it('a signing failure is a DpopProofError (code ERR_AUTH_DPOP_PROOF) whose cause chain holds no secret', async () => {
    const prover = createDpopProver(await generateDpopKeyPair());
    const spy = vi
      .spyOn(crypto.subtle, 'sign')
      .mockRejectedValueOnce(new Error('engine said: the-access-token'));
    try {
      const err = await prover
        .proof('GET', 'https://api.example.com/', 'the-access-token')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DpopProofError);
      expect(err).toMatchObject({ code: 'ERR_AUTH_DPOP_PROOF' });
      expect(isAuthError(err)).toBe(false);
      // Only the failure's kind is kept: the engine's message (which could quote its input) is not.
      const printed = inspect(err, { depth: Number.POSITIVE_INFINITY });
      expect(printed).not.toContain('the-access-token');
      expect((err as Error).cause).toMatchObject({
        name: 'Error',
        message: expect.stringMatching(/WebCrypto/),
      });
    } finally {
      spy.mockRestore();
    }
    await expect(prover.proof('GET', 'https://api.example.com/')).resolves.toMatch(/^ey/);
    await expect(prover.proof('GET /x', 'https://api.example.com/')).rejects.toBeInstanceOf(DpopProofError);
  });

  it('use_dpop_nonce is recognised only as the DPoP challenge error', () => {
    expect(
      isUseDpopNonce(
        'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      ),
    ).toBe(true);
    expect(isUseDpopNonce('Bearer realm="api", DPoP realm="api", error="use_dpop_nonce", algs="ES256"')).toBe(
      true,
    );
    expect(isUseDpopNonce('dpop algs="ES256", error=use_dpop_nonce')).toBe(true);
    expect(isUseDpopNonce('Bearer error="use_dpop_nonce", DPoP algs="ES256"')).toBe(false);
    expect(isUseDpopNonce('DPoP error="invalid_dpop_proof"')).toBe(false);
    expect(isUseDpopNonce('DPoP error="use_dpop_nonce_x"')).toBe(false);
    expect(isUseDpopNonce(null)).toBe(false);
  });
});

// ---- a resource server: core's verifier with DPoP required, on 127.0.0.1 ----

const ISS = 'https://issuer.client-dpop.test';
const AUD = 'api://client-dpop';
const issuerKey = await testingKeyPair('ES256', { kid: 'iss' });
const now = () => Math.floor(Date.now() / 1000);

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  dpop: string | undefined;
  body: string;
  status: number;
}

async function startApi({ nonces = false } = {}) {
  const seen: Seen[] = [];
  const nonceSource = nonces ? dpopNonces() : undefined;
  const auth = createAuthenticator({
    issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks`, dpop: 'required' }],
    fetch: async () => Response.json({ keys: [issuerKey.publicJwk] }),
    dpop: nonceSource ? { nonces: nonceSource } : {},
  });
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => resolve(text));
    });
  const server: Server = createServer(async (req, res) => {
    const body = await read(req);
    const entry: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
      dpop: req.headers.dpop as string | undefined,
      body,
      status: 0,
    };
    seen.push(entry);
    try {
      const principal = await auth.authenticate({
        headers: req.headers,
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        protocol: 'http',
      });
      entry.status = 200;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ sub: principal?.subject, body }));
    } catch (err) {
      if (!isAuthError(err)) throw err;
      const rendered = renderAuthError(err);
      entry.status = rendered.status;
      res.writeHead(rendered.status, rendered.headers).end(rendered.body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A token source whose tokens are bound to its own DPoP key (cnf.jkt), minted here. */
async function boundSource(keyPair?: CryptoKeyPair, tokenType = 'DPoP') {
  const dpop = keyPair ?? (await generateDpopKeyPair());
  const fetchToken = vi.fn(
    async (_current: unknown, context: { dpop?: { thumbprint(): Promise<string> } | undefined }) => ({
      accessToken: signToken(issuerKey, {
        iss: ISS,
        sub: 'svc',
        aud: AUD,
        iat: now(),
        exp: now() + 300,
        cnf: { jkt: await context.dpop!.thumbprint() },
      }),
      tokenType,
      expiresInSeconds: 300,
    }),
  );
  return { source: createTokenSource({ fetchToken, dpop }), fetchToken, keyPair: dpop };
}

describe('authFetch with a DPoP token source', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  afterEach(() => api?.close());

  it('sends Authorization: DPoP with a fresh proof per request, which the resource server accepts', async () => {
    api = await startApi();
    const { source } = await boundSource();
    const call = authFetch(source, { allowedOrigins: [api.origin] });
    const first = await call(`${api.origin}/payments?page=2`);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ sub: 'svc' });
    expect((await call(`${api.origin}/payments`, { method: 'DELETE' })).status).toBe(200);
    const [a, b] = api.seen;
    expect(a?.authorization).toMatch(/^DPoP ey/);
    const token = a?.authorization?.slice(5) ?? '';
    expect(decodeJwtPayload(a?.dpop ?? '')).toMatchObject({
      htm: 'GET',
      htu: `${api.origin}/payments`,
      ath: b64u(token),
    });
    expect(decodeJwtPayload(b?.dpop ?? '')).toMatchObject({ htm: 'DELETE' });
    expect(decodeJwtPayload(b?.dpop ?? '')?.jti).not.toBe(decodeJwtPayload(a?.dpop ?? '')?.jti);
  });

  it('a caller-supplied DPoP header is replaced by the proof signed here', async () => {
    api = await startApi();
    const { source } = await boundSource();
    const res = await authFetch(source, { allowedOrigins: [api.origin] })(`${api.origin}/x`, {
      headers: { dpop: 'forged.proof.value' },
    });
    expect(res.status).toBe(200);
    expect(api.seen[0]?.dpop).not.toBe('forged.proof.value');
  });

  it('use_dpop_nonce: one retry with the nonce, the body replayed; the nonce is remembered for the next call', async () => {
    api = await startApi({ nonces: true });
    const { source } = await boundSource();
    const call = authFetch(source, { allowedOrigins: [api.origin] });
    const res = await call(`${api.origin}/payments`, { method: 'POST', body: 'amount=5' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ body: 'amount=5' });
    expect(api.seen.map((s) => s.status)).toEqual([401, 200]);
    expect(api.seen[1]?.body).toBe('amount=5');
    expect(decodeJwtPayload(api.seen[1]?.dpop ?? '')?.nonce).toEqual(expect.any(String));
    expect((await call(`${api.origin}/payments`)).status).toBe(200);
    expect(api.seen.map((s) => s.status)).toEqual([401, 200, 200]); // no second round trip
  });

  it('a redirect within the allowed origins gets its own proof (htm and htu of the hop)', async () => {
    const calls: Request[] = [];
    const fetch = async (req: Request | string | URL) => {
      calls.push(req as Request);
      return calls.length === 1
        ? new Response(null, { status: 303, headers: { location: '/receipts/1?x=2' } })
        : new Response('ok');
    };
    const { source } = await boundSource();
    const res = await authFetch(source, { allowedOrigins: ['https://api.example'], fetch })(
      'https://api.example/pay',
      {
        method: 'POST',
        body: 'a=1',
      },
    );
    expect(res.status).toBe(200);
    const proofs = calls.map((c) => decodeJwtPayload(c.headers.get('dpop') ?? ''));
    expect(proofs[0]).toMatchObject({ htm: 'POST', htu: 'https://api.example/pay' });
    expect(proofs[1]).toMatchObject({ htm: 'GET', htu: 'https://api.example/receipts/1' });
    expect(calls[1]?.headers.get('authorization')).toMatch(/^DPoP /);
  });

  it('a server that keeps answering use_dpop_nonce gets exactly one retry', async () => {
    const calls: Request[] = [];
    const fetch = async (req: Request | string | URL) => {
      calls.push(req as Request);
      return new Response('{}', {
        status: 401,
        headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n${calls.length}` },
      });
    };
    const { source } = await boundSource();
    const res = await authFetch(source, { allowedOrigins: ['https://api.example'], fetch })(
      'https://api.example/x',
    );
    expect(res.status).toBe(401);
    expect(calls).toHaveLength(2);
    expect(decodeJwtPayload(calls[1]?.headers.get('dpop') ?? '')?.nonce).toBe('n1');
  });

  it('use_dpop_nonce without a usable DPoP-Nonce is not retried', async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response('{}', {
        status: 401,
        headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'bad nonce' },
      });
    };
    const { source } = await boundSource();
    await authFetch(source, { allowedOrigins: ['https://api.example'], fetch })('https://api.example/x');
    expect(calls).toBe(1);
  });

  it('a proof for another key than cnf.jkt is refused by the resource server (ERR_AUTH_TOKEN_BOUND)', async () => {
    api = await startApi();
    const { source: bound } = await boundSource();
    const token = await bound.getToken();
    const impostor = createTokenSource({
      fetchToken: async () => ({ accessToken: token, tokenType: 'DPoP', expiresInSeconds: 300 }),
      dpop: await generateDpopKeyPair(),
    });
    const res = await authFetch(impostor, { allowedOrigins: [api.origin] })(`${api.origin}/x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'ERR_AUTH_TOKEN_BOUND' });
  });

  it('a source with dpop refuses a token that is not DPoP-bound (token_type bearer), without the token in the error', async () => {
    const { source } = await boundSource(undefined, 'Bearer');
    const err = await source.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(String((err as Error).message)).toMatch(/not DPoP-bound/);
    expect(inspect(err, { depth: Number.POSITIVE_INFINITY })).not.toMatch(/ey[\w-]{20,}/);
  });

  it('a shared store keeps one entry per DPoP key (a token bound to another key is never reused)', async () => {
    const store = new MemoryTokenStore();
    const one = await boundSource();
    const two = await boundSource();
    const a = createTokenSource({ fetchToken: one.fetchToken, dpop: one.keyPair, store, storeKey: 'k' });
    const b = createTokenSource({ fetchToken: two.fetchToken, dpop: two.keyPair, store, storeKey: 'k' });
    const ta = await a.getToken();
    const tb = await b.getToken();
    expect(tb).not.toBe(ta);
    expect(two.fetchToken).toHaveBeenCalledTimes(1);
    const a2 = createTokenSource({ fetchToken: one.fetchToken, dpop: one.keyPair, store, storeKey: 'k' });
    expect(await a2.getToken()).toBe(ta); // same key: the stored token is adopted
  });
});

describe('authInterceptor (undici) with a DPoP token source', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  afterEach(() => api?.close());

  it('DPoP scheme and proof; one retry on use_dpop_nonce with the nonce', async () => {
    api = await startApi({ nonces: true });
    const { source } = await boundSource();
    const agent = new Agent().compose(authInterceptor(source, { allowedOrigins: [api.origin] }));
    try {
      const res = await undiciRequest(`${api.origin}/payments?x=1`, {
        method: 'PUT',
        body: 'v=1',
        dispatcher: agent,
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.json()).toMatchObject({ sub: 'svc', body: 'v=1' });
      expect(api.seen.map((s) => s.status)).toEqual([401, 200]);
      expect(api.seen[1]?.authorization).toMatch(/^DPoP /);
      expect(decodeJwtPayload(api.seen[1]?.dpop ?? '')).toMatchObject({
        htm: 'PUT',
        htu: `${api.origin}/payments`,
        nonce: expect.any(String),
      });
      const again = await undiciRequest(`${api.origin}/payments`, { dispatcher: agent });
      expect(again.statusCode).toBe(200);
      await again.body.dump();
      expect(api.seen).toHaveLength(3);
    } finally {
      await agent.close();
    }
  });

  it('a proof that cannot be signed: authFetch and the interceptor fail with DpopProofError, nothing is sent', async () => {
    api = await startApi();
    const { source } = await boundSource();
    await source.getToken();
    const agent = new Agent().compose(authInterceptor(source, { allowedOrigins: [api.origin] }));
    const spy = vi.spyOn(crypto.subtle, 'sign').mockRejectedValue(new Error('no'));
    try {
      await expect(
        authFetch(source, { allowedOrigins: [api.origin] })(`${api.origin}/x`),
      ).rejects.toBeInstanceOf(DpopProofError);
      await expect(undiciRequest(`${api.origin}/x`, { dispatcher: agent })).rejects.toBeInstanceOf(
        DpopProofError,
      );
      expect(api.seen).toHaveLength(0);
    } finally {
      spy.mockRestore();
      await agent.close();
    }
  });

  it('a server that keeps answering use_dpop_nonce: the caller gets the second 401', async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      res
        .writeHead(401, { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n${calls}` })
        .end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { source } = await boundSource();
    const agent = new Agent().compose(authInterceptor(source, { allowedOrigins: [origin] }));
    try {
      const res = await undiciRequest(`${origin}/x`, { dispatcher: agent });
      expect(res.statusCode).toBe(401);
      expect(res.headers['dpop-nonce']).toBe('n2');
      await res.body.dump();
      expect(calls).toBe(2);
    } finally {
      await agent.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('token sources with dpop against the dev IdP (oidc-provider, nonces required)', () => {
  let idp: DevIdp;
  beforeAll(async () => {
    idp = await startDevIdp({ port: 0, dpopNonces: true });
  });
  afterAll(() => idp?.stop());

  it('clientCredentials: a DPoP-bound token (token_type DPoP, cnf.jkt) after the token endpoint asked for its nonce', async () => {
    const keyPair = await generateDpopKeyPair();
    const c = idp.clients.dpop!;
    const fetch = vi.fn((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init));
    const tokens = clientCredentials({
      issuer: idp.issuer,
      allowInsecureRequests: true,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      dpop: keyPair,
      fetch,
    });
    const set = await tokens.getTokenSet();
    expect(set.tokenType).toBe('dpop');
    expect(decodeJwtPayload(set.accessToken)).toMatchObject({
      client_id: 'dpop',
      cnf: { jkt: await tokens.dpop!.thumbprint() },
    });
    const tokenCalls = fetch.mock.calls.filter(([u]) =>
      String(u instanceof Request ? u.url : u).endsWith('/token'),
    );
    expect(tokenCalls).toHaveLength(2); // use_dpop_nonce, then the nonce
    expect(tokens.stats).toMatchObject({ requests: 1, refreshes: 1, failures: 0 });
  });

  it('clientCredentials without dpop for a DPoP-only client: a typed refusal, no secret in it', async () => {
    const c = idp.clients.dpop!;
    const tokens = clientCredentials({
      issuer: idp.issuer,
      allowInsecureRequests: true,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      retry: { attempts: 1 },
    });
    const err = await tokens.getToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenEndpointError);
    expect(inspect(err, { depth: Number.POSITIVE_INFINITY })).not.toContain(c.clientSecret);
  });

  it('refreshTokens: a DPoP login refreshed with proofs stays bound to the same key', async () => {
    const keyPair = await generateDpopKeyPair();
    const login = await idp.loginAs('alice', { dpop: keyPair });
    expect(login.token_type).toBe('DPoP');
    const c = idp.clients.web!;
    const session = refreshTokens({
      issuer: idp.issuer,
      allowInsecureRequests: true,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      tokens: login,
      dpop: keyPair,
    });
    const fresh = await session.getToken({ forceRefresh: true });
    expect(fresh).not.toBe(login.access_token);
    expect(decodeJwtPayload(fresh)?.cnf).toEqual({ jkt: await session.dpop!.thumbprint() });
    expect(() =>
      refreshTokens({
        issuer: idp.issuer,
        clientId: 'web',
        clientSecret: 'x',
        tokens: { ...login, token_type: 'Bearer' },
        dpop: keyPair,
      }),
    ).toThrow(/token_type must be DPoP/);
  });
});
