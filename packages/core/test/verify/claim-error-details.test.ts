/**
 * The server-side `detail` of every claim rejection (verify/claims.ts): operators read it in logs to
 * tell which claim or issuer was refused, so each rejection that names one is checked for its exact
 * code and detail, and the rejections that name none are checked to carry no detail.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../src/errors.ts';
import { checkClaims } from '../../src/verify/claims.ts';
import type { ClaimRules } from '../../src/verify/issuer-config.ts';
import type { JoseHeader } from '../../src/verify/options.ts';

const ISS = 'https://idp.details.test';
const NOW = 1_900_000_000;

const rules = (extra: Partial<ClaimRules> = {}): ClaimRules => ({
  issuer: ISS,
  audience: null,
  tokenUse: 'any',
  clientIds: null,
  typ: null,
  clockToleranceSeconds: 0,
  maxTokenAgeSeconds: null,
  maxLifetimeSeconds: null,
  requiredClaims: [],
  cognito: false,
  ...extra,
});
const payload = (extra: Record<string, unknown> = {}) => ({
  iss: ISS,
  sub: 'user-1',
  iat: NOW - 10,
  exp: NOW + 600,
  ...extra,
});
const header: JoseHeader = { alg: 'ES256' };

function rejection(
  p: Record<string, unknown>,
  r: Partial<ClaimRules> = {},
): { code: string; detail: unknown } {
  try {
    checkClaims(header, p, rules(r), NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTokenError);
    const err = e as InvalidTokenError;
    return { code: err.code, detail: err.detail };
  }
  throw new Error('expected a rejection');
}

describe('claim rejections name the claim in detail', () => {
  it.each([
    ['exp', 'soon'],
    ['exp', 1e11],
    ['nbf', -1],
    ['nbf', Number.NaN],
    ['iat', '1900000000'],
    ['iat', Number.POSITIVE_INFINITY],
  ] as const)('a timestamp %s of %s is an invalid claim named in detail', (name, value) => {
    expect(rejection(payload({ [name]: value }))).toEqual({
      code: 'ERR_AUTH_INVALID_CLAIM',
      detail: { claim: name },
    });
  });

  it.each([
    ['sub', undefined],
    ['sub', null],
    ['jti', undefined],
  ] as const)('a missing required claim %s (value %s) is named in detail', (name, value) => {
    expect(rejection(payload({ [name]: value }), { requiredClaims: ['iss', name] })).toEqual({
      code: 'ERR_AUTH_MISSING_CLAIM',
      detail: { claim: name },
    });
  });

  it('a token without exp is a missing claim named exp, even when exp is not listed as required', () => {
    expect(rejection(payload({ exp: undefined }))).toEqual({
      code: 'ERR_AUTH_MISSING_CLAIM',
      detail: { claim: 'exp' },
    });
  });

  it('a token without iat is a missing claim named iat under maxTokenAgeSeconds', () => {
    expect(rejection(payload({ iat: undefined }), { maxTokenAgeSeconds: 3600 })).toEqual({
      code: 'ERR_AUTH_MISSING_CLAIM',
      detail: { claim: 'iat' },
    });
  });

  it('a token without iat is a missing claim named iat under maxLifetimeSeconds', () => {
    expect(rejection(payload({ iat: undefined }), { maxLifetimeSeconds: 3600 })).toEqual({
      code: 'ERR_AUTH_MISSING_CLAIM',
      detail: { claim: 'iat' },
    });
  });

  it.each([[42], [[]], [['api', 7]]])('an audience of %j is invalid and named aud in detail', (aud) => {
    expect(rejection(payload({ aud }))).toEqual({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
      detail: { claim: 'aud' },
    });
  });

  it.each([[''], [7], [null]])('a sub of %j is an invalid claim named sub in detail', (sub) => {
    expect(rejection(payload({ sub }))).toEqual({ code: 'ERR_AUTH_INVALID_CLAIM', detail: { claim: 'sub' } });
  });

  it.each(['client_id', 'azp', 'jti'])('a non-string %s is an invalid claim named in detail', (name) => {
    expect(rejection(payload({ [name]: 12 }))).toEqual({
      code: 'ERR_AUTH_INVALID_CLAIM',
      detail: { claim: name },
    });
  });

  it('a non-string scope is an invalid claim named scope in detail', () => {
    expect(rejection(payload({ scope: ['read'] }))).toEqual({
      code: 'ERR_AUTH_INVALID_CLAIM',
      detail: { claim: 'scope' },
    });
  });

  it.each([[5], [['read', 5]]])('an scp of %j is an invalid claim named scp in detail', (scp) => {
    expect(rejection(payload({ scp }))).toEqual({ code: 'ERR_AUTH_INVALID_CLAIM', detail: { claim: 'scp' } });
  });
});

describe('an untrusted issuer is named in detail with the configured one', () => {
  it('names the token issuer and the configured issuers', () => {
    expect(rejection(payload({ iss: 'https://other' }))).toEqual({
      code: 'ERR_AUTH_UNTRUSTED_ISSUER',
      detail: { issuer: 'https://other', configuredIssuers: [ISS] },
    });
  });

  it('names a missing or non-string issuer by its string form', () => {
    expect(rejection(payload({ iss: undefined })).detail).toEqual({
      issuer: 'undefined',
      configuredIssuers: [ISS],
    });
    expect(rejection(payload({ iss: 42 })).detail).toEqual({ issuer: '42', configuredIssuers: [ISS] });
  });
});

describe('an audience mismatch names the audiences seen and configured', () => {
  it('lists at most five of each', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(rejection(payload({ aud: 'x' }), { audience: new Set(['api']) })).toEqual({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
      detail: { claim: 'aud', audience: ['x'], configuredAudiences: ['api'] },
    });
    expect(rejection(payload({ aud: many }), { audience: new Set(many.map((m) => `${m}!`)) })).toEqual({
      code: 'ERR_AUTH_INVALID_AUDIENCE',
      detail: {
        claim: 'aud',
        audience: many.slice(0, 5),
        configuredAudiences: many.slice(0, 5).map((m) => `${m}!`),
      },
    });
  });
});

describe('rejections that name nothing carry no detail', () => {
  it.each([
    ['expired', payload({ exp: NOW - 1 }), {}, 'ERR_AUTH_TOKEN_EXPIRED'],
    ['not yet valid', payload({ nbf: NOW + 60 }), {}, 'ERR_AUTH_TOKEN_NOT_YET_VALID'],
    ['issued in the future', payload({ iat: NOW + 60 }), {}, 'ERR_AUTH_TOKEN_ISSUED_IN_FUTURE'],
    ['too old', payload({ iat: NOW - 100 }), { maxTokenAgeSeconds: 50 }, 'ERR_AUTH_TOKEN_TOO_OLD'],
    [
      'client not accepted',
      payload({ client_id: 'c' }),
      { clientIds: new Set(['d']) },
      'ERR_AUTH_INVALID_CLIENT_ID',
    ],
    ['invalid token_use', payload({ token_use: 'refresh' }), {}, 'ERR_AUTH_INVALID_TOKEN_USE'],
  ] as const)('%s', (_, p, r, code) => {
    expect(rejection(p, r)).toEqual({ code, detail: undefined });
  });
});
