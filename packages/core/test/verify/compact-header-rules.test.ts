/**
 * Compact-JWS parsing rules (verify/compact.ts), each checked on its own so that deleting any one
 * check fails a test: segment count, canonical base64url, JSON shape, refused header members, and the
 * shared header cache (frozen, bounded).
 */
import { describe, expect, it, vi } from 'vitest';
import { InvalidTokenError } from '../../src/errors.ts';
import { isCanonicalBase64url, parseCompact } from '../../src/verify/compact.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { backend } from '../../src/verify/crypto/node.ts';
import type { CryptoBackend } from '../../src/verify/crypto/types.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { b64u, json64, signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.compact.test';
const es = await generateKeyPair('ES256', { kid: 'compact-es' });
let unique = 0;
/** A header segment no other test has parsed (the header cache is shared by the whole module). */
const freshHeader = (extra: Record<string, unknown> = {}) =>
  json64({ alg: 'ES256', kid: 'k', nonce_for_cache: `${Date.now()}-${unique++}`, ...extra });
const PAYLOAD = json64({ sub: 'a' });
const SIG = b64u('signature');

function rejection(token: string, crypto: CryptoBackend = backend): InvalidTokenError {
  try {
    parseCompact(token, crypto);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTokenError);
    return e as InvalidTokenError;
  }
  throw new Error('expected parseCompact to throw');
}

const headerRejection = (header: Record<string, unknown>) =>
  rejection(`${freshHeader(header)}.${PAYLOAD}.${SIG}`);

