/**
 * DPoP on the resource server (RFC 9449 §4.3, §7.1): every hostile proof is a 401 with its exact code,
 * `error` and `WWW-Authenticate`; a good proof with its bound token passes. Both signature backends.
 */
import { inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  accessTokenHash,
  createClock,
  dpopProof,
  generateKeyPair,
  jwkThumbprintSync,
  signRaw,
} from '@auth/testing';
import { createAuthenticator } from '../../src/authenticate.ts';
import { dpopNonces } from '../../src/dpop/nonces.ts';
import { memoryReplayStore } from '../../src/dpop/replay-store.ts';
import { type AuthError, isAuthError } from '../../src/errors.ts';
import { renderAuthError } from '../../src/rendered-error.ts';
import type { RequestLike } from '../../src/types.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { signToken, T0 } from '../fixtures/jws.ts';
import type { AuthenticatorOptions } from '../../src/authenticate.ts';

const ISS = 'https://issuer.dpop.test';
const AUD = 'api://dpop';
const HTU = 'https://api.dpop.test/payments';
const issuerKey = await generateKeyPair('ES256', { kid: 'iss' });
const client = await generateKeyPair('ES256', { kid: 'client' });
const other = await generateKeyPair('ES256', { kid: 'other' });
const rsaClient = await generateKeyPair('RS256', { kid: 'rsa-client' });
const JKT = jwkThumbprintSync(client.publicJwk);

const clock = createClock(T0);
const NOW = clock.seconds();
const claims = { iss: ISS, sub: 'u1', aud: AUD, iat: NOW, exp: NOW + 600 };
const bound = signToken(issuerKey, { ...claims, cnf: { jkt: JKT } });
const unbound = signToken(issuerKey, claims);

const CHALLENGE_ALLOWED_ALGS = 'ES256 EdDSA';

function auth(extra: Partial<AuthenticatorOptions> = {}, backend = BACKENDS[0]![1]) {
  return createAuthenticator(
    withBackend(
      {
        issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
        fetch: vi.fn(async () => Response.json({ keys: [issuerKey.publicJwk] })),
        clock,
        dpop: { algorithms: ['ES256', 'EdDSA'], ...(extra.dpop ?? {}) },
        ...extra,
      } as AuthenticatorOptions,
      backend,
    ) as AuthenticatorOptions,
  );
}

function request(
  token: string,
  proof: string | string[] | undefined,
  over: Partial<RequestLike> = {},
): RequestLike {
  const headers: Record<string, string | string[]> = {
    authorization: `DPoP ${token}`,
    host: 'api.dpop.test',
  };
  if (proof !== undefined) headers.dpop = proof;
  return { headers, method: 'GET', url: '/payments?page=2', protocol: 'https', ...over };
}

const proof = (over: Partial<Parameters<typeof dpopProof>[0]> = {}) =>
  dpopProof({ key: client, htm: 'GET', htu: HTU, accessToken: bound, iat: NOW, ...over });

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAuthError(e)) throw new Error(`expected an AuthError, got ${inspect(e)}`);
  return e;
}

