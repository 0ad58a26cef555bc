/**
 * The proof verifier's memos (headers by their exact text, normalised URLs) never widen a check: a warm
 * cache still checks every signature, never hands one key's thumbprint to another key, forgets nothing
 * it must not, and stays within its bounds. Store and nonce failures fail closed on the synchronous
 * path too. Both signature backends.
 */
import { describe, expect, it } from 'vitest';
import { createClock, dpopProof, generateKeyPair, jwkThumbprintSync, signRaw } from '@auth/testing';
import { readDpopSettings, type DpopOptions } from '../../src/dpop/dpop-options.ts';
import { createProofVerifier, type ProofCacheLimits } from '../../src/dpop/proof.ts';
import { isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';
import { BACKENDS } from '../fixtures/verify-backends.ts';

const HTU = 'https://api.dpop.test/payments';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln';
const client = await generateKeyPair('ES256', { kid: 'client' });
const other = await generateKeyPair('ES256', { kid: 'other' });
const third = await generateKeyPair('ES256', { kid: 'third' });
const clock = createClock(1_900_000_000_000);
const NOW = clock.seconds();

const request = (proof: string, url = '/payments'): RequestLike => ({
  headers: { authorization: `DPoP ${TOKEN}`, dpop: proof, host: 'api.dpop.test' },
  method: 'GET',
  url,
  protocol: 'https',
});
const proof = (over: Partial<Parameters<typeof dpopProof>[0]> = {}) =>
  dpopProof({ key: client, htm: 'GET', htu: HTU, accessToken: TOKEN, iat: NOW, ...over });

async function reason(promise: Promise<unknown>): Promise<unknown> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isAuthError(e)) throw new Error('expected an AuthError');
  return e.detail?.reason ?? e.code;
}

