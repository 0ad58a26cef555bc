/**
 * Claim rules (verify/claims.ts) one by one: every rule has a token it alone rejects, and the limits
 * are checked on both sides of the boundary, so deleting or loosening any check fails a test.
 */
import { describe, expect, it } from 'vitest';
import { InvalidTokenError } from '../../src/errors.ts';
import { checkClaims } from '../../src/verify/claims.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { ClaimRules } from '../../src/verify/issuer-config.ts';
import type { JoseHeader } from '../../src/verify/options.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.claims.test';
const NOW = 1_900_000_000;

const rules = (extra: Partial<ClaimRules> = {}): ClaimRules => ({
  issuer: ISS,
  audience: null,
  tokenUse: 'access',
  clientIds: null,
  typ: null,
  clockToleranceSeconds: 0,
  maxTokenAgeSeconds: null,
  maxLifetimeSeconds: null,
  requiredClaims: ['iss', 'sub', 'exp', 'iat'],
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
const header = (extra: Partial<JoseHeader> = {}): JoseHeader => ({ alg: 'ES256', ...extra });

function codeOf(
  p: Record<string, unknown>,
  r: Partial<ClaimRules> = {},
  h: JoseHeader = header(),
  now = NOW,
): string {
  try {
    checkClaims(h, p, rules(r), now);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidTokenError);
    expect((e as InvalidTokenError).status).toBe(401);
    return (e as InvalidTokenError).code;
  }
  return 'accepted';
}
const messageOf = (p: Record<string, unknown>, r: Partial<ClaimRules> = {}, h: JoseHeader = header()) => {
  try {
    checkClaims(h, p, rules(r), NOW);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('required claims', () => {
  it('accepts the baseline token', () => {
    expect(codeOf(payload())).toBe('accepted');
  });

  it('rejects a token without iat under the default list', () => {
    const { iat: _iat, ...p } = payload();
    expect(codeOf(p)).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(messageOf(p)).toBe('The token lacks a required claim');
  });

  it('rejects a missing custom required claim (jti) and one set to null', () => {
    const r = { requiredClaims: ['iss', 'sub', 'exp', 'iat', 'jti'] };
    expect(codeOf(payload(), r)).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(codeOf(payload({ jti: null }), r)).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(codeOf(payload({ jti: 'id-1' }), r)).toBe('accepted');
  });

  it('still requires exp when the custom list omits it', () => {
    const { exp: _exp, ...p } = payload();
    expect(codeOf(p, { requiredClaims: ['iss'] })).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(messageOf(p, { requiredClaims: ['iss'] })).toBe('The token has no expiry');
  });

  it('accepts a token without iat when neither the list nor an age limit needs it', () => {
    const { iat: _iat, ...p } = payload();
    expect(codeOf(p, { requiredClaims: ['iss'] })).toBe('accepted');
  });
});

describe('issuer', () => {
  it('rejects another issuer', () => {
    expect(codeOf(payload({ iss: `${ISS}/other` }))).toBe('ERR_AUTH_UNTRUSTED_ISSUER');
    expect(messageOf(payload({ iss: `${ISS}/other` }))).toBe('The token issuer is not trusted');
  });
});

describe('time claims', () => {
  it.each([
    ['a string', '1900000000'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['a negative number', -1],
    ['milliseconds (>= 1e11)', 1e11],
  ])('rejects exp given as %s', (_name, exp) => {
    expect(codeOf(payload({ exp }))).toBe('ERR_AUTH_INVALID_CLAIM');
    expect(messageOf(payload({ exp }))).toBe('The exp claim must be a NumericDate in seconds');
  });

  it('accepts the largest timestamp in seconds and zero', () => {
    expect(codeOf(payload({ exp: 1e11 - 1 }))).toBe('accepted');
    expect(codeOf(payload({ iat: 0 }))).toBe('accepted');
  });

  it.each(['nbf', 'iat'])('rejects a non-numeric %s', (name) => {
    expect(codeOf(payload({ [name]: 'soon' }))).toBe('ERR_AUTH_INVALID_CLAIM');
  });

  it('expires after exp plus the tolerance, not before', () => {
    const p = payload({ exp: NOW - 5 });
    expect(codeOf(p, { clockToleranceSeconds: 5 })).toBe('accepted');
    expect(codeOf(p, { clockToleranceSeconds: 4 })).toBe('ERR_AUTH_TOKEN_EXPIRED');
    expect(messageOf(p, { clockToleranceSeconds: 4 })).toBe('The token has expired');
    expect(codeOf(payload({ exp: NOW }))).toBe('accepted');
  });

  it('is not valid before nbf minus the tolerance', () => {
    const p = payload({ nbf: NOW + 5 });
    expect(codeOf(p, { clockToleranceSeconds: 5 })).toBe('accepted');
    expect(codeOf(p, { clockToleranceSeconds: 4 })).toBe('ERR_AUTH_TOKEN_NOT_YET_VALID');
    expect(messageOf(p, { clockToleranceSeconds: 4 })).toBe('The token is not yet valid');
    expect(codeOf(payload({ nbf: NOW }))).toBe('accepted');
  });

  it('rejects iat in the future beyond the tolerance', () => {
    const p = payload({ iat: NOW + 5 });
    expect(codeOf(p, { clockToleranceSeconds: 5 })).toBe('accepted');
    expect(codeOf(p, { clockToleranceSeconds: 4 })).toBe('ERR_AUTH_TOKEN_ISSUED_IN_FUTURE');
    expect(messageOf(p, { clockToleranceSeconds: 4 })).toBe('The token is issued in the future');
    expect(codeOf(payload({ iat: NOW }))).toBe('accepted');
  });

  it('reports the validity window with the tolerance', () => {
    const v = checkClaims(header(), payload({ nbf: NOW - 20 }), rules({ clockToleranceSeconds: 3 }), NOW);
    expect(v).toEqual({ kind: null, validFrom: NOW - 10 - 3, validUntil: NOW + 600 + 3 });
    const w = checkClaims(header(), payload({ nbf: NOW - 5 }), rules({ clockToleranceSeconds: 3 }), NOW);
    expect(w.validFrom).toBe(NOW - 5 - 3);
    const { iat: _iat, ...noIat } = payload();
    const x = checkClaims(header(), noIat, rules({ requiredClaims: [] }), NOW);
    expect(x.validFrom).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('maxTokenAgeSeconds and maxLifetimeSeconds', () => {
  it('accepts a token younger than maxTokenAgeSeconds and shortens the validity window to it', () => {
    const v = checkClaims(
      header(),
      payload(),
      rules({ maxTokenAgeSeconds: 60, clockToleranceSeconds: 2 }),
      NOW,
    );
    expect(v.validUntil).toBe(NOW - 10 + 60 + 2);
    const long = checkClaims(header(), payload({ exp: NOW + 5 }), rules({ maxTokenAgeSeconds: 600 }), NOW);
    expect(long.validUntil).toBe(NOW + 5);
  });

  it('rejects a token older than maxTokenAgeSeconds plus the tolerance', () => {
    expect(codeOf(payload(), { maxTokenAgeSeconds: 10 })).toBe('accepted');
    expect(codeOf(payload(), { maxTokenAgeSeconds: 9 })).toBe('ERR_AUTH_TOKEN_TOO_OLD');
    expect(messageOf(payload(), { maxTokenAgeSeconds: 9 })).toBe('The token is too old');
    expect(codeOf(payload(), { maxTokenAgeSeconds: 8, clockToleranceSeconds: 2 })).toBe('accepted');
  });

  it('needs iat for maxTokenAgeSeconds and for maxLifetimeSeconds, even when the list omits it', () => {
    const { iat: _iat, ...p } = payload();
    const r = { requiredClaims: ['iss'] };
    expect(codeOf(p, { ...r, maxTokenAgeSeconds: 600 })).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(messageOf(p, { ...r, maxTokenAgeSeconds: 600 })).toBe('The token has no issue time');
    expect(codeOf(p, { ...r, maxLifetimeSeconds: 6000 })).toBe('ERR_AUTH_MISSING_CLAIM');
    expect(messageOf(p, { ...r, maxLifetimeSeconds: 6000 })).toBe('The token has no issue time');
  });

  it('rejects a lifetime (exp - iat) above maxLifetimeSeconds', () => {
    expect(codeOf(payload(), { maxLifetimeSeconds: 610 })).toBe('accepted');
    expect(codeOf(payload(), { maxLifetimeSeconds: 609 })).toBe('ERR_AUTH_TOKEN_LIFETIME_TOO_LONG');
    expect(messageOf(payload(), { maxLifetimeSeconds: 609 })).toBe(
      'The token lifetime exceeds the allowed maximum',
    );
  });
});

describe('audience', () => {
  it.each([
    ['an empty array', []],
    ['a number', 5],
    ['an array with a number', ['api', 5]],
    ['null', null],
  ])('rejects aud as %s even with no audience configured', (_name, aud) => {
    expect(codeOf(payload({ aud }))).toBe('ERR_AUTH_INVALID_AUDIENCE');
    expect(messageOf(payload({ aud }))).toBe('The token audience is invalid');
  });

  it('accepts any well-formed aud when no audience is configured', () => {
    expect(codeOf(payload({ aud: 'x' }))).toBe('accepted');
    expect(codeOf(payload({ aud: ['x', 'y'] }))).toBe('accepted');
  });

  it('needs one configured audience in aud', () => {
    const r = { audience: new Set(['api', 'api2']) };
    expect(codeOf(payload({ aud: ['other', 'api2'] }), r)).toBe('accepted');
    expect(codeOf(payload({ aud: 'api' }), r)).toBe('accepted');
    expect(codeOf(payload({ aud: ['other'] }), r)).toBe('ERR_AUTH_INVALID_AUDIENCE');
    expect(messageOf(payload({ aud: ['other'] }), r)).toBe('The token audience is not accepted');
    expect(codeOf(payload(), r)).toBe('ERR_AUTH_INVALID_AUDIENCE');
  });
});

describe('token kind (typ and token_use)', () => {
  it.each(['id_token+jwt', 'application/id_token+jwt', 'ID+JWT'])(
    'an ID token marked only by typ %s does not pass as an access token',
    (typ) => {
      expect(codeOf(payload(), {}, header({ typ }))).toBe('ERR_AUTH_INVALID_TOKEN_USE');
      expect(messageOf(payload(), {}, header({ typ }))).toBe('The token is not of the accepted kind');
      expect(checkClaims(header({ typ }), payload(), rules({ tokenUse: 'id' }), NOW).kind).toBe('id');
    },
  );

  it.each(['at+jwt', 'application/at+jwt', 'AT+JWT'])('typ %s marks an access token', (typ) => {
    expect(checkClaims(header({ typ }), payload(), rules(), NOW).kind).toBe('access');
    expect(codeOf(payload(), { tokenUse: 'id' }, header({ typ }))).toBe('ERR_AUTH_INVALID_TOKEN_USE');
  });

  it('a typ of another kind (JWT) marks nothing', () => {
    expect(checkClaims(header({ typ: 'JWT' }), payload(), rules(), NOW).kind).toBeNull();
  });

  it('rejects typ and token_use that disagree', () => {
    const p = payload({ token_use: 'access' });
    const h = header({ typ: 'id_token+jwt' });
    expect(codeOf(p, { tokenUse: 'any' }, h)).toBe('ERR_AUTH_INVALID_TOKEN_USE');
    expect(messageOf(p, { tokenUse: 'any' }, h)).toBe('The token type and token_use disagree');
    expect(codeOf(payload({ token_use: 'id' }), { tokenUse: 'any' }, header({ typ: 'at+jwt' }))).toBe(
      'ERR_AUTH_INVALID_TOKEN_USE',
    );
    expect(checkClaims(header({ typ: 'at+jwt' }), p, rules(), NOW).kind).toBe('access');
  });

  it.each([['nonce'], ['at_hash'], ['c_hash']])('%s alone marks an ID token', (name) => {
    const p = payload({ [name]: 'x' });
    expect(codeOf(p)).toBe('ERR_AUTH_INVALID_TOKEN_USE');
    expect(checkClaims(header(), p, rules({ tokenUse: 'id' }), NOW).kind).toBe('id');
    // token_use says otherwise: the claim wins.
    expect(checkClaims(header(), payload({ [name]: 'x', token_use: 'access' }), rules(), NOW).kind).toBe(
      'access',
    );
  });

  it("rejects token_use: 'refresh' (or any unknown value) even with tokenUse: 'any'", () => {
    expect(codeOf(payload({ token_use: 'refresh' }), { tokenUse: 'any' })).toBe('ERR_AUTH_INVALID_TOKEN_USE');
    expect(messageOf(payload({ token_use: 'refresh' }), { tokenUse: 'any' })).toBe(
      'The token_use claim is invalid',
    );
    expect(codeOf(payload({ token_use: 7 }), { tokenUse: 'any' })).toBe('ERR_AUTH_INVALID_TOKEN_USE');
  });

  it("tokenUse: 'any' accepts both kinds", () => {
    expect(checkClaims(header(), payload({ token_use: 'id' }), rules({ tokenUse: 'any' }), NOW).kind).toBe(
      'id',
    );
    expect(
      checkClaims(header(), payload({ token_use: 'access' }), rules({ tokenUse: 'any' }), NOW).kind,
    ).toBe('access');
  });

  it('a required typ must be present and equal after normalisation', () => {
    const r = { typ: 'at+jwt' };
    expect(codeOf(payload(), r)).toBe('ERR_AUTH_INVALID_TYP');
    expect(messageOf(payload(), r)).toBe('The token type is not accepted');
    expect(codeOf(payload(), r, header({ typ: 'JWT' }))).toBe('ERR_AUTH_INVALID_TYP');
    expect(codeOf(payload(), r, header({ typ: 'application/AT+JWT' }))).toBe('accepted');
  });

  it('Cognito: token_use must be the configured one', () => {
    const r = { cognito: true };
    expect(codeOf(payload(), r)).toBe('ERR_AUTH_INVALID_TOKEN_USE');
    expect(messageOf(payload(), r)).toBe('The token_use claim is not the accepted one');
    expect(codeOf(payload({ token_use: 'access' }), r)).toBe('accepted');
  });
});

describe('client id', () => {
  const ids = { clientIds: new Set(['app-1']) };

  it('reads client_id, then azp', () => {
    expect(codeOf(payload({ client_id: 'app-1' }), ids)).toBe('accepted');
    expect(codeOf(payload({ azp: 'app-1' }), ids)).toBe('accepted');
    expect(codeOf(payload({ client_id: 'app-2', azp: 'app-1' }), ids)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    expect(messageOf(payload({ client_id: 'app-2' }), ids)).toBe('The token client is not accepted');
    expect(codeOf(payload(), ids)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
  });

  it('falls back to a single aud for ID tokens only', () => {
    const id = { ...ids, tokenUse: 'id' as const };
    expect(codeOf(payload({ aud: 'app-1' }), id)).toBe('accepted');
    expect(codeOf(payload({ aud: ['app-1'] }), id)).toBe('accepted');
    expect(codeOf(payload({ aud: ['app-1', 'app-2'] }), id)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    expect(codeOf(payload({ aud: 'app-1' }), ids)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    // With tokenUse 'any' only a token marked as an ID token may use the fallback.
    expect(codeOf(payload({ aud: 'app-1' }), { ...ids, tokenUse: 'any' })).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    expect(codeOf(payload({ aud: 'app-1', token_use: 'id' }), { ...ids, tokenUse: 'any' })).toBe('accepted');
  });

  it('Cognito ID tokens name the client in aud: another client is rejected', () => {
    const r = { ...ids, cognito: true, tokenUse: 'id' as const };
    expect(codeOf(payload({ token_use: 'id', aud: 'app-1' }), r)).toBe('accepted');
    expect(codeOf(payload({ token_use: 'id', aud: 'app-2' }), r)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    expect(codeOf(payload({ token_use: 'id', aud: 'app-2', client_id: 'app-1' }), r)).toBe(
      'ERR_AUTH_INVALID_CLIENT_ID',
    );
    expect(codeOf(payload({ token_use: 'id' }), r)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
    // Cognito access tokens carry client_id.
    const access = { ...ids, cognito: true };
    expect(codeOf(payload({ token_use: 'access', client_id: 'app-1' }), access)).toBe('accepted');
    expect(codeOf(payload({ token_use: 'access', aud: 'app-1' }), access)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
  });

  it('a non-string client_id never matches', () => {
    expect(codeOf(payload({ client_id: ['app-1'] }), ids)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
  });
});

describe('client id, edge cases', () => {
  const ids = { clientIds: new Set(['app-1']) };

  it('a Cognito ID token names the client among several audiences', () => {
    const r = { ...ids, cognito: true, tokenUse: 'id' as const };
    expect(codeOf(payload({ token_use: 'id', aud: ['other', 'app-1'] }), r)).toBe('accepted');
  });

  it('an ID token without aud or client_id is refused, not a crash', () => {
    const r = { ...ids, tokenUse: 'id' as const, requiredClaims: ['iss'] };
    expect(codeOf(payload(), r)).toBe('ERR_AUTH_INVALID_CLIENT_ID');
  });
});

describe('optional claims', () => {
  it('accepts a token without sub when the required list omits it', () => {
    const { sub: _sub, ...p } = payload();
    expect(codeOf(p, { requiredClaims: ['iss'] })).toBe('accepted');
  });
});

describe('claim types', () => {
  it.each([
    ['jti', 5],
    ['azp', ['a']],
    ['client_id', { id: 'a' }],
    ['scope', ['read']],
    ['scp', 5],
    ['scp', ['read', 5]],
    ['sub', ''],
    ['sub', 42],
  ])('rejects %s = %j', (name, value) => {
    expect(codeOf(payload({ [name]: value }))).toBe('ERR_AUTH_INVALID_CLAIM');
  });

  it('names the rule in the message', () => {
    expect(messageOf(payload({ jti: 5 }))).toBe('A registered claim has the wrong type');
    expect(messageOf(payload({ scope: 5 }))).toBe('The scope claim must be a string');
    expect(messageOf(payload({ scp: 5 }))).toBe('The scp claim must be a string or an array of strings');
    expect(messageOf(payload({ sub: '' }))).toBe('The sub claim must be a non-empty string');
  });

  it('accepts the string forms', () => {
    expect(
      codeOf(payload({ jti: 'j', azp: 'a', client_id: 'c', scope: 'read write', scp: ['read'], sub: 's' })),
    ).toBe('accepted');
    expect(codeOf(payload({ scp: 'read' }))).toBe('accepted');
  });
});

const claimsEs = await generateKeyPair('ES256', { kid: 'claims-es' });

describe('through the verifier', () => {
  const es = claimsEs;
  it('an ID token marked only by typ is refused by an access-token verifier', async () => {
    const clock = createClock(T0);
    const now = clock.seconds();
    const verifier = createVerifier({
      issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }],
      fetch: async () => Response.json({ keys: [es.publicJwk] }),
      clock,
    });
    const claims = { iss: ISS, sub: 'u', aud: 'api', iat: now, exp: now + 60 };
    await expect(verifier.verify(signToken(es, claims, { typ: 'at+jwt' }))).resolves.toMatchObject({
      subject: 'u',
    });
    await expect(verifier.verify(signToken(es, claims, { typ: 'id_token+jwt' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
      status: 401,
    });
    verifier.close();
  });
});