describe.each(BACKENDS)('DPoP proofs (%s backend)', (_name, backend) => {
  it('a bound token with a good proof authenticates; the principal is the token’s', async () => {
    const a = auth({}, backend);
    await expect(a.authenticate(request(bound, proof()))).resolves.toMatchObject({ subject: 'u1' });
  });

  it('the htu is compared after normalisation (case, default port, dot segments, query ignored)', async () => {
    const a = auth({}, backend);
    const htu = 'HTTPS://API.dpop.test:443/x/../payments?other=1#frag';
    await expect(a.authenticate(request(bound, proof({ htu })))).resolves.toMatchObject({ subject: 'u1' });
  });

  it('publicUrl names the public origin behind a proxy; X-Forwarded-* is not read', async () => {
    const a = auth({ dpop: { algorithms: ['ES256'], publicUrl: 'https://public.example/api' } }, backend);
    const req = request(bound, undefined, {
      headers: {
        authorization: `DPoP ${bound}`,
        dpop: proof({ htu: 'https://public.example/api/payments' }),
        host: 'internal:8080',
        'x-forwarded-host': 'evil.example',
      },
      protocol: 'http',
    });
    await expect(a.authenticate(req)).resolves.toMatchObject({ subject: 'u1' });
    const forwarded = request(bound, proof({ htu: 'https://evil.example/payments' }), {
      headers: {
        authorization: `DPoP ${bound}`,
        dpop: proof({ htu: 'https://evil.example/payments' }),
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
      },
    });
    expect((await failure(a.authenticate(forwarded))).detail).toMatchObject({ reason: 'htu' });
  });

  const proofError = (description: string) =>
    `DPoP realm="api", error="invalid_dpop_proof", error_description="${description}", algs="${CHALLENGE_ALLOWED_ALGS}", Bearer realm="api"`;

  const hostile: [string, () => RequestLike, string, string][] = [
    [
      'wrong htm',
      () => request(bound, proof({ htm: 'POST' })),
      'htm',
      'The DPoP proof is for another HTTP method',
    ],
    [
      'wrong htu (path)',
      () => request(bound, proof({ htu: 'https://api.dpop.test/other' })),
      'htu',
      'The DPoP proof is for another URL',
    ],
    [
      'wrong htu (host)',
      () => request(bound, proof({ htu: 'https://evil.test/payments' })),
      'htu',
      'The DPoP proof is for another URL',
    ],
    [
      'wrong htu (scheme)',
      () => request(bound, proof({ htu: 'http://api.dpop.test/payments' })),
      'htu',
      'The DPoP proof is for another URL',
    ],
    [
      'htu not a URL',
      () => request(bound, proof({ htu: 'payments' })),
      'htu',
      'The DPoP proof is for another URL',
    ],
    [
      'stale iat',
      () => request(bound, proof({ iat: NOW - 66 })),
      'iat-stale',
      'The DPoP proof is too old or issued in the future',
    ],
    [
      'future iat',
      () => request(bound, proof({ iat: NOW + 6 })),
      'iat-future',
      'The DPoP proof is too old or issued in the future',
    ],
    [
      'iat not a number',
      () => request(bound, proof({ claims: { iat: String(NOW) } })),
      'iat',
      'The DPoP proof is too old or issued in the future',
    ],
    [
      'missing ath',
      () => request(bound, proof({ accessToken: undefined })),
      'ath-missing',
      'The DPoP proof is for another access token',
    ],
    [
      'wrong ath',
      () => request(bound, proof({ claims: { ath: accessTokenHash(unbound) } })),
      'ath',
      'The DPoP proof is for another access token',
    ],
    [
      'proof signed by another key than its jwk',
      () => request(bound, proof({ signWith: other })),
      'signature',
      'The DPoP proof signature is invalid',
    ],
    [
      'jwk with private members',
      () =>
        request(
          bound,
          proof({
            header: { jwk: { ...client.privateJwk, kid: undefined, alg: undefined, use: undefined } },
          }),
        ),
      'jwk-private',
      'The DPoP proof must carry a public key',
    ],
    [
      'no jwk',
      () => request(bound, proof({ header: { jwk: undefined } })),
      'jwk',
      'The DPoP proof must carry a public key',
    ],
    [
      'symmetric alg (HS256)',
      () =>
        request(
          bound,
          signRaw(
            { typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } },
            { jti: 'x', htm: 'GET', htu: HTU, iat: NOW, ath: accessTokenHash(bound) },
            'secret-secret-secret-secret-secret!',
          ),
        ),
      'alg',
      'The DPoP proof algorithm is not allowed',
    ],
    [
      'alg none (with a signature segment)',
      () =>
        request(
          bound,
          signRaw(
            { typ: 'dpop+jwt', alg: 'none', jwk: client.publicJwk },
            { jti: 'x', htm: 'GET', htu: HTU, iat: NOW, ath: accessTokenHash(bound) },
            null,
            { signature: 'AAAA' },
          ),
        ),
      'alg',
      'The DPoP proof algorithm is not allowed',
    ],
    [
      'alg none (empty signature: not a JWS)',
      () =>
        request(
          bound,
          signRaw(
            { typ: 'dpop+jwt', alg: 'none', jwk: client.publicJwk },
            { jti: 'x', htm: 'GET', htu: HTU, iat: NOW, ath: accessTokenHash(bound) },
          ),
        ),
      'malformed',
      'The DPoP proof is malformed',
    ],
    [
      'alg outside the allow-list (RS256)',
      () => request(bound, dpopProof({ key: rsaClient, htm: 'GET', htu: HTU, accessToken: bound, iat: NOW })),
      'alg',
      'The DPoP proof algorithm is not allowed',
    ],
    [
      'wrong typ',
      () => request(bound, proof({ header: { typ: 'JWT' } })),
      'typ',
      'The DPoP proof must have typ dpop+jwt',
    ],
    [
      'missing jti',
      () => request(bound, proof({ claims: { jti: undefined } })),
      'jti',
      'The DPoP proof must carry a jti',
    ],
    [
      'a second DPoP header',
      () => request(bound, [proof(), proof()]),
      'repeated',
      'More than one DPoP proof was sent',
    ],
    [
      'two proofs joined by a comma (Fetch)',
      () => request(bound, `${proof()}, ${proof()}`),
      'repeated',
      'More than one DPoP proof was sent',
    ],
    ['no DPoP header', () => request(bound, undefined), 'missing', 'The DPoP proof is missing'],
    [
      'a proof that is not a JWS',
      () => request(bound, 'not-a-jws'),
      'malformed',
      'The DPoP proof is malformed',
    ],
  ];

  it.each(hostile)('%s → 401 invalid_dpop_proof', async (_case, make, reason, description) => {
    const a = auth({}, backend);
    const err = await failure(a.authenticate(make()));
    expect(err).toMatchObject({
      status: 401,
      code: 'ERR_AUTH_INVALID_DPOP_PROOF',
      error: 'invalid_dpop_proof',
    });
    expect(err.detail).toMatchObject({ reason });
    expect(err.headers['www-authenticate']).toBe(proofError(description));
    expect(renderAuthError(err).headers['www-authenticate']).toBe(proofError(description));
    expect(JSON.parse(renderAuthError(err).body)).toEqual({
      status: 401,
      code: 'ERR_AUTH_INVALID_DPOP_PROOF',
      message: description,
      error: 'invalid_dpop_proof',
    });
    expect(inspect(err, { depth: Number.POSITIVE_INFINITY, showHidden: true })).not.toContain(bound);
  });

  it('a replayed proof (same jti) is refused the second time', async () => {
    const a = auth({}, backend);
    const p = proof({ jti: 'once' });
    await expect(a.authenticate(request(bound, p))).resolves.toMatchObject({ subject: 'u1' });
    const err = await failure(a.authenticate(request(bound, p)));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_INVALID_DPOP_PROOF' });
    expect(err.detail).toMatchObject({ reason: 'replay' });
    expect(err.headers['www-authenticate']).toBe(proofError('The DPoP proof was already used'));
  });

  it('a proof reused for another token is refused (ath binds it to its token)', async () => {
    const a = auth({}, backend);
    const second = signToken(issuerKey, { ...claims, jti: 'second', cnf: { jkt: JKT } });
    const err = await failure(a.authenticate(request(second, proof())));
    expect(err.detail).toMatchObject({ reason: 'ath' });
  });

  it('a proof by another key than the token is bound to → 401 invalid_token (key binding)', async () => {
    const a = auth({}, backend);
    const p = dpopProof({ key: other, htm: 'GET', htu: HTU, accessToken: bound, iat: NOW });
    const err = await failure(a.authenticate(request(bound, p)));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_BOUND', error: 'invalid_token' });
    expect(err.headers['www-authenticate']).toBe(
      `DPoP realm="api", error="invalid_token", error_description="The token is bound to a key the request did not prove possession of", algs="${CHALLENGE_ALLOWED_ALGS}", Bearer realm="api"`,
    );
  });

  it('a DPoP-bound token presented as Bearer → 401 invalid_token, both challenges', async () => {
    const a = auth({}, backend);
    const err = await failure(a.authenticate({ headers: { authorization: `Bearer ${bound}` } }));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_BOUND', error: 'invalid_token' });
    expect(err.headers['www-authenticate']).toBe(
      `Bearer realm="api", error="invalid_token", error_description="The token is bound to a key the request did not prove possession of", DPoP realm="api", algs="${CHALLENGE_ALLOWED_ALGS}"`,
    );
  });

  it('a plain bearer token presented with the DPoP scheme is refused (nothing to bind)', async () => {
    const a = auth({}, backend);
    const p = proof({ accessToken: unbound });
    const err = await failure(a.authenticate(request(unbound, p)));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_BOUND', error: 'invalid_token' });
  });

  it('mode required: a plain bearer token as Bearer → 401 ERR_AUTH_DPOP_REQUIRED with only the DPoP challenge', async () => {
    const a = auth({ dpop: { mode: 'required', algorithms: ['ES256'] } }, backend);
    const err = await failure(a.authenticate({ headers: { authorization: `Bearer ${unbound}` } }));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_DPOP_REQUIRED', error: 'invalid_token' });
    expect(err.headers['www-authenticate']).toBe(
      'DPoP realm="api", error="invalid_token", error_description="This access token must be sent with a DPoP proof", algs="ES256"',
    );
    // And no credentials at all: the DPoP challenge only.
    const missing = await failure(a.authenticate({ headers: {} }));
    expect(missing.headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256"');
  });

  it('mode allowed: a plain bearer token as Bearer still passes; no credentials → both challenges', async () => {
    const a = auth({}, backend);
    await expect(a.authenticate({ headers: { authorization: `Bearer ${unbound}` } })).resolves.toMatchObject({
      subject: 'u1',
    });
    const missing = await failure(a.authenticate({ headers: {} }));
    expect(missing.headers['www-authenticate']).toBe(
      `Bearer realm="api", DPoP realm="api", algs="${CHALLENGE_ALLOWED_ALGS}"`,
    );
  });

  it('an issuer with dpop "off" refuses the DPoP scheme; "required" on one issuer refuses its Bearer tokens', async () => {
    const base = { audience: AUD, jwksUri: `${ISS}/jwks` };
    const off = auth({ issuers: [{ issuer: ISS, ...base, dpop: 'off' }] }, backend);
    expect(await failure(off.authenticate(request(bound, proof())))).toMatchObject({
      status: 401,
      code: 'ERR_AUTH_DPOP_NOT_ACCEPTED',
    });
    const required = auth({ issuers: [{ issuer: ISS, ...base, dpop: 'required' }] }, backend);
    expect(
      await failure(required.authenticate({ headers: { authorization: `Bearer ${unbound}` } })),
    ).toMatchObject({
      status: 401,
      code: 'ERR_AUTH_DPOP_REQUIRED',
    });
  });

  it('server nonces: a proof without the nonce → 401 use_dpop_nonce with DPoP-Nonce; with it → 200', async () => {
    const nonces = dpopNonces({ clock });
    const a = auth({ dpop: { algorithms: ['ES256'], nonces } }, backend);
    const err = await failure(a.authenticate(request(bound, proof())));
    expect(err).toMatchObject({ status: 401, code: 'ERR_AUTH_DPOP_NONCE_REQUIRED', error: 'use_dpop_nonce' });
    const nonce = err.headers['dpop-nonce']!;
    expect(nonce).toBe(nonces.current());
    expect(err.headers['www-authenticate']).toBe(
      'DPoP realm="api", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs="ES256", Bearer realm="api"',
    );
    expect(renderAuthError(err).headers['dpop-nonce']).toBe(nonce);
    await expect(a.authenticate(request(bound, proof({ nonce })))).resolves.toMatchObject({ subject: 'u1' });
    const wrong = await failure(a.authenticate(request(bound, proof({ nonce: 'made-up' }))));
    expect(wrong.code).toBe('ERR_AUTH_DPOP_NONCE_REQUIRED');
  });

  it('a replay store that fails → 503 without a challenge (fail closed)', async () => {
    const a = auth(
      {
        dpop: {
          algorithms: ['ES256'],
          replayStore: { checkAndStore: () => Promise.reject(new Error('down')) },
        },
      },
      backend,
    );
    const err = await failure(a.authenticate(request(bound, proof())));
    expect(err).toMatchObject({ status: 503, code: 'ERR_AUTH_REPLAY_STORE_UNAVAILABLE' });
    expect(err.headers['www-authenticate']).toBeUndefined();
    expect(err.headers['retry-after']).toBe('5');
  });

  it('a malformed DPoP authorization value is a 400 invalid_request', async () => {
    const a = auth({}, backend);
    const err = await failure(a.authenticate(request('a b', proof())));
    expect(err).toMatchObject({ status: 400, code: 'ERR_AUTH_INVALID_REQUEST', error: 'invalid_request' });
  });
});