describe('segment count', () => {
  it.each([
    ['no dot', 'abcd'],
    ['two segments', `${json64({ alg: 'ES256' })}.${PAYLOAD}`],
    ['four segments', `${json64({ alg: 'ES256' })}.${PAYLOAD}.${SIG}.${SIG}`],
    ['empty signature', `${json64({ alg: 'ES256' })}.${PAYLOAD}.`],
    ['empty header', `.${PAYLOAD}.${SIG}`],
    ['empty payload', `${json64({ alg: 'ES256' })}..${SIG}`],
    ['only dots', '..'],
  ])('rejects %s as malformed', (_name, token) => {
    const e = rejection(token);
    expect(e.code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(e.message).toBe('The access token is malformed');
    expect(e.status).toBe(401);
  });

  it('rejects a fourth segment made by splitting the signature on a 4-character boundary', async () => {
    // base64url decoders skip the dot, so the split signature still decodes to the signed bytes: only
    // the segment count tells this token from the valid one.
    const clock = createClock(T0);
    const now = clock.seconds();
    const token = signToken(es, { iss: ISS, sub: 'u', iat: now, exp: now + 60 });
    const d2 = token.lastIndexOf('.');
    const split = `${token.slice(0, d2 + 1 + 84)}.${token.slice(d2 + 1 + 84)}`;
    expect(Buffer.from(split.slice(d2 + 1), 'base64url')).toEqual(
      Buffer.from(token.slice(d2 + 1), 'base64url'),
    );
    const verifier = createVerifier({
      issuers: [{ issuer: ISS, audience: null, jwksUri: `${ISS}/jwks` }],
      fetch: async () => Response.json({ keys: [es.publicJwk] }),
      clock,
    });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'u' });
    await expect(verifier.verify(split)).rejects.toMatchObject({ code: 'ERR_AUTH_MALFORMED_TOKEN' });
    expect(rejection(split).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    verifier.close();
  });

  it('rejects characters outside base64url and dots', () => {
    expect(rejection(`${json64({ alg: 'ES256' })}.${PAYLOAD}.${SIG}=`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(rejection(`${json64({ alg: 'ES256' })}.${PAYLOAD}.a+b/`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
  });
});

describe('canonical base64url', () => {
  it.each([
    ['length % 4 === 1', 'AAAAA', false],
    ['non-zero trailing bits, 2 chars', 'AB', false],
    ['zero trailing bits, 2 chars', 'AQ', true],
    ['non-zero trailing bits, 3 chars', 'AAB', false],
    ['zero trailing bits, 3 chars', 'AAE', true],
    ['full quantum', 'AAAA', true],
    ['padding', 'AA==', false],
    ['empty', '', false],
    ['standard alphabet', 'ab+/', false],
  ])('%s', (_name, s, ok) => {
    expect(isCanonicalBase64url(s)).toBe(ok);
  });

  it('rejects a non-canonical segment in each position, although it decodes to the same bytes', () => {
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Sets an unused low bit of the last character: a second spelling of the same bytes.
    const malleate = (segment: string) => {
      expect(segment.length % 4).not.toBe(0);
      const last = ALPHABET.indexOf(segment.at(-1) as string);
      return segment.slice(0, -1) + ALPHABET[last | 1];
    };
    // JSON lengths that are not multiples of 3, so the segments end with unused bits.
    let h = freshHeader();
    while (h.length % 4 === 0) h = freshHeader({ pad: 'x' });
    const payload = json64({ sub: 'a' });
    expect(payload.length % 4).not.toBe(0);
    for (const segment of [h, payload, SIG.slice(0, 11)]) {
      expect(Buffer.from(malleate(segment), 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
    }
    expect(parseCompact(`${h}.${payload}.${SIG}`, backend).payload).toEqual({ sub: 'a' });
    expect(rejection(`${malleate(h)}.${payload}.${SIG}`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(rejection(`${h}.${malleate(payload)}.${SIG}`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(rejection(`${h}.${payload}.${malleate(SIG.slice(0, 11))}`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    // A length that no byte string encodes to (4n + 1).
    expect(rejection(`${h}.${payload}.${SIG}A`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect([...parseCompact(`${h}.${payload}.AQ`, backend).signature]).toEqual([1]);
  });
});

describe('JSON segments', () => {
  it('returns header, payload, signing input and signature bytes', () => {
    const h = freshHeader();
    const parsed = parseCompact(`${h}.${PAYLOAD}.${SIG}`, backend);
    expect(parsed.header.alg).toBe('ES256');
    expect(parsed.payload).toEqual({ sub: 'a' });
    expect(parsed.signingInput).toBe(`${h}.${PAYLOAD}`);
    expect(Buffer.from(parsed.signature).toString()).toBe('signature');
  });

  it.each([
    ['an array payload', json64([1])],
    ['a null payload', json64(null)],
    ['a number payload', json64(5)],
    ['a string payload', json64('x')],
    ['not JSON', b64u('{sub')],
    ['invalid UTF-8', b64u(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))],
  ])('rejects %s', (_name, payload) => {
    const e = rejection(`${freshHeader()}.${payload}.${SIG}`);
    expect(e.code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(e.message).toBe('The access token is malformed');
  });

  it('rejects duplicate members in the header and in the payload', () => {
    const dupHeader = b64u(`{"alg":"ES256","kid":"a","kid":"b","n":${unique++}}`);
    expect(rejection(`${dupHeader}.${PAYLOAD}.${SIG}`).message).toBe(
      'The access token contains duplicate JSON members',
    );
    const dupPayload = b64u('{"sub":"a","sub":"b"}');
    expect(rejection(`${freshHeader()}.${dupPayload}.${SIG}`).message).toBe(
      'The access token contains duplicate JSON members',
    );
  });

  it('rejects a header that is not an object', () => {
    expect(rejection(`${json64(['ES256'])}.${PAYLOAD}.${SIG}`).code).toBe('ERR_AUTH_MALFORMED_TOKEN');
  });
});

describe('header members', () => {
  it.each([
    ['no alg', { alg: undefined }],
    ['an empty alg', { alg: '' }],
    ['a numeric alg', { alg: 256 }],
    ['an empty kid', { kid: '' }],
    ['a numeric kid', { kid: 7 }],
    ['a numeric typ', { typ: 1 }],
    ['an object typ', { typ: { a: 1 } }],
    ['a numeric cty', { cty: 1 }],
    ['an array cty', { cty: ['JWT'] }],
  ])('%s is a 401 malformed token, never a TypeError', (_name, header) => {
    const e = headerRejection(header);
    expect(e.code).toBe('ERR_AUTH_MALFORMED_TOKEN');
    expect(e.message).toBe('The access token is malformed');
  });

  it.each(['none', 'NONE', 'nOnE'])('alg %s is not allowed', (alg) => {
    const e = headerRejection({ alg });
    expect(e.code).toBe('ERR_AUTH_ALG_NOT_ALLOWED');
    expect(e.message).toBe('The token algorithm is not allowed');
  });

  it.each([
    ['enc', { enc: 'A256GCM' }],
    ['zip without enc', { zip: 'DEF' }],
    ['enc and zip', { enc: 'A256GCM', zip: 'DEF' }],
  ])('%s marks an encrypted token', (_name, header) => {
    expect(headerRejection(header).message).toBe('Encrypted tokens are not accepted');
  });

  it.each([[[]], [['exp']], ['b64']])('crit %j is refused', (crit) => {
    expect(headerRejection({ crit }).message).toBe('The token uses unsupported critical header parameters');
  });

  it.each([false, 'false', 0])('b64 %j is refused', (b64) => {
    expect(headerRejection({ b64 }).message).toBe('Unencoded payloads are not accepted');
  });

  it.each(['JWT', 'jwt', 'application/jwt', 'Application/JWT'])('cty %s (nested token) is refused', (cty) => {
    expect(headerRejection({ cty }).message).toBe('Nested tokens are not accepted');
  });

  it('accepts b64: true, an unrelated cty, a string typ and kid', () => {
    const h = freshHeader({ b64: true, cty: 'application/json', typ: 'at+jwt', kid: 'k1', x5u: null });
    const { header } = parseCompact(`${h}.${PAYLOAD}.${SIG}`, backend);
    expect(header).toMatchObject({ b64: true, cty: 'application/json', typ: 'at+jwt', kid: 'k1', x5u: null });
  });
});

describe('header cache', () => {
  const counting = () => {
    const decode = vi.fn((s: string) => backend.decode(s));
    return { crypto: { ...backend, decode } as CryptoBackend, decode };
  };
  const decodesOf = (decode: ReturnType<typeof counting>['decode'], segment: string) =>
    decode.mock.calls.filter(([s]) => s === segment).length;

  it('returns the same deeply frozen header for a repeated header segment', () => {
    const h = freshHeader({ jwk: { kty: 'EC', crv: 'P-256' }, x5c: ['a', 'b'] });
    const { crypto, decode } = counting();
    const a = parseCompact(`${h}.${PAYLOAD}.${SIG}`, crypto).header;
    const b = parseCompact(`${h}.${json64({ sub: 'b' })}.${SIG}`, crypto).header;
    expect(b).toBe(a);
    expect(decodesOf(decode, h)).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.jwk)).toBe(true);
    expect(Object.isFrozen(a.x5c)).toBe(true);
    expect(() => {
      (a as Record<string, unknown>).alg = 'none';
    }).toThrow(TypeError);
    expect(a.alg).toBe('ES256');
  });

  it('does not cache a rejected header', () => {
    const h = freshHeader({ crit: ['x'] });
    const { crypto, decode } = counting();
    rejection(`${h}.${PAYLOAD}.${SIG}`, crypto);
    rejection(`${h}.${PAYLOAD}.${SIG}`, crypto);
    expect(decodesOf(decode, h)).toBe(2);
  });

  it('holds at most 256 headers: a flood of distinct headers evicts earlier ones', () => {
    const { crypto, decode } = counting();
    const parse = (h: string) => parseCompact(`${h}.${PAYLOAD}.${SIG}`, crypto);
    const fill = (n: number) => {
      for (let i = 0; i < n; i++) parse(freshHeader());
    };
    const first = freshHeader();
    parse(first);
    // Distinct headers until `first` is evicted (the cache is module-wide, its size unknown here);
    // a bounded cache evicts it within 257 new headers.
    let added = 0;
    while (decodesOf(decode, first) === 1 && added < 300) {
      fill(1);
      added++;
      parse(first);
    }
    expect(added).toBeLessThanOrEqual(257);
    expect(decodesOf(decode, first)).toBe(2);
    // The cache now holds exactly the last fresh header and `first`: 254 more reach the bound of 256
    // and keep `first`, the next one clears it.
    fill(254);
    parse(first);
    expect(decodesOf(decode, first)).toBe(2);
    fill(1);
    parse(first);
    expect(decodesOf(decode, first)).toBe(3);
  });
});
