/**
 * `tokenHeader` / `tokenPrefix`: a configurable bearer header keeps the RFC 6750 rules that still
 * apply (one header, one token68 token, prefix case-insensitive, one place only), and the default
 * Authorization + Bearer path is untouched.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { verifierOptionsFromEnv } from '../../src/config/index.ts';
import { InvalidRequestError } from '../../src/errors.ts';
import { extractToken, hasToken, validateTokenLocations } from '../../src/extract/index.ts';
import type { TokenLocations } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { generateKeyPair } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

const X = { tokenHeader: 'X-Auth-Token', tokenPrefix: '' } satisfies TokenLocations;
const JWT = { tokenPrefix: 'JWT' } satisfies TokenLocations;

function bad(req: RequestLike, options: TokenLocations): string {
  try {
    extractToken(req, options);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as InvalidRequestError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error('expected a 400');
}

describe('custom bearer header: extraction', () => {
  it('reads a bare token from a dedicated header, and ignores the Authorization header then', () => {
    expect(extractToken({ headers: { 'x-auth-token': 'abc.def-_~+/==' } }, X)).toBe('abc.def-_~+/==');
    expect(extractToken({ headers: { authorization: 'Bearer abc' } }, X)).toBeUndefined();
    expect(hasToken({ headers: { authorization: 'Bearer abc' } }, X)).toBe(false);
    expect(extractToken({ headers: new Headers({ 'X-Auth-Token': 'abc' }) }, X)).toBe('abc');
  });

  it('matches the prefix case-insensitively, followed by one or more spaces', () => {
    const opts = { tokenHeader: 'X-Token', tokenPrefix: 'Token' };
    expect(extractToken({ headers: { 'x-token': 'Token abc' } }, opts)).toBe('abc');
    expect(extractToken({ headers: { 'x-token': 'tOKEN   abc' } }, opts)).toBe('abc');
    expect(extractToken({ headers: { authorization: 'jwt abc' } }, JWT)).toBe('abc');
  });

  it.each([
    [
      'repeated in rawHeaders',
      { headers: { 'x-auth-token': 'a' }, rawHeaders: ['X-Auth-Token', 'a', 'x-auth-token', 'b'] },
      /^More than one X-Auth-Token header$/,
    ],
    ['an array value', { headers: { 'x-auth-token': ['a', 'b'] } }, /^More than one X-Auth-Token header$/],
    [
      'comma-joined (Fetch Headers)',
      {
        headers: new Headers([
          ['x-auth-token', 'a'],
          ['x-auth-token', 'b'],
        ]),
      },
      /^More than one X-Auth-Token header$/,
    ],
    ['empty', { headers: { 'x-auth-token': '' } }, /^The X-Auth-Token header is empty$/],
    ['two tokens', { headers: { 'x-auth-token': 'a b' } }, /one token without whitespace/],
    ['outside token68', { headers: { 'x-auth-token': 'a%b' } }, /characters that are not allowed$/],
    ['a tab', { headers: { 'x-auth-token': 'a\tb' } }, /one token without whitespace/],
  ] as [string, RequestLike, RegExp][])('dedicated header %s → 400', (_name, req, expected) => {
    expect(bad(req, X)).toMatch(expected);
    expect(hasToken(req, X)).toBe(true);
  });

  it('a dedicated header with a prefix refuses a value without it (400), a missing token too', () => {
    const opts = { tokenHeader: 'X-Token', tokenPrefix: 'Token' };
    expect(bad({ headers: { 'x-token': 'abc' } }, opts)).toMatch(/must be the configured scheme/);
    expect(bad({ headers: { 'x-token': 'Bearer abc' } }, opts)).toMatch(/must be the configured scheme/);
    expect(bad({ headers: { 'x-token': 'Token' } }, opts)).toMatch(/must be the configured scheme/);
    expect(bad({ headers: { 'x-token': 'Token\tabc' } }, opts)).toMatch(/must be the configured scheme/);
  });

  it('on the shared Authorization header another scheme is no credentials, a malformed one of ours is a 400', () => {
    expect(extractToken({ headers: { authorization: 'Basic dXNlcjpwdw==' } }, JWT)).toBeUndefined();
    expect(extractToken({ headers: { authorization: 'Bearer abc' } }, JWT)).toBeUndefined();
    expect(hasToken({ headers: { authorization: 'Basic dXNlcjpwdw==' } }, JWT)).toBe(false);
    expect(bad({ headers: { authorization: 'JWT' } }, JWT)).toMatch(/configured scheme/);
    expect(bad({ headers: { authorization: 'JWT a b' } }, JWT)).toMatch(/one token without whitespace/);
    expect(bad({ headers: { authorization: 'Basic x, JWT abc' } }, JWT)).toMatch(
      /^More than one Authorization header$/,
    );
  });

  it('a token in the header and in an enabled query or body is a 400; either one alone is accepted', () => {
    const opts = { ...X, query: true, body: true } satisfies TokenLocations;
    const both: RequestLike = { headers: { 'x-auth-token': 'abc' }, url: '/r?access_token=def' };
    expect(bad(both, opts)).toBe('The access token was sent in more than one place');
    expect(extractToken({ headers: {}, url: '/r?access_token=def' }, opts)).toBe('def');
    const form: RequestLike = {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-auth-token': 'abc' },
      method: 'POST',
      body: { access_token: 'def' },
    };
    expect(bad(form, opts)).toBe('The access token was sent in more than one place');
    expect(
      extractToken({ ...form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, opts),
    ).toBe('def');
    expect(hasToken({ headers: {}, url: '/r?access_token=def' }, opts)).toBe(true);
  });

  it('a header token beside an access_token parameter is a 400 even with query and body off (as with Authorization)', () => {
    for (const opts of [X, JWT]) {
      const header = opts === X ? { 'x-auth-token': 'abc' } : { authorization: 'JWT abc' };
      expect(bad({ headers: header, url: '/r?access_token=def' }, opts)).toBe(
        'The access token was sent in more than one place',
      );
      expect(bad({ headers: header, url: '/r?access_token=' }, opts)).toBe(
        'The access token was sent in more than one place',
      );
      const form: RequestLike = {
        headers: { ...header, 'content-type': 'application/x-www-form-urlencoded' },
        method: 'POST',
        body: { access_token: 'def' },
      };
      expect(bad(form, opts)).toBe('The access token was sent in more than one place');
      // Other parameters are fine, and so is the parameter without a header token (it is not read).
      expect(extractToken({ headers: header, url: '/r?page=2&token_hint=x' }, opts)).toBe('abc');
      expect(extractToken({ headers: {}, url: '/r?access_token=def' }, opts)).toBeUndefined();
    }
  });

  it('never puts the token in an error message', () => {
    const secret = 'sEcReT.tOkEn';
    expect(bad({ headers: { 'x-auth-token': `${secret} ${secret}` } }, X)).not.toContain(secret);
    expect(bad({ headers: { 'x-auth-token': `${secret}%` } }, X)).not.toContain(secret);
  });

  it('the defaults spelled out keep the Authorization + Bearer path (same results, same messages)', () => {
    const spelled = { tokenHeader: 'authorization', tokenPrefix: 'BEARER' };
    for (const value of ['Bearer abc', 'bearer abc']) {
      expect(extractToken({ headers: { authorization: value } }, spelled)).toBe(
        extractToken({ headers: { authorization: value } }),
      );
    }
    const req = { headers: { authorization: 'Bearer a b' } };
    expect(bad(req, spelled)).toBe(bad(req, {}));
  });
});

describe('custom bearer header: setup', () => {
  it.each([
    [{ tokenHeader: 'x auth' }, /^tokenLocations\.tokenHeader must be a header name/],
    [{ tokenHeader: '' }, /^tokenLocations\.tokenHeader must be a header name/],
    [{ tokenHeader: 42 }, /^tokenLocations\.tokenHeader must be a header name/],
    [{ tokenPrefix: 'Be arer' }, /^tokenLocations\.tokenPrefix must be a scheme name/],
    [{ tokenPrefix: null }, /^tokenLocations\.tokenPrefix must be a scheme name/],
  ])('%o is a TypeError naming the option', (options, expected) => {
    expect(() => validateTokenLocations(options)).toThrow(TypeError);
    expect(() => validateTokenLocations(options)).toThrow(expected);
  });

  it('keeps the header settings in the validated locations', () => {
    expect(validateTokenLocations({ tokenHeader: 'X-Auth-Token', tokenPrefix: '' })).toMatchObject({
      tokenHeader: 'X-Auth-Token',
      tokenPrefix: '',
    });
  });
});

describe('custom bearer header: environment variables', () => {
  const base = { AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: 'api://demo' };

  it('AUTH_TOKEN_HEADER / AUTH_TOKEN_PREFIX set tokenLocations (none = no prefix)', () => {
    expect(
      verifierOptionsFromEnv({ ...base, AUTH_TOKEN_HEADER: 'X-Auth-Token', AUTH_TOKEN_PREFIX: 'none' })
        .tokenLocations,
    ).toEqual({ tokenHeader: 'X-Auth-Token', tokenPrefix: '' });
    expect(verifierOptionsFromEnv({ ...base, AUTH_TOKEN_PREFIX: 'JWT' }).tokenLocations).toEqual({
      tokenPrefix: 'JWT',
    });
  });

  it('unset, the defaults Authorization / Bearer apply (no tokenLocations at all)', () => {
    expect(verifierOptionsFromEnv(base).tokenLocations).toBeUndefined();
  });

  it.each([
    ['AUTH_TOKEN_HEADER', 'X Auth', /^AUTH_TOKEN_HEADER must be a header name/],
    ['AUTH_TOKEN_HEADER', 'x-token:', /^AUTH_TOKEN_HEADER must be a header name/],
    ['AUTH_TOKEN_PREFIX', 'a"b', /^AUTH_TOKEN_PREFIX must be a scheme name/],
  ])('%s=%s is a TypeError naming the variable', (name, value, expected) => {
    expect(() => verifierOptionsFromEnv({ ...base, [name]: value })).toThrow(TypeError);
    expect(() => verifierOptionsFromEnv({ ...base, [name]: value })).toThrow(expected);
  });
});

const headerSuiteKey = await generateKeyPair('RS256', { kid: 'k1' });

describe('custom bearer header: authenticator', () => {
  const ISS = 'https://issuer.header.test';
  const key = headerSuiteKey;
  const now = Math.floor(Date.now() / 1000);
  const token = signToken(key, { iss: ISS, sub: 'svc', aud: 'api', iat: now, exp: now + 600 });
  const verifierOptions = {
    issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }],
    fetch: vi.fn(async () => Response.json({ keys: [key.publicJwk] })),
  };

  it('authenticates from the configured header, also once the token is cached, never from Authorization', async () => {
    const auth = createAuthenticator({ ...verifierOptions, tokenLocations: X });
    const req = { headers: { 'x-auth-token': token } };
    await expect(auth.authenticate(req)).resolves.toMatchObject({ subject: 'svc' });
    await expect(auth.authenticate(req)).resolves.toMatchObject({ subject: 'svc' });
    // The cached token sent the default way is not this authenticator's credential.
    await expect(auth.authenticate({ headers: { authorization: `Bearer ${token}` } })).rejects.toMatchObject({
      status: 401,
      code: 'ERR_AUTH_MISSING_TOKEN',
    });
    await expect(
      auth.authenticate({
        headers: { 'x-auth-token': token },
        rawHeaders: ['X-Auth-Token', token, 'X-Auth-Token', token],
      }),
    ).rejects.toMatchObject({ status: 400 });
    auth.close();
  });

  it('works on a verifier that is passed in, with settings', async () => {
    const verifier = createVerifier(verifierOptions);
    const auth = createAuthenticator(verifier, {
      tokenLocations: { tokenHeader: 'X-Jwt', tokenPrefix: 'JWT' },
    });
    await expect(auth.authenticate({ headers: { 'x-jwt': `jwt ${token}` } })).resolves.toMatchObject({
      subject: 'svc',
    });
    expect(auth.hasCredentials({ headers: { 'x-jwt': 'JWT' } })).toBe(true);
    expect(auth.hasCredentials({ headers: {} })).toBe(false);
    verifier.close();
  });
});
