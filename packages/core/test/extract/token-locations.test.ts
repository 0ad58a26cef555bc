/**
 * Where a bearer token may come from (extract/bearer.ts, extract/extract-token.ts), one rule per test:
 * the Bearer scheme letter by letter, the query string only after `?` and before `#`, form bodies
 * only on form requests other than GET/HEAD, and `hasToken` for each enabled location.
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { MESSAGES, parseBearer, startsWithBearer } from '../../src/extract/bearer.ts';
import { extractToken, hasToken, validateTokenLocations } from '../../src/extract/extract-token.ts';
import type { TokenLocations } from '../../src/extract/extract-token.ts';
import type { RequestLike } from '../../src/types.ts';

type Outcome = { token: string | undefined } | { error: unknown };
function outcome(fn: () => string | undefined): Outcome {
  try {
    return { token: fn() };
  } catch (error) {
    return { error };
  }
}
/** The message of the InvalidRequestError thrown by `fn`. */
function badRequest(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequestError);
    expect((e as InvalidRequestError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error('expected an InvalidRequestError');
}
const auth = (value: string): RequestLike => ({ headers: { authorization: value } });
const extract = (req: RequestLike, opts?: TokenLocations) => extractToken(req, opts);

describe('the Bearer scheme', () => {
  // Each of the six letters wrong in turn, and the separator: none of these is a Bearer token,
  // whether the request is then rejected (400) or treated as carrying no bearer credentials.
  it.each(['Xearer', 'Bxarer', 'Bexrer', 'Beaxer', 'Bearxr', 'Bearex', 'Digest', 'Basic', 'DPoP'])(
    '%s is not taken as Bearer',
    (scheme) => {
      const value = `${scheme} abc`;
      expect(startsWithBearer(value)).toBe(false);
      expect(outcome(() => extract(auth(value)))).not.toEqual({ token: 'abc' });
      expect(outcome(() => parseBearer(value))).not.toEqual({ token: 'abc' });
    },
  );

  it('a seventh character other than a space is not a separator', () => {
    for (const value of ['BearerXabc', 'Bearer\tabc', 'Bearer-abc']) {
      expect(startsWithBearer(value)).toBe(false);
      const result = outcome(() => extract(auth(value)));
      expect(result).not.toEqual({ token: 'abc' });
      expect(result).not.toEqual({ token: value.slice(7) });
    }
  });

  it('the scheme is case-insensitive, letter by letter', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR', 'BeArEr']) {
      expect(startsWithBearer(`${scheme} abc`)).toBe(true);
      expect(extract(auth(`${scheme} abc`))).toBe('abc');
    }
  });

  it('"Bearer " alone carries no token', () => {
    expect(startsWithBearer('Bearer ')).toBe(false);
    expect(startsWithBearer('Bearer a')).toBe(true);
    const result = outcome(() => extract(auth('Bearer ')));
    expect('token' in result && typeof result.token === 'string').toBe(false);
  });

  it('accepts padding only at the end of the token', () => {
    expect(extract(auth('Bearer abc=='))).toBe('abc==');
    expect(parseBearer('Bearer abc=')).toBe('abc=');
    expect(badRequest(() => parseBearer('Bearer a=b'))).toBe(MESSAGES.charset);
    expect(badRequest(() => parseBearer('Bearer =abc'))).toBe(MESSAGES.charset);
  });

  it('rejects characters outside token68 with a fixed description', () => {
    expect(badRequest(() => parseBearer('Bearer a*b'))).toBe(MESSAGES.charset);
    expect(badRequest(() => parseBearer('Bearer ab"'))).toBe(MESSAGES.charset);
    expect(badRequest(() => parseBearer('Bearer a,b'))).toBe(MESSAGES.repeated);
  });

  it('an empty or blank header is a malformed request', () => {
    expect(badRequest(() => parseBearer(''))).toBe(MESSAGES.empty);
    expect(badRequest(() => parseBearer('  '))).toBe(MESSAGES.empty);
  });

  it('whitespace inside the token is never part of a token', () => {
    for (const value of ['Bearer a b', 'Bearer a\tb', 'Bearer a\nb']) {
      const result = outcome(() => extract(auth(value)));
      expect('error' in result).toBe(true);
    }
  });
});

