import { createHmac, createPublicKey, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '@auth/core';
import {
  createClock,
  generateKeyPair,
  jwksFetch,
  keyAlgs,
  mintToken,
  signRaw,
  type TestKeyPair,
} from '../src/index.ts';

let rsa: TestKeyPair;
beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { kid: 'rsa-1' });
});

const segments = (token: string) => token.split('.');
const decodeSegment = (s: string | undefined) => Buffer.from(s ?? '', 'base64url').toString('utf8');

describe('mintToken', () => {
  it('sets iat/exp from now and iss/aud/sub when given', async () => {
    const clock = createClock(1_700_000_000_500);
    const token = await mintToken({
      key: rsa,
      issuer: 'https://issuer.test',
      audience: ['api://demo', 'other'],
      subject: 'user-1',
      expiresIn: 60,
      now: clock,
    });
    expect(decodeJwt(token)).toEqual({
      iss: 'https://issuer.test',
      aud: ['api://demo', 'other'],
      sub: 'user-1',
      iat: 1_700_000_000,
      exp: 1_700_000_060,
    });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: 'rsa-1' });
    await expect(
      jwtVerify(token, rsa.publicKey, { currentDate: new Date(1_700_000_001_000) }),
    ).resolves.toMatchObject({ payload: { sub: 'user-1' }, protectedHeader: { kid: 'rsa-1' } });
  });

  it('a minimal token carries a default subject, so a verifier with default rules accepts it', async () => {
    const token = await mintToken({ key: rsa, issuer: 'https://issuer.test', audience: 'api://demo' });
    expect(decodeJwt(token).sub).toBe('test-user');
    const fetch = jwksFetch({ keys: [rsa] });
    const verifier = createVerifier({
      issuers: [{ issuer: 'https://issuer.test', audience: 'api://demo', jwksUri: fetch.jwksUri }],
      fetch,
    });
    try {
      await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'test-user' });
    } finally {
      verifier.close();
    }
    // `subject: null` leaves it out, for tokens that must lack one.
    expect(decodeJwt(await mintToken({ key: rsa, subject: null }))).not.toHaveProperty('sub');
  });

  it('lets claims override defaults, undefined remove them and expiresIn: null drop exp', async () => {
    const token = await mintToken({
      key: rsa,
      now: new Date(2_000_000_000_000),
      expiresIn: null,
      claims: { iat: 5, scope: 'read:items', nested: { a: [1] }, sub: undefined },
      subject: 'gone',
    });
    expect(decodeJwt(token)).toEqual({ iat: 5, scope: 'read:items', nested: { a: [1] } });
  });

  it('merges the header and removes members set to undefined', async () => {
    const token = await mintToken({ key: rsa, header: { typ: 'at+jwt', kid: undefined, x: 1 } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'at+jwt', x: 1 });
    await expect(jwtVerify(token, rsa.publicKey, { typ: 'at+jwt' })).resolves.toMatchObject({
      protectedHeader: { typ: 'at+jwt', x: 1 },
    });
  });

  it('signs with a bare key or an HMAC secret given header.alg', async () => {
    const secret = new TextEncoder().encode('a-very-long-shared-secret-of-32-bytes!');
    const hs = await mintToken({ key: secret, header: { alg: 'HS256' } });
    await expect(jwtVerify(hs, secret)).resolves.toMatchObject({ protectedHeader: { alg: 'HS256' } });
    const bare = await mintToken({ key: rsa.privateKey, header: { alg: 'RS256' } });
    await expect(jwtVerify(bare, rsa.publicKey)).resolves.toMatchObject({
      payload: { sub: 'test-user' },
      protectedHeader: { alg: 'RS256' },
    });
    await expect(mintToken({ key: rsa.privateKey })).rejects.toThrow(/alg/);
  });

  it('falls back to raw signing for headers jose refuses: alg none, alg confusion, weak keys', async () => {
    const none = await mintToken({ key: rsa, header: { alg: 'none' } });
    expect(segments(none)[2]).toBe('');
    expect(decodeProtectedHeader(none)).toMatchObject({ alg: 'none', kid: 'rsa-1' });

    // HS256 keyed with the RSA public key in PEM: the token an alg-confusion bug would accept.
    const confused = await mintToken({ key: rsa, header: { alg: 'HS256' } });
    const [h, p, sig] = segments(confused);
    const pem = createPublicKey({ key: rsa.publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    expect(sig).toBe(createHmac('sha256', pem).update(`${h}.${p}`).digest('base64url'));

    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakToken = await mintToken({ key: { privateKey: weak.privateKey, alg: 'RS256', kid: 'weak' } });
    const [wh, wp, ws] = segments(weakToken);
    expect(
      nodeVerify('sha256', Buffer.from(`${wh}.${wp}`), weak.publicKey, Buffer.from(ws ?? '', 'base64url')),
    ).toBe(true);
  });

  it('requires a key and a finite now', async () => {
    await expect(mintToken({} as never)).rejects.toThrow(TypeError);
    await expect(mintToken({ key: rsa, now: Number.NaN })).rejects.toThrow(/now/);
  });
});

describe('signRaw', () => {
  it.each(keyAlgs)('%s signatures verify with jose', async (alg) => {
    const pair = await generateKeyPair(alg);
    const token = signRaw({ alg, kid: pair.kid }, { sub: 'raw' }, pair);
    const { payload } = await jwtVerify(token, await importJWK(pair.publicJwk, alg));
    expect(payload.sub).toBe('raw');
  });

  it('encodes strings and bytes as given, whatever they contain', () => {
    const token = signRaw('{"alg":"none",', new Uint8Array([0xff, 0x00, 0x41]), null);
    const [h, p, s] = segments(token);
    expect(decodeSegment(h)).toBe('{"alg":"none",');
    expect([...Buffer.from(p ?? '', 'base64url')]).toEqual([0xff, 0x00, 0x41]);
    expect(s).toBe('');
  });

  it('gives an empty signature for alg none in any case, and a literal one on request', () => {
    expect(segments(signRaw({ alg: 'NoNe' }, {}, rsa))[2]).toBe('');
    expect(signRaw({ alg: 'RS256' }, { a: 1 }, rsa, { signature: 'AAAA' }).endsWith('.AAAA')).toBe(true);
  });

  it('encoded: true signs string segments verbatim, non-canonical ones included', async () => {
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const token = signRaw(header, 'eyJzdWIiOiJzIn0=', rsa, { encoded: true });
    const [h, p, s] = segments(token);
    expect([h, p]).toEqual([header, 'eyJzdWIiOiJzIn0=']);
    // the signature covers the verbatim input: it verifies over exactly these bytes
    const { createPublicKey, verify } = await import('node:crypto');
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: rsa.publicJwk, format: 'jwk' }),
      Buffer.from(s ?? '', 'base64url'),
    );
    expect(ok).toBe(true);
    // objects are still encoded
    expect(decodeSegment(segments(signRaw({ alg: 'none' }, 'e30', null, { encoded: true }))[0])).toBe(
      '{"alg":"none"}',
    );
  });

  it('signs a header string with options.alg, and refuses unknown algs without a signature', async () => {
    const token = signRaw('{"alg":"RS256"}', '{"sub":"s"}', rsa);
    await expect(jwtVerify(token, rsa.publicKey)).resolves.toMatchObject({ payload: { sub: 's' } });
    const withOption = signRaw('not json', '{}', rsa, { alg: 'RS256' });
    expect(segments(withOption)[2]).not.toBe('');
    expect(() => signRaw({ alg: 'XYZ1' }, {}, rsa)).toThrow(/signature/);
  });
});
