/**
 * The hostile token table shared by hostile.test.ts (exact codes, both backends) and
 * differential.test.ts (same verdicts as jose, except where we are documented to be stricter).
 */
import { createHmac, sign as nodeSign } from 'node:crypto';
import type { AuthErrorCode } from '../src/errors.ts';
import type { IssuerConfig } from '../src/verify/options.ts';
import { b64u, genKey, json64, rawSign, signToken, testClock } from './verify-helpers.ts';

export const ISS = 'https://issuer.hostile.test';
export const AUD = 'api://test';
export const JWKS_URI = `${ISS}/jwks.json`;
export const clock = testClock();
export const NOW = clock.seconds();

export const rs = genKey('RS256', 'rs');
const rsNoAlg = { ...genKey('RS256', 'rsa-noalg') };
const ps = genKey('PS256', 'ps');
export const es = genKey('ES256', 'es');
export const ed = genKey('EdDSA', 'ed');
const weak = genKey('RS256', 'weak', { modulusLength: 1024 });
const attacker = genKey('RS256', 'attacker-rs');
const enc = genKey('RS256', 'enc');
const signOnly = genKey('RS256', 'sign-only');

const offCurve = {
  kty: 'EC',
  crv: 'P-256',
  kid: 'offcurve',
  x: es.publicJwk.x,
  y: b64u(Buffer.alloc(32, 1)),
};
export const jwks = [
  rs.publicJwk,
  { ...rsNoAlg.publicJwk, alg: undefined },
  ps.publicJwk,
  es.publicJwk,
  ed.publicJwk,
  weak.publicJwk,
  offCurve,
  { ...enc.publicJwk, use: 'enc' },
  { ...signOnly.publicJwk, key_ops: ['sign'] },
  'not-a-key',
  { kty: 'RSA', kid: 'garbage', n: '!!!', e: 'AQAB' },
];

export const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  sub: 'user-1',
  aud: AUD,
  iat: NOW - 10,
  exp: NOW + 300,
  scope: 'read:items',
  ...extra,
});
const rsaPem = rs.publicKey.export({ format: 'pem', type: 'spki' }) as string;
const rsaDer = rs.publicKey.export({ format: 'der', type: 'spki' }) as Buffer;