describe('query tokens', () => {
  const q = { query: true };
  const at = (url: string, opts: TokenLocations = q) => extract({ headers: {}, url }, opts);

  it('reads the parameter after "?" only', () => {
    expect(at('/items?access_token=abc')).toBe('abc');
    expect(at('/items?x=1&access_token=abc')).toBe('abc');
    // Without "?", a path that looks like a query string is not one.
    expect(at('/items&access_token=abc')).toBeUndefined();
    expect(at('access_token=abc')).toBeUndefined();
    expect(at('/items/access_token=abc&x=1')).toBeUndefined();
    expect(hasToken({ headers: {}, url: '/items&access_token=abc' }, q)).toBe(false);
  });

  it('stops at the fragment', () => {
    expect(at('/items?access_token=abc#frag')).toBe('abc');
    expect(at('/items?x=1#access_token=abc')).toBeUndefined();
  });

  it('reads a custom parameter name, and only it', () => {
    expect(at('/items?tok=abc', { query: 'tok' })).toBe('abc');
    expect(at('/items?access_token=abc', { query: 'tok' })).toBeUndefined();
    expect(at('/items?access_token=abc', { query: false })).toBeUndefined();
    expect(at('/items?access_token=abc', {})).toBeUndefined();
    expect(at('/items?=abc', { query: '' })).toBeUndefined();
  });

  it('reads no query parameter at all unless enabled', () => {
    expect(at('/items?undefined=abc', {})).toBeUndefined();
    expect(hasToken({ headers: {}, url: '/items?undefined=abc' }, {})).toBe(false);
  });

  it('ignores a missing or non-string url', () => {
    expect(extract({ headers: {} }, q)).toBeUndefined();
    expect(extract({ headers: {}, url: 5 as unknown as string }, q)).toBeUndefined();
  });

  it('rejects a repeated, empty or non-token68 parameter with its own description', () => {
    expect(badRequest(() => at('/?access_token=a&access_token=b'))).toBe(MESSAGES.queryRepeated);
    expect(badRequest(() => at('/?access_token='))).toBe(MESSAGES.queryEmpty);
    expect(badRequest(() => at('/?access_token=a%20b'))).toBe(MESSAGES.queryCharset);
  });

  it('rejects a token in the header and the query', () => {
    expect(
      badRequest(() => extract({ headers: { authorization: 'Bearer abc' }, url: '/?access_token=abc' }, q)),
    ).toBe(MESSAGES.locations);
  });
});

describe('form body tokens', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const b = { body: true };
  const post = (body: unknown, headers: Record<string, string> = FORM, method = 'POST'): RequestLike => ({
    headers,
    body,
    method,
  });

  it('reads object, string and URLSearchParams bodies', () => {
    expect(extract(post({ access_token: 'abc' }), b)).toBe('abc');
    expect(extract(post('x=1&access_token=abc'), b)).toBe('abc');
    expect(extract(post(new URLSearchParams({ access_token: 'abc' })), b)).toBe('abc');
  });

  it('only when enabled', () => {
    expect(extract(post({ access_token: 'abc' }))).toBeUndefined();
    expect(extract(post({ access_token: 'abc' }), { body: false })).toBeUndefined();
    expect(hasToken(post({ access_token: 'abc' }), { body: false })).toBe(false);
  });

  it.each(['GET', 'HEAD', 'head', 'get'])('never on %s', (method) => {
    expect(extract(post({ access_token: 'abc' }, FORM, method), b)).toBeUndefined();
    expect(hasToken(post({ access_token: 'abc' }, FORM, method), b)).toBe(false);
  });

  it('on other methods, and when the method is unknown', () => {
    expect(extract(post({ access_token: 'abc' }, FORM, 'put'), b)).toBe('abc');
    expect(extract({ headers: FORM, body: { access_token: 'abc' } }, b)).toBe('abc');
  });

  it('only for a form content type (parameters and case allowed)', () => {
    const type = (t: string) => ({ 'content-type': t });
    expect(
      extract(post({ access_token: 'abc' }, type('application/x-www-form-urlencoded; charset=utf-8')), b),
    ).toBe('abc');
    expect(extract(post({ access_token: 'abc' }, type('Application/X-WWW-Form-Urlencoded')), b)).toBe('abc');
    expect(extract(post({ access_token: 'abc' }, type(' application/x-www-form-urlencoded ;q=1')), b)).toBe(
      'abc',
    );
    expect(extract(post({ access_token: 'abc' }, type('application/json')), b)).toBeUndefined();
    expect(extract(post({ access_token: 'abc' }, type('multipart/form-data')), b)).toBeUndefined();
    expect(extract(post({ access_token: 'abc' }, {}), b)).toBeUndefined();
  });

  it('ignores bodies that are not forms, and inherited members', () => {
    expect(extract(post(null), b)).toBeUndefined();
    expect(extract(post(42), b)).toBeUndefined();
    expect(extract(post({ other: 'abc' }), b)).toBeUndefined();
    expect(extract(post(Object.create({ access_token: 'abc' })), b)).toBeUndefined();
  });

  it('rejects repeated, empty, non-string and non-token68 values as a malformed body', () => {
    expect(badRequest(() => extract(post({ access_token: ['a', 'b'] }), b))).toBe(MESSAGES.bodyInvalid);
    expect(badRequest(() => extract(post('access_token=a&access_token=b'), b))).toBe(MESSAGES.bodyInvalid);
    expect(badRequest(() => extract(post({ access_token: '' }), b))).toBe(MESSAGES.bodyInvalid);
    expect(badRequest(() => extract(post({ access_token: 5 }), b))).toBe(MESSAGES.bodyInvalid);
    expect(badRequest(() => extract(post({ access_token: 'a b' }), b))).toBe(MESSAGES.bodyInvalid);
    expect(extract(post({ access_token: ['abc'] }), b)).toBe('abc');
  });

  it('rejects a token in the body and another place', () => {
    const both = { ...post({ access_token: 'abc' }), headers: { ...FORM, authorization: 'Bearer abc' } };
    expect(badRequest(() => extract(both, b))).toBe(MESSAGES.locations);
    const queryAndBody = { ...post({ access_token: 'abc' }), url: '/?access_token=abc' };
    expect(badRequest(() => extract(queryAndBody, { query: true, body: true }))).toBe(MESSAGES.locations);
  });
});