describe('DPoP options and the replay store', () => {
  it('option misuse is a TypeError at setup', () => {
    expect(() => auth({ dpop: { mode: 'always' as 'required' } })).toThrow(TypeError);
    expect(() => auth({ dpop: { algorithms: ['HS256' as 'ES256'] } })).toThrow(/asymmetric/);
    expect(() => auth({ dpop: { publicUrl: '/relative' } })).toThrow(/publicUrl/);
    expect(() => auth({ dpop: { replayStore: {} as never } })).toThrow(/checkAndStore/);
    expect(() => auth({ dpop: { unknown: 1 } as never })).toThrow(TypeError);
    expect(() => memoryReplayStore({ maxEntries: 0 })).toThrow(TypeError);
  });

  it('the memory store is bounded: expired ids make room, a store full of live ids refuses (no early forgetting)', () => {
    let now = 1000;
    const store = memoryReplayStore({ maxEntries: 2, clock: () => now });
    expect(store.checkAndStore('a', 2000)).toBe(true);
    expect(store.checkAndStore('a', 2000)).toBe(false);
    expect(store.checkAndStore('b', 3000)).toBe(true);
    expect(() => store.checkAndStore('c', 3000)).toThrow(/full/);
    now = 2500; // 'a' expired
    expect(store.checkAndStore('c', 4000)).toBe(true);
    expect(store.size).toBe(2);
    expect(store.checkAndStore('b', 3000)).toBe(false);
  });
});
