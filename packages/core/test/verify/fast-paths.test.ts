/**
 * The performance fast paths must not change a verdict: the authenticator's token-cache shortcut (no
 * token68 re-check on a hit), the cache keyed by the signature's tail (exact token equality on a hit),
 * the Bearer parsing fast path, and signature checks on the thread pool.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { peekOf } from '../../src/authenticator.ts';
import { parseBearer } from '../../src/extract/bearer.ts';
import type { RequestLike } from '../../src/types.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { VerifierOptions } from '../../src/verify/options.ts';
import { generateKeyPair } from '@auth/testing';
import { json64, signToken } from '../fixtures/jws.ts';

const ISS = 'https://issuer.fast.test';
const AUD = 'api://fast';
const rs = await generateKeyPair('RS256', { kid: 'rs' });
const es = await generateKeyPair('ES256', { kid: 'es' });

function options(extra: Partial<VerifierOptions> = {}): VerifierOptions {
  return {
    issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
    fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk, es.publicJwk] })),
    ...extra,
  };
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  sub: 'user-1',
  aud: AUD,
  iat: now(),
  exp: now() + 600,
  ...extra,
});

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as Error & { status: number; code: string; realm: string };
  }
  throw new Error('expected a rejection');
}

describe('authenticator token-cache shortcut', () => {
  it('serves a cached token, and still rejects a repeated Authorization header (rawHeaders)', async () => {
    const auth = createAuthenticator(options());
    const token = signToken(rs, claims());
    const value = `Bearer ${token}`;
    await expect(auth.authenticate({ headers: { authorization: value } })).resolves.toMatchObject({
      subject: 'user-1',
    });
    // Cached now: lowercase scheme hits the cache too.
    await expect(auth.authenticate({ headers: { authorization: `bearer ${token}` } })).resolves.toMatchObject(
      { subject: 'user-1' },
    );
    const twice: RequestLike = {
      headers: { authorization: value },
      rawHeaders: ['Authorization', value, 'authorization', value],
    };
    const err = await failure(auth.authenticate(twice));
    expect(err.status).toBe(400);
    const arrayValue = await failure(
      auth.authenticate({ headers: { authorization: [value, value] } as RequestLike['headers'] }),
    );
    expect(arrayValue.status).toBe(400);
    auth.close();
  });

  it('still rejects a cached token sent in the header and the query when the query is enabled', async () => {
    const auth = createAuthenticator(options(), {});
    const both = createAuthenticator({ ...options(), tokenLocations: { query: true } });
    const token = signToken(rs, claims());
    await both.authenticate({ headers: { authorization: `Bearer ${token}` } });
    const err = await failure(
      both.authenticate({ url: `/x?access_token=${token}`, headers: { authorization: `Bearer ${token}` } }),
    );
    expect(err.status).toBe(400);
    auth.close();
    both.close();
  });

  it('rejects a cached header token beside an access_token parameter, even with the query off', async () => {
    const auth = createAuthenticator(options());
    const token = signToken(rs, claims());
    const header = { authorization: `Bearer ${token}` };
    await auth.authenticate({ headers: header });
    const err = await failure(auth.authenticate({ url: `/x?access_token=${token}`, headers: header }));
    expect(err.status).toBe(400);
    expect(err.code).toBe('ERR_AUTH_INVALID_REQUEST');
    const form = await failure(
      auth.authenticate({
        method: 'POST',
        headers: { ...header, 'content-type': 'application/x-www-form-urlencoded' },
        body: { access_token: token },
      }),
    );
    expect(form.status).toBe(400);
    // Several spaces after the scheme are valid (1*SP), also for a cached token.
    await expect(
      auth.authenticate({ headers: { authorization: `Bearer   ${token}` } }),
    ).resolves.toMatchObject({
      subject: 'user-1',
    });
    auth.close();
  });

  it('does not let malformed header values through on a cache hit', async () => {
    const auth = createAuthenticator(options());
    const token = signToken(rs, claims());
    await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
    for (const bad of [`Bearer ${token} `, `Bearer ${token},x`, `Bearer\t${token}`, `Bearer  ${token} x`]) {
      const err = await failure(auth.authenticate({ headers: { authorization: bad } }));
      expect(err.status).toBe(400);
    }
    const trailing = await failure(auth.authenticate({ headers: { authorization: `Bearer ${token}=` } }));
    expect(trailing.status).toBe(401); // token68 allows padding; the JWS parser does not
    auth.close();
  });

  it('runs customCheck on cache hits and keeps the realm on its failures', async () => {
    let deny = false;
    const customCheck = vi.fn(() => {
      if (deny) throw new Error('revoked');
    });
    const auth = createAuthenticator({ ...options({ customCheck }), realm: 'shop' });
    const token = signToken(rs, claims());
    const req = { headers: { authorization: `Bearer ${token}` } };
    await auth.authenticate(req);
    await auth.authenticate(req);
    expect(customCheck).toHaveBeenCalledTimes(2);
    deny = true;
    const err = await failure(auth.authenticate(req));
    expect(err.status).toBe(401);
    expect(err.code).toBe('ERR_AUTH_TOKEN_REJECTED');
    expect(err.realm).toBe('shop');
    auth.close();
  });

  it('a synchronous customCheck keeps a cache hit synchronous; a throw or a promise takes the async path', async () => {
    let verdict: 'pass' | 'throw' | 'async-pass' | 'async-deny' = 'pass';
    const customCheck = vi.fn((): void | Promise<void> => {
      if (verdict === 'throw') throw new Error('revoked');
      if (verdict === 'async-pass') return Promise.resolve();
      if (verdict === 'async-deny') return Promise.reject(new Error('revoked later'));
    });
    const auth = createAuthenticator(options({ customCheck }));
    const token = signToken(rs, claims());
    const req = { headers: { authorization: `Bearer ${token}` } };
    await auth.authenticate(req); // fills the cache
    const peek = peekOf(auth);
    expect(peek).toBeTypeOf('function');
    const hit = peek?.(req);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ subject: 'user-1' });
    verdict = 'throw';
    const thrown = peek?.(req);
    expect(thrown).toBeInstanceOf(Promise);
    await expect(thrown).rejects.toMatchObject({ status: 401, code: 'ERR_AUTH_TOKEN_REJECTED' });
    verdict = 'async-pass';
    const later = peek?.(req);
    expect(later).toBeInstanceOf(Promise);
    await expect(later).resolves.toMatchObject({ subject: 'user-1' });
    verdict = 'async-deny';
    await expect(peek?.(req)).rejects.toMatchObject({ code: 'ERR_AUTH_TOKEN_REJECTED' });
    expect(customCheck).toHaveBeenCalledTimes(5);
    auth.close();
  });
});

describe('token cache keyed by the signature tail', () => {
  it('a token reusing a cached signature with another payload is verified in full (and rejected)', async () => {
    const v = createVerifier(options());
    const token = signToken(rs, claims());
    await v.verify(token);
    const [h, , s] = token.split('.');
    const forged = `${h}.${json64(claims({ sub: 'admin' }))}.${s}`;
    await expect(v.verify(forged)).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_SIGNATURE' });
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    v.close();
  });
});

describe('parseBearer fast path', () => {
  it('returns the same token as the general path, scheme in any case, with padding', () => {
    expect(parseBearer('Bearer abc.def-_~+/')).toBe('abc.def-_~+/');
    expect(parseBearer('BEARER abc==')).toBe('abc==');
    expect(() => parseBearer('Bearer a=b')).toThrow();
    expect(() => parseBearer('Bearer abc\u00e9')).toThrow();
    expect(parseBearer('Bearerx abc')).toBeUndefined(); // another scheme: no bearer credentials
  });
});

describe("signatureVerification: 'threadpool'", () => {
  it('accepts valid RS256/ES256 tokens and rejects bad signatures like the sync path', async () => {
    const v = createVerifier(options({ signatureVerification: 'threadpool', cacheSize: 0 }));
    for (const key of [rs, es]) {
      const token = signToken(key, claims());
      await expect(v.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
      const [h, p, s] = token.split('.');
      const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'AQ' : 'AA'}`;
      await expect(v.verify(flipped)).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_SIGNATURE' });
    }
    v.close();
  });

  it('rejects an unknown mode at setup', () => {
    expect(() => createVerifier(options({ signatureVerification: 'fast' as unknown as 'sync' }))).toThrow(
      /signatureVerification/,
    );
  });
});