describe('hasToken', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

  it('sees a body token when body tokens are on', () => {
    const req: RequestLike = { headers: FORM, method: 'POST', body: { access_token: 'abc' } };
    expect(hasToken(req, { body: true })).toBe(true);
    expect(hasToken(req)).toBe(false);
    expect(hasToken({ ...req, body: { access_token: '' } }, { body: true })).toBe(true);
    expect(hasToken({ ...req, body: {} }, { body: true })).toBe(false);
  });

  it('sees a query token only in an enabled parameter', () => {
    expect(hasToken({ headers: {}, url: '/?access_token=' }, { query: true })).toBe(true);
    expect(hasToken({ headers: {}, url: '/?access_token=abc' })).toBe(false);
    expect(hasToken({ headers: {}, url: '/?tok=abc' }, { query: 'tok' })).toBe(true);
    expect(hasToken({ headers: {}, url: '/?tok=abc' }, { query: true })).toBe(false);
  });

  it('sees a Bearer Authorization header, and no credentials in another scheme', () => {
    expect(hasToken(auth('Bearer abc'))).toBe(true);
    expect(hasToken(auth('bearer  abc'))).toBe(true);
    // Another scheme is no credentials (RFC 6750 §3.1): an optional route treats it as anonymous.
    expect(hasToken(auth('Basic abc'))).toBe(false);
    expect(hasToken({ headers: {} })).toBe(false);
  });

  it('reports credentials (never throws) when the body cannot be read', () => {
    const req = {
      headers: FORM,
      method: 'POST',
      get body(): unknown {
        throw new Error('stream already consumed');
      },
    };
    expect(hasToken(req, { body: true })).toBe(true);
  });
});

describe('validateTokenLocations', () => {
  it.each([
    [null, /tokenLocations must be an object/],
    [[], /tokenLocations must be an object/],
    ['query', /tokenLocations must be an object/],
    [{ query: 1 }, /tokenLocations\.query must be a boolean or a parameter name/],
    [{ query: '' }, /tokenLocations\.query/],
    [{ query: 'a b' }, /tokenLocations\.query/],
    [{ query: 'x'.repeat(65) }, /tokenLocations\.query/],
    [{ body: 'yes' }, /tokenLocations\.body must be a boolean/],
  ])('rejects %j with a TypeError naming the option', (options, message) => {
    expect(() => validateTokenLocations(options)).toThrow(TypeError);
    expect(() => validateTokenLocations(options)).toThrow(message);
  });

  it('names the option it was given', () => {
    expect(() => validateTokenLocations({ body: 1 }, 'auth.tokenLocations')).toThrow(
      /^auth\.tokenLocations\.body/,
    );
  });

  it('returns the valid options', () => {
    expect(validateTokenLocations(undefined)).toEqual({});
    expect(validateTokenLocations({ query: 'x'.repeat(64), body: true })).toEqual({
      query: 'x'.repeat(64),
      body: true,
    });
    expect(validateTokenLocations({ query: false })).toEqual({ query: false, body: undefined });
  });
});