/** HS256 token with an arbitrary secret (the classic key-confusion attack). */
function hs256(secret: string | Buffer, payload = claims(), header: Record<string, unknown> = { kid: 'rs' }) {
  const input = `${json64({ alg: 'HS256', typ: 'JWT', ...header })}.${json64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
const withSig = (token: string, sig: string) => `${token.slice(0, token.lastIndexOf('.'))}.${sig}`;
export const rsToken = (extra?: Record<string, unknown>, header?: Record<string, unknown>) =>
  signToken(rs, claims(extra), header);
/** Re-signs arbitrary raw segments with the rs key. */
export const rawRs = (headerSeg: string, payloadSeg: string) => {
  const input = `${headerSeg}.${payloadSeg}`;
  return `${input}.${b64u(rawSign('RS256', rs.privateKey, input))}`;
};
export const rsHeader = json64({ alg: 'RS256', kid: 'rs', typ: 'JWT' });
const flipLastBits = (seg: string) => {
  // Same bytes, different (non-canonical) trailing bits: a lenient decoder accepts both.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(seg[seg.length - 1]!);
  return seg.slice(0, -1) + alphabet[last | 1];
};

export type Expect = AuthErrorCode | readonly AuthErrorCode[] | 'ok';
export interface Case {
  name: string;
  token: () => string;
  expect: Expect;
  issuer?: Partial<IssuerConfig>;
}

export const MALFORMED: AuthErrorCode = 'ERR_AUTH_MALFORMED_TOKEN';
const attackerJwk = attacker.publicJwk;

export const cases: Case[] = [
  // valid baselines
  { name: 'valid RS256', token: () => rsToken(), expect: 'ok' },
  { name: 'valid PS256', token: () => signToken(ps, claims()), expect: 'ok' },
  { name: 'valid ES256', token: () => signToken(es, claims()), expect: 'ok' },
  { name: 'valid EdDSA', token: () => signToken(ed, claims()), expect: 'ok' },
  { name: 'aud array containing the audience', token: () => rsToken({ aud: ['other', AUD] }), expect: 'ok' },
  { name: 'expired within clock tolerance', token: () => rsToken({ exp: NOW - 3 }), expect: 'ok' },
  // alg none
  ...['none', 'None', 'NONE', 'nOnE'].map(
    (alg): Case => ({
      name: `alg ${alg} with an empty signature`,
      token: () => `${json64({ alg, typ: 'JWT' })}.${json64(claims())}.`,
      expect: [MALFORMED, 'ERR_AUTH_ALG_NOT_ALLOWED'],
    }),
  ),
  {
    name: 'alg none with a bogus signature',
    token: () => `${json64({ alg: 'none', kid: 'rs' })}.${json64(claims())}.${b64u('sig')}`,
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
  },
  // key confusion: HS256 signed with the RSA public key
  {
    name: 'HS256 with the RSA PEM as secret',
    token: () => hs256(rsaPem),
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 with the RSA JWK as secret',
    token: () => hs256(JSON.stringify(rs.publicJwk)),
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 with the RSA DER as secret',
    token: () => hs256(rsaDer),
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
  },
  {
    name: 'HS256 with the RSA modulus as secret',
    token: () => hs256(Buffer.from(rs.publicJwk.n as string, 'base64url')),
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
  },
  // PS/RS swaps
  {
    name: 'PS256 header over an RS256 signature (key without alg)',
    token: () => {
      const input = `${json64({ alg: 'PS256', kid: 'rsa-noalg' })}.${json64(claims())}`;
      return `${input}.${b64u(rawSign('RS256', rsNoAlg.privateKey, input))}`;
    },
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'RS256 header over a PS256 signature (key without alg)',
    token: () => {
      const input = `${json64({ alg: 'RS256', kid: 'rsa-noalg' })}.${json64(claims())}`;
      return `${input}.${b64u(rawSign('PS256', rsNoAlg.privateKey, input))}`;
    },
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'PS256 header naming an RS256-only key',
    token: () => signToken({ ...rs, alg: 'PS256' }, claims()),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'ES256 header naming an RSA key',
    token: () => signToken(es, claims(), { kid: 'rs' }),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'RS256 header naming an EC key',
    token: () => rsToken({}, { kid: 'es' }),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'EdDSA header naming an EC key',
    token: () => signToken(ed, claims(), { kid: 'es' }),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  // kid games
  {
    name: 'kid path traversal',
    token: () => rsToken({}, { kid: '../../../../etc/passwd' }),
    expect: 'ERR_AUTH_KEY_NOT_FOUND',
  },
  {
    name: 'kid SQL injection',
    token: () => rsToken({}, { kid: "' OR '1'='1' --" }),
    expect: 'ERR_AUTH_KEY_NOT_FOUND',
  },
  { name: 'kid __proto__', token: () => rsToken({}, { kid: '__proto__' }), expect: 'ERR_AUTH_KEY_NOT_FOUND' },
  {
    name: 'kid constructor',
    token: () => rsToken({}, { kid: 'constructor' }),
    expect: 'ERR_AUTH_KEY_NOT_FOUND',
  },
  {
    name: 'kid with a NUL byte',
    token: () => rsToken({}, { kid: 'rs\u0000' }),
    expect: 'ERR_AUTH_KEY_NOT_FOUND',
  },
  { name: 'kid as a number', token: () => rsToken({}, { kid: 1 }), expect: MALFORMED },
  { name: 'kid empty', token: () => rsToken({}, { kid: '' }), expect: MALFORMED },
  { name: 'unknown kid', token: () => rsToken({}, { kid: 'nope' }), expect: 'ERR_AUTH_KEY_NOT_FOUND' },
  // embedded keys and key URLs are never used
  {
    name: 'embedded jwk without kid',
    token: () => signToken(attacker, claims(), { kid: undefined, jwk: attackerJwk }),
    expect: 'ERR_AUTH_KEY_NOT_FOUND',
  },
  {
    name: 'embedded jwk with a known kid',
    token: () => signToken({ ...attacker, kid: 'rs' }, claims(), { jwk: attackerJwk }),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'jku pointing at the attacker',
    token: () => signToken({ ...attacker, kid: 'rs' }, claims(), { jku: 'http://127.0.0.1:1/jwks' }),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'x5u pointing at the attacker',
    token: () => signToken({ ...attacker, kid: 'rs' }, claims(), { x5u: 'http://127.0.0.1:1/cert' }),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'x5c with the attacker certificate chain',
    token: () => signToken({ ...attacker, kid: 'rs' }, claims(), { x5c: [b64u('not really a cert')] }),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  // crit, b64, JWE, nesting
  {
    name: 'crit with an unknown name',
    token: () => rsToken({}, { crit: ['exp'], exp: 1 }),
    expect: MALFORMED,
  },
  {
    name: 'crit b64 with b64 false',
    token: () => rsToken({}, { crit: ['b64'], b64: false }),
    expect: MALFORMED,
  },
  { name: 'b64 false without crit', token: () => rsToken({}, { b64: false }), expect: MALFORMED },
  {
    name: 'JWE compact (5 parts)',
    token: () =>
      `${json64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${b64u('k')}.${b64u('iv')}.${b64u('ct')}.${b64u('tag')}`,
    expect: MALFORMED,
  },
  { name: 'enc in a 3-part header', token: () => rsToken({}, { enc: 'A256GCM' }), expect: MALFORMED },
  { name: 'nested token (cty JWT)', token: () => rsToken({}, { cty: 'JWT' }), expect: MALFORMED },
  {
    name: 'nested token (cty application/jwt)',
    token: () => rsToken({}, { cty: 'application/JWT' }),
    expect: MALFORMED,
  },
  // encoding strictness
  { name: 'padded signature', token: () => `${rsToken()}==`, expect: MALFORMED },
  {
    name: 'padded payload',
    token: () => {
      const [h, p, s] = rsToken().split('.');
      return `${h}.${p}${'='.repeat((4 - (p!.length % 4)) % 4 || 4)}.${s}`;
    },
    expect: MALFORMED,
  },
  {
    name: 'whitespace inside the signature',
    token: () => {
      const t = rsToken();
      return `${t.slice(0, -10)} ${t.slice(-10)}`;
    },
    expect: MALFORMED,
  },
  {
    name: 'newline inside the signature',
    token: () => {
      const t = rsToken();
      return `${t.slice(0, -10)}\n${t.slice(-10)}`;
    },
    expect: MALFORMED,
  },
  { name: 'leading space', token: () => ` ${rsToken()}`, expect: MALFORMED },
  {
    name: 'non-canonical trailing bits in the signature',
    token: () => {
      const t = rsToken();
      const i = t.lastIndexOf('.');
      return `${t.slice(0, i + 1)}${flipLastBits(t.slice(i + 1))}`;
    },
    expect: MALFORMED,
  },
  {
    name: 'standard base64 alphabet (+ and /)',
    token: () => {
      const t = rsToken();
      return withSig(
        t,
        `${t
          .slice(t.lastIndexOf('.') + 1)
          .replace(/-/g, '+')
          .replace(/_/g, '/')}+/`,
      );
    },
    expect: MALFORMED,
  },
  { name: 'four segments', token: () => `${rsToken()}.${b64u('x')}`, expect: MALFORMED },
  { name: 'two segments', token: () => rsToken().split('.').slice(0, 2).join('.'), expect: MALFORMED },
  {
    name: 'empty header segment',
    token: () => `.${rsToken().split('.').slice(1).join('.')}`,
    expect: MALFORMED,
  },
  { name: 'empty string', token: () => '', expect: MALFORMED },
  { name: 'not a JWT at all', token: () => 'hello-world', expect: MALFORMED },
  { name: 'non-ASCII characters', token: () => `${rsToken()}é`, expect: MALFORMED },
  {
    name: 'invalid UTF-8 in the payload',
    token: () =>
      rawRs(
        rsHeader,
        b64u(Buffer.concat([Buffer.from('{"sub":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      ),
    expect: MALFORMED,
  },
  {
    name: 'UTF-8 BOM before the payload JSON',
    token: () => rawRs(rsHeader, b64u(`\ufeff${JSON.stringify(claims())}`)),
    expect: MALFORMED,
  },
  {
    name: 'duplicate claim in the payload',
    token: () => rawRs(rsHeader, b64u(`${JSON.stringify(claims()).slice(0, -1)},"sub":"admin"}`)),
    expect: MALFORMED,
  },
  {
    name: 'duplicate escaped claim name',
    token: () => rawRs(rsHeader, b64u(`${JSON.stringify(claims()).slice(0, -1)},"s\\u0075b":"admin"}`)),
    expect: MALFORMED,
  },
  {
    name: 'duplicate nested member',
    token: () =>
      rawRs(
        rsHeader,
        b64u(`${JSON.stringify(claims()).slice(0, -1)},"realm_access":{"roles":[],"roles":["admin"]}}`),
      ),
    expect: MALFORMED,
  },
  {
    name: 'duplicate alg in the header',
    token: () => rawRs(b64u('{"alg":"none","kid":"rs","alg":"RS256"}'), json64(claims())),
    expect: MALFORMED,
  },
  { name: 'payload is an array', token: () => rawRs(rsHeader, json64([claims()])), expect: MALFORMED },
  { name: 'payload is a string', token: () => rawRs(rsHeader, json64('claims')), expect: MALFORMED },
  { name: 'payload is null', token: () => rawRs(rsHeader, b64u('null')), expect: MALFORMED },
  { name: 'payload is not JSON', token: () => rawRs(rsHeader, b64u('{sub: user}')), expect: MALFORMED },
  { name: 'header is an array', token: () => rawRs(b64u('["RS256"]'), json64(claims())), expect: MALFORMED },
  {
    name: 'alg is not a string',
    token: () => rawRs(b64u('{"alg":256,"kid":"rs"}'), json64(claims())),
    expect: MALFORMED,
  },
  // claim types and timestamps
  {
    name: 'exp as a string',
    token: () => rsToken({ exp: String(NOW + 300) }),
    expect: 'ERR_AUTH_INVALID_CLAIM',
  },
  { name: 'exp missing', token: () => rsToken({ exp: undefined }), expect: 'ERR_AUTH_MISSING_CLAIM' },
  {
    name: 'exp 1e400 (Infinity)',
    token: () => rawRs(rsHeader, b64u(JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e400'))),
    expect: 'ERR_AUTH_INVALID_CLAIM',
  },
  {
    name: 'iat 1e400 (Infinity)',
    token: () => rawRs(rsHeader, b64u(JSON.stringify(claims({ iat: 0 })).replace('"iat":0', '"iat":1e400'))),
    expect: 'ERR_AUTH_INVALID_CLAIM',
  },
  {
    name: 'exp in milliseconds',
    token: () => rsToken({ exp: (NOW + 300) * 1000 }),
    expect: 'ERR_AUTH_INVALID_CLAIM',
  },
  {
    name: 'iat in milliseconds',
    token: () => rsToken({ iat: NOW * 1000 }),
    expect: 'ERR_AUTH_INVALID_CLAIM',
  },
  { name: 'nbf as a string', token: () => rsToken({ nbf: 'yesterday' }), expect: 'ERR_AUTH_INVALID_CLAIM' },
  { name: 'negative exp', token: () => rsToken({ exp: -1 }), expect: 'ERR_AUTH_INVALID_CLAIM' },
  { name: 'expired', token: () => rsToken({ exp: NOW - 60 }), expect: 'ERR_AUTH_TOKEN_EXPIRED' },
  { name: 'not yet valid', token: () => rsToken({ nbf: NOW + 60 }), expect: 'ERR_AUTH_TOKEN_NOT_YET_VALID' },
  {
    name: 'issued in the future',
    token: () => rsToken({ iat: NOW + 60 }),
    expect: 'ERR_AUTH_TOKEN_ISSUED_IN_FUTURE',
  },
  {
    name: 'too old (maxTokenAgeSeconds)',
    token: () => rsToken({ iat: NOW - 3600 }),
    expect: 'ERR_AUTH_TOKEN_TOO_OLD',
    issuer: { maxTokenAgeSeconds: 600 },
  },
  {
    name: 'lifetime over maxLifetimeSeconds',
    token: () => rsToken({ exp: NOW + 86_400 }),
    expect: 'ERR_AUTH_TOKEN_LIFETIME_TOO_LONG',
    issuer: { maxLifetimeSeconds: 3600 },
  },
  // issuer
  {
    name: 'issuer with a trailing slash',
    token: () => rsToken({ iss: `${ISS}/` }),
    expect: 'ERR_AUTH_UNTRUSTED_ISSUER',
  },
  {
    name: 'issuer in another case',
    token: () => rsToken({ iss: ISS.toUpperCase() }),
    expect: 'ERR_AUTH_UNTRUSTED_ISSUER',
  },
  {
    name: 'issuer over http',
    token: () => rsToken({ iss: ISS.replace('https:', 'http:') }),
    expect: 'ERR_AUTH_UNTRUSTED_ISSUER',
  },
  { name: 'issuer missing', token: () => rsToken({ iss: undefined }), expect: 'ERR_AUTH_MISSING_CLAIM' },
  { name: 'issuer as an array', token: () => rsToken({ iss: [ISS] }), expect: 'ERR_AUTH_MISSING_CLAIM' },
  // audience, subject, client, kinds
  {
    name: 'wrong audience',
    token: () => rsToken({ aud: 'api://other' }),
    expect: 'ERR_AUTH_INVALID_AUDIENCE',
  },
  { name: 'audience missing', token: () => rsToken({ aud: undefined }), expect: 'ERR_AUTH_INVALID_AUDIENCE' },
  {
    name: 'audience array with a number',
    token: () => rsToken({ aud: [AUD, 1] }),
    expect: 'ERR_AUTH_INVALID_AUDIENCE',
  },
  {
    name: 'audience as an object',
    token: () => rsToken({ aud: { 0: AUD } }),
    expect: 'ERR_AUTH_INVALID_AUDIENCE',
  },
  { name: 'empty subject', token: () => rsToken({ sub: '' }), expect: 'ERR_AUTH_INVALID_CLAIM' },
  { name: 'subject as a number', token: () => rsToken({ sub: 42 }), expect: 'ERR_AUTH_INVALID_CLAIM' },
  { name: 'subject missing', token: () => rsToken({ sub: undefined }), expect: 'ERR_AUTH_MISSING_CLAIM' },
  { name: 'scope as a number', token: () => rsToken({ scope: 7 }), expect: 'ERR_AUTH_INVALID_CLAIM' },
  {
    name: 'wrong client_id',
    token: () => rsToken({ client_id: 'evil' }),
    expect: 'ERR_AUTH_INVALID_CLIENT_ID',
    issuer: { clientId: 'app' },
  },
  {
    name: 'client_id missing when required',
    token: () => rsToken(),
    expect: 'ERR_AUTH_INVALID_CLIENT_ID',
    issuer: { clientId: 'app' },
  },
  {
    name: 'id token (token_use) as an access token',
    token: () => rsToken({ token_use: 'id' }),
    expect: 'ERR_AUTH_INVALID_TOKEN_USE',
  },
  {
    name: 'id token (nonce) as an access token',
    token: () => rsToken({ nonce: 'n' }),
    expect: 'ERR_AUTH_INVALID_TOKEN_USE',
  },
  {
    name: 'access token as an id token',
    token: () => rsToken({}, { typ: 'at+jwt' }),
    expect: 'ERR_AUTH_INVALID_TOKEN_USE',
    issuer: { tokenUse: 'id' },
  },
  {
    name: 'typ at+jwt with token_use id',
    token: () => rsToken({ token_use: 'id' }, { typ: 'at+jwt' }),
    expect: 'ERR_AUTH_INVALID_TOKEN_USE',
  },
  {
    name: 'unknown token_use',
    token: () => rsToken({ token_use: 'refresh' }),
    expect: 'ERR_AUTH_INVALID_TOKEN_USE',
  },
  {
    name: 'typ JWT when at+jwt is required',
    token: () => rsToken(),
    expect: 'ERR_AUTH_INVALID_TYP',
    issuer: { typ: 'at+jwt' },
  },
  {
    name: 'typ missing when required',
    token: () => rsToken({}, { typ: undefined }),
    expect: 'ERR_AUTH_INVALID_TYP',
    issuer: { typ: 'at+jwt' },
  },
  {
    name: 'typ application/AT+JWT accepted',
    token: () => rsToken({}, { typ: 'application/AT+JWT' }),
    expect: 'ok',
    issuer: { typ: 'at+jwt' },
  },
  // size, signatures, bad keys
  {
    name: 'oversize token',
    token: () => rsToken({ pad: 'x'.repeat(9000) }),
    expect: 'ERR_AUTH_TOKEN_TOO_LARGE',
  },
  {
    name: 'zeroed ECDSA signature',
    token: () => withSig(signToken(es, claims()), b64u(Buffer.alloc(64))),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'DER-encoded ECDSA signature',
    token: () => {
      const input = `${json64({ alg: 'ES256', kid: 'es' })}.${json64(claims())}`;
      return `${input}.${b64u(nodeSign('sha256', Buffer.from(input), es.privateKey))}`;
    },
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'truncated RSA signature',
    token: () => {
      const t = rsToken();
      return t.slice(0, t.length - 8);
    },
    expect: ['ERR_AUTH_INVALID_SIGNATURE', MALFORMED],
  },
  {
    name: 'tampered payload',
    token: () => {
      const [h, , s] = rsToken().split('.');
      return `${h}.${json64(claims({ sub: 'admin' }))}.${s}`;
    },
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: 'signed by an attacker key under a known kid',
    token: () => signToken({ ...attacker, kid: 'rs' }, claims()),
    expect: 'ERR_AUTH_INVALID_SIGNATURE',
  },
  {
    name: '1024-bit RSA key in the JWKS',
    token: () => signToken(weak, claims()),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'off-curve EC key in the JWKS',
    token: () => signToken({ ...es, kid: 'offcurve' }, claims()),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  { name: 'JWKS key with use enc', token: () => signToken(enc, claims()), expect: 'ERR_AUTH_INVALID_KEY' },
  {
    name: 'JWKS key with key_ops sign only',
    token: () => signToken(signOnly, claims()),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'JWKS key with garbage modulus',
    token: () => signToken({ ...rs, kid: 'garbage' }, claims()),
    expect: 'ERR_AUTH_INVALID_KEY',
  },
  {
    name: 'algorithm outside the allow-list',
    token: () => signToken(es, claims()),
    expect: 'ERR_AUTH_ALG_NOT_ALLOWED',
    issuer: { algorithms: ['RS256'] },
  },
  {
    name: 'unknown issuer',
    token: () => rsToken({ iss: 'https://evil.example' }),
    expect: 'ERR_AUTH_UNTRUSTED_ISSUER',
  },
];