describe.each(BACKENDS)('proof verifier memos (%s backend)', (_name, backend) => {
  const verifier = (options: DpopOptions = {}, limits?: ProofCacheLimits) =>
    createProofVerifier(
      readDpopSettings({ algorithms: ['ES256'], clock, ...options }, undefined),
      backend,
      limits,
    );

  it('a remembered header still has every signature checked, and is not poisoned by a forgery', async () => {
    const verify = verifier();
    await expect(verify(request(proof()), TOKEN)).resolves.toEqual({
      jkt: jwkThumbprintSync(client.publicJwk),
    });
    expect(verify.cacheSizes().headers).toBe(1);
    // Same header text (the client's jwk), signed by another key.
    expect(await reason(verify(request(proof({ signWith: other })), TOKEN))).toBe('signature');
    // A signature segment of the right size that is not a signature at all.
    const good = proof();
    const junk = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(86)}`;
    expect(await reason(verify(request(junk), TOKEN))).toBe('signature');
    await expect(verify(request(proof()), TOKEN)).resolves.toEqual({
      jkt: jwkThumbprintSync(client.publicJwk),
    });
  });

  it('each key gets its own thumbprint, whatever the cache holds', async () => {
    const verify = verifier();
    for (let i = 0; i < 3; i++) {
      for (const key of [client, other, third]) {
        await expect(verify(request(proof({ key })), TOKEN)).resolves.toEqual({
          jkt: jwkThumbprintSync(key.publicJwk),
        });
      }
    }
    expect(verify.cacheSizes().headers).toBe(3);
  });

  it('the same key under another header text is checked in full (a miss), with the same thumbprint', async () => {
    const verify = verifier();
    const { kty, crv, x, y } = client.publicJwk;
    await verify(request(proof()), TOKEN);
    const reordered = proof({ header: { jwk: { y, x, crv, kty } } });
    await expect(verify(request(reordered), TOKEN)).resolves.toEqual({
      jkt: jwkThumbprintSync(client.publicJwk),
    });
    expect(verify.cacheSizes().headers).toBe(2);
    // A header with an extra member still goes through the header checks: wrong typ is refused.
    expect(await reason(verify(request(proof({ header: { typ: 'JWT' } })), TOKEN))).toBe('typ');
  });

  it('a header whose signature never verified is not remembered', async () => {
    const verify = verifier();
    expect(await reason(verify(request(proof({ signWith: other })), TOKEN))).toBe('signature');
    // x and y of the right size, not a point on P-256: the import fails, as a signature failure.
    const offCurve = signRaw(
      {
        typ: 'dpop+jwt',
        alg: 'ES256',
        jwk: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) },
      },
      { jti: 'j', htm: 'GET', htu: HTU, iat: NOW, ath: 'x' },
      null,
      { signature: 'A'.repeat(86) },
    );
    expect(await reason(verify(request(offCurve), TOKEN))).toBe('signature');
    expect(await reason(verify(request(offCurve), TOKEN))).toBe('signature');
    expect(verify.cacheSizes().headers).toBe(0);
  });

  it('the memos stay within their bounds; evicted keys and URLs are checked again, correctly', async () => {
    const verify = verifier({}, { headers: 2, urls: 2 });
    for (let i = 0; i < 2; i++) {
      for (const key of [client, other, third]) {
        await expect(verify(request(proof({ key })), TOKEN)).resolves.toEqual({
          jkt: jwkThumbprintSync(key.publicJwk),
        });
      }
    }
    for (let i = 0; i < 20; i++) {
      expect(
        await reason(verify(request(proof({ htu: `https://api.dpop.test/p${i}` }), `/q${i}`), TOKEN)),
      ).toBe('htu');
    }
    expect(verify.cacheSizes()).toEqual({ headers: 2, urls: 2 });
    // A remembered normalisation never answers for another URL.
    await verify(request(proof()), TOKEN);
    expect(await reason(verify(request(proof({ htu: 'https://api.dpop.test/other' })), TOKEN))).toBe('htu');
    expect(await reason(verify(request(proof(), '/other'), TOKEN))).toBe('htu');
  });

  it('a replayed proof is refused on the synchronous path too', async () => {
    const verify = verifier();
    const once = proof();
    await verify(request(once), TOKEN);
    expect(await reason(verify(request(once), TOKEN))).toBe('replay');
  });

  it('a store or nonce source that throws, rejects or answers oddly fails closed', async () => {
    const thrown = verifier({
      replayStore: {
        checkAndStore: () => {
          throw new Error('down');
        },
      },
    });
    expect(await reason(thrown(request(proof()), TOKEN))).toBe('ERR_AUTH_REPLAY_STORE_UNAVAILABLE');
    const odd = verifier({ replayStore: { checkAndStore: () => 'yes' as unknown as boolean } });
    expect(await reason(odd(request(proof()), TOKEN))).toBe('replay');
    const thenable = verifier({
      replayStore: {
        checkAndStore: () =>
          // biome-ignore lint/suspicious/noThenProperty: a thenable store (not a native Promise) on purpose
          ({ then: (ok: (v: boolean) => void) => ok(true) }) as unknown as Promise<boolean>,
      },
    });
    await expect(thenable(request(proof()), TOKEN)).resolves.toEqual({
      jkt: jwkThumbprintSync(client.publicJwk),
    });
    for (const isValid of [
      () => {
        throw new Error('down');
      },
      () => Promise.reject(new Error('down')),
    ]) {
      const nonces = verifier({ nonces: { current: () => 'n1', isValid } });
      expect(await reason(nonces(request(proof({ nonce: 'n1' })), TOKEN))).toBe(
        'ERR_AUTH_REPLAY_STORE_UNAVAILABLE',
      );
    }
    const stale = verifier({ nonces: { current: () => 'n2', isValid: () => false } });
    expect(await reason(stale(request(proof({ nonce: 'n1' })), TOKEN))).toBe('ERR_AUTH_DPOP_NONCE_REQUIRED');
  });

  it('a signature check that throws or rejects is a signature failure, and nothing is remembered', async () => {
    for (const verify of [
      () => {
        throw new Error('boom');
      },
      () => Promise.reject(new Error('boom')),
    ]) {
      const broken = createProofVerifier(readDpopSettings({ algorithms: ['ES256'], clock }, undefined), {
        ...backend,
        verify,
      } as typeof backend);
      expect(await reason(broken(request(proof()), TOKEN))).toBe('signature');
      expect(broken.cacheSizes().headers).toBe(0);
    }
  });

  it('never throws synchronously: a bad request is a rejected promise', () => {
    const verify = verifier();
    const result = verify({ headers: {}, method: 'GET', url: '/payments' }, TOKEN);
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toMatchObject({ code: 'ERR_AUTH_INVALID_DPOP_PROOF' });
  });
});
