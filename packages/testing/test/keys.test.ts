import { createLocalJWKSet, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createJwks, generateKeyPair, keyAlgs, mintToken, toPublicJwk } from '../src/index.ts';

describe('generateKeyPair', () => {
  it.each(keyAlgs)('%s: a pair whose tokens verify against its public JWK', async (alg) => {
    const pair = await generateKeyPair(alg, { kid: `k-${alg}` });
    expect(pair).toMatchObject({ kid: `k-${alg}`, alg });
    expect(pair.publicJwk).toMatchObject({ kid: `k-${alg}`, alg, use: 'sig' });
    expect(pair.publicJwk).not.toHaveProperty('d');
    expect(pair.privateJwk).toMatchObject({ kid: `k-${alg}`, alg, d: expect.any(String) });
    const token = await mintToken({ key: pair, claims: { sub: 'x' } });
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(pair.publicJwk, alg));
    expect(protectedHeader).toEqual({ alg, kid: `k-${alg}` });
    expect(payload.sub).toBe('x');
  });

  it('gives a random kid by default and honours modulusLength', async () => {
    const a = await generateKeyPair('RS256');
    const b = await generateKeyPair('RS256', { modulusLength: 3072 });
    expect(a.kid).not.toBe(b.kid);
    expect(Buffer.from(a.publicJwk.n ?? '', 'base64url').length * 8).toBe(2048);
    expect(Buffer.from(b.publicJwk.n ?? '', 'base64url').length * 8).toBe(3072);
    expect((await generateKeyPair('EdDSA')).publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect((await generateKeyPair('ES384')).publicJwk).toMatchObject({ kty: 'EC', crv: 'P-384' });
  });

  it('rejects an unknown alg or an empty kid with a TypeError', async () => {
    await expect(generateKeyPair('HS256' as never)).rejects.toThrow(TypeError);
    await expect(generateKeyPair('RS256', { kid: '' })).rejects.toThrow(/kid/);
  });
});

describe('createJwks', () => {
  it('publishes public members only, from pairs, JWKs or a set', async () => {
    const rsa = await generateKeyPair('RS256', { kid: 'r' });
    const ec = await generateKeyPair('ES256', { kid: 'e' });
    const fromPairs = createJwks([rsa, ec]);
    expect(fromPairs.keys.map((k) => k.kid)).toEqual(['r', 'e']);
    for (const key of fromPairs.keys) expect(key).not.toHaveProperty('d');

    const fromPrivate = createJwks([rsa.privateJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 's' }]);
    expect(fromPrivate.keys[0]).toEqual(rsa.publicJwk);
    expect(fromPrivate.keys[1]).toEqual({ kty: 'oct', kid: 's' });
    expect(createJwks({ keys: [ec.privateJwk] })).toEqual({ keys: [ec.publicJwk] });
    expect(toPublicJwk(ec.privateJwk)).toEqual(ec.publicJwk);

    const token = await mintToken({ key: ec });
    await expect(jwtVerify(token, createLocalJWKSet(fromPairs))).resolves.toMatchObject({
      protectedHeader: { kid: ec.kid },
    });
  });

  it('throws a TypeError for something that is not a key list', () => {
    expect(() => createJwks({ keys: 'nope' } as never)).toThrow(TypeError);
  });
});
