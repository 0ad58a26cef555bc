import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, isAuthError } from '../../src/errors.ts';
import { extractToken, hasToken, readHeader, validateTokenLocations } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';

const node = (headers: Record<string, string | string[] | undefined>, extra: Partial<RequestLike> = {}) => {
  const rawHeaders: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) rawHeaders.push(k, one);
  }
  const lower: Record<string, string | string[] | undefined> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { headers: lower, rawHeaders, ...extra } satisfies RequestLike;
};

function rejects(req: RequestLike, options?: Parameters<typeof extractToken>[1]): InvalidRequestError {
  try {
    extractToken(req, options);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRequestError);
    const err = e as InvalidRequestError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('ERR_AUTH_INVALID_REQUEST');
    expect(err.error).toBe('invalid_request');
    return err;
  }
  throw new Error('expected extractToken to throw');
}

describe('extractToken: Authorization header', () => {
  it('returns undefined without any credentials', () => {
    expect(extractToken({ headers: {} })).toBeUndefined();
    expect(extractToken(node({ accept: 'text/html' }))).toBeUndefined();
    expect(extractToken({ headers: new Headers() })).toBeUndefined();
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])('accepts the %s scheme case-insensitively', (scheme) => {
    expect(extractToken(node({ authorization: `${scheme} ${JWT}` }))).toBe(JWT);
  });

  it('accepts the whole token68 alphabet including trailing padding', () => {
    const token = 'AZaz09-._~+/abc==';
    expect(extractToken(node({ authorization: `Bearer ${token}` }))).toBe(token);
  });

  it('reads a Fetch Headers object', () => {
    expect(extractToken({ headers: new Headers({ Authorization: `Bearer ${JWT}` }) })).toBe(JWT);
  });

  it('reads a hand-built record with a capitalised key', () => {
    expect(extractToken({ headers: { Authorization: `Bearer ${JWT}` } })).toBe(JWT);
  });

  it.each([1, 2, 5])('accepts %i spaces after the scheme (1*SP)', (spaces) => {
    expect(extractToken(node({ authorization: `Bearer${' '.repeat(spaces)}${JWT}` }))).toBe(JWT);
  });

  // Another scheme is not bearer credentials: no token, so the request has no credentials (401, no error).
  it.each([
    ['Basic', `Basic ${JWT}`],
    ['Digest', 'Digest username="a", realm="b"'],
    ['DPoP', `DPoP ${JWT}`],
    ['Token', `Token ${JWT}`],
    ['scheme glued to token', `Bearer${JWT}`],
  ])('treats an unsupported scheme (%s) as no credentials', (_name, value) => {
    expect(extractToken(node({ authorization: value }))).toBeUndefined();
    expect(extractToken({ headers: new Headers({ authorization: value }) })).toBeUndefined();
    expect(hasToken(node({ authorization: value }))).toBe(false);
  });

  it('still rejects another scheme joined with a Bearer value (Fetch joins repeated headers)', () => {
    rejects({ headers: new Headers([['authorization', `Basic abc, Bearer ${JWT}`]]) });
  });

  const malformed: [string, string][] = [
    ['scheme only', 'Bearer'],
    ['scheme and space only', 'Bearer '],
    ['scheme and spaces only', 'Bearer    '],
    ['empty header', ''],
    ['whitespace header', '   '],
    ['tab separator', `Bearer\t${JWT}`],
    ['space and tab', `Bearer \t${JWT}`],
    ['leading space', ` Bearer ${JWT}`],
    ['trailing space', `Bearer ${JWT} `],
    ['extra parts', `Bearer ${JWT} extra`],
    ['two tokens', `Bearer ${JWT} ${JWT}`],
    ['comma-joined duplicates', `Bearer ${JWT}, Bearer ${JWT}`],
    ['comma in token', 'Bearer abc,def'],
    ['quote', 'Bearer "abc"'],
    ['padding in the middle', 'Bearer ab=c'],
    ['only padding', 'Bearer ==='],
    ['non-ascii', 'Bearer abcé'],
    ['angle brackets', 'Bearer <script>'],
    ['colon', 'Bearer a:b'],
    ['newline', 'Bearer a\nb'],
    ['NUL', 'Bearer a\u0000b'],
    ['semicolon', 'Bearer a;b'],
    ['percent', 'Bearer a%20b'],
  ];

  it.each(malformed)('rejects %s with 400 invalid_request', (_name, value) => {
    const err = rejects({ headers: { authorization: value } });
    // the description never repeats what the client sent
    expect(err.message).not.toContain(JWT);
    expect(err.wwwAuthenticate()).toMatch(
      /^Bearer realm="api", error="invalid_request", error_description="/,
    );
  });

  it('gives precise, fixed descriptions', () => {
    expect(rejects(node({ authorization: 'Bearer' })).message).toBe('The Bearer token is missing');
    expect(rejects(node({ authorization: `Bearer\t${JWT}` })).message).toMatch(/followed by spaces/);
    expect(rejects(node({ authorization: 'Bearer a*b' })).message).toMatch(/not allowed/);
    expect(rejects(node({ authorization: 'Bearer a, Bearer b' })).message).toBe(
      'More than one Authorization header',
    );
  });

  it('rejects a repeated Authorization header seen only in rawHeaders', () => {
    // Node keeps the first Authorization value in `headers` and drops the rest: rawHeaders shows both.
    const req = {
      headers: { authorization: `Bearer ${JWT}` },
      rawHeaders: ['Authorization', `Bearer ${JWT}`, 'authorization', 'Bearer other'],
    };
    expect(rejects(req).message).toBe('More than one Authorization header');
  });

  it('counts rawHeaders case-insensitively, even with a different scheme', () => {
    const req = {
      headers: { authorization: `Bearer ${JWT}` },
      rawHeaders: ['Host', 'x', 'AUTHORIZATION', `Bearer ${JWT}`, 'Authorization', 'Basic abc'],
    };
    rejects(req);
  });

  it('rejects an array value and two spellings in a record', () => {
    rejects({ headers: { authorization: [`Bearer ${JWT}`, `Bearer ${JWT}`] } });
    rejects({ headers: { authorization: `Bearer ${JWT}`, Authorization: `Bearer ${JWT}` } });
  });

  it('rejects a comma-joined value from Fetch Headers (repeated header)', () => {
    const headers = new Headers();
    headers.append('authorization', `Bearer ${JWT}`);
    headers.append('authorization', `Bearer ${JWT}`);
    expect(rejects({ headers }).message).toBe('More than one Authorization header');
  });

  it('treats a non-string header value as malformed', () => {
    rejects({ headers: { authorization: 42 as unknown as string } });
  });

  it('ignores an empty array value and undefined', () => {
    expect(extractToken({ headers: { authorization: [] } })).toBeUndefined();
    expect(extractToken({ headers: { authorization: undefined } })).toBeUndefined();
  });
});

describe('extractToken: query and body', () => {
  it('ignores the query string unless enabled', () => {
    expect(extractToken({ headers: {}, url: `/items?access_token=${JWT}` })).toBeUndefined();
    expect(extractToken({ headers: {}, url: `/items?access_token=bad token` })).toBeUndefined();
  });

  it('reads access_token or a custom parameter from the query when enabled', () => {
    expect(extractToken({ headers: {}, url: `/items?a=1&access_token=${JWT}` }, { query: true })).toBe(JWT);
    expect(extractToken({ headers: {}, url: `/items?token=${JWT}#frag` }, { query: 'token' })).toBe(JWT);
    expect(
      extractToken({ headers: {}, url: `/items?access_token=${JWT}` }, { query: 'token' }),
    ).toBeUndefined();
    expect(extractToken({ headers: {}, url: '/items' }, { query: true })).toBeUndefined();
    expect(extractToken({ headers: {} }, { query: true })).toBeUndefined();
  });

  it('rejects repeated, empty or malformed query tokens', () => {
    rejects({ headers: {}, url: `/x?access_token=${JWT}&access_token=${JWT}` }, { query: true });
    rejects({ headers: {}, url: '/x?access_token=' }, { query: true });
    rejects({ headers: {}, url: '/x?access_token=a%20b' }, { query: true });
  });

  it('rejects a token in the header and the query at once', () => {
    const err = rejects(node({ authorization: `Bearer ${JWT}` }, { url: `/x?access_token=${JWT}` }), {
      query: true,
    });
    expect(err.message).toBe('The access token was sent in more than one place');
  });

  const form = (body: unknown, method = 'POST', type = 'application/x-www-form-urlencoded; charset=utf-8') =>
    ({ headers: { 'content-type': type }, method, body }) satisfies RequestLike;

  // RFC 6750 §2: one method per request, whether or not the second location is enabled.
  it('rejects a header token beside an access_token in a location that is not enabled', () => {
    const header = { authorization: `Bearer ${JWT}` };
    for (const url of [`/x?access_token=${JWT}`, '/x?a=1&access_token=', `/x?access_token=${JWT}#f`]) {
      expect(rejects(node(header, { url })).message).toBe('The access token was sent in more than one place');
    }
    // A custom query name is checked too, and access_token still is.
    rejects(node(header, { url: `/x?token=${JWT}` }), { query: 'token' });
    rejects(node(header, { url: `/x?access_token=${JWT}` }), { query: 'token' });
    const withBody = {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...header },
      method: 'POST',
      body: { access_token: JWT },
    };
    expect(rejects(withBody).message).toBe('The access token was sent in more than one place');
    rejects({ ...withBody, body: `a=1&access_token=${JWT}` });
    // Other parameters, a JSON body and an access_token named differently are fine.
    expect(extractToken(node(header, { url: '/x?page=2&token=1' }))).toBe(JWT);
    expect(extractToken({ ...withBody, headers: { ...header, 'content-type': 'application/json' } })).toBe(
      JWT,
    );
  });

  it('ignores the body unless enabled', () => {
    expect(extractToken(form({ access_token: JWT }))).toBeUndefined();
  });

  it('reads a form body token when enabled (object, string and URLSearchParams bodies)', () => {
    expect(extractToken(form({ access_token: JWT }), { body: true })).toBe(JWT);
    expect(extractToken(form(`a=1&access_token=${JWT}`), { body: true })).toBe(JWT);
    expect(extractToken(form(new URLSearchParams({ access_token: JWT })), { body: true })).toBe(JWT);
  });

  it('ignores body tokens on GET, on non-form bodies and from the prototype', () => {
    expect(extractToken(form({ access_token: JWT }, 'GET'), { body: true })).toBeUndefined();
    expect(
      extractToken(form({ access_token: JWT }, 'POST', 'application/json'), { body: true }),
    ).toBeUndefined();
    expect(
      extractToken({ headers: {}, method: 'POST', body: { access_token: JWT } }, { body: true }),
    ).toBeUndefined();
    const inherited = Object.create({ access_token: JWT });
    expect(extractToken(form(inherited), { body: true })).toBeUndefined();
  });

  it('rejects malformed body tokens', () => {
    rejects(form({ access_token: [JWT, JWT] }), { body: true });
    rejects(form({ access_token: 5 }), { body: true });
    rejects(form({ access_token: '' }), { body: true });
    rejects(form({ access_token: 'a b' }), { body: true });
  });

  it('rejects a token in two places (header + body, query + body)', () => {
    const req = {
      ...form({ access_token: JWT }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${JWT}` },
    };
    rejects(req, { body: true });
    rejects({ ...form({ access_token: JWT }), url: `/x?access_token=${JWT}` }, { query: true, body: true });
  });
});

describe('hasToken', () => {
  it('is true for a Bearer Authorization header, malformed or not, and for enabled locations', () => {
    expect(hasToken({ headers: {} })).toBe(false);
    expect(hasToken({ headers: { authorization: 'Basic x' } })).toBe(false);
    expect(hasToken({ headers: { authorization: 'Bearer' } })).toBe(true);
    expect(hasToken({ headers: { authorization: '' } })).toBe(true);
    expect(hasToken({ headers: {}, url: '/?access_token=x' })).toBe(false);
    expect(hasToken({ headers: {}, url: '/?access_token=x' }, { query: true })).toBe(true);
  });

  it('never throws, even for a hostile headers object', () => {
    const headers = {
      get() {
        throw new Error('boom');
      },
    };
    expect(hasToken({ headers })).toBe(true);
    expect(() => extractToken({ headers })).toThrow(InvalidRequestError);
  });
});

describe('readHeader', () => {
  it('reports presence and repetition', () => {
    expect(readHeader({ headers: {} }, 'x-a')).toEqual({ value: undefined, present: false, repeated: false });
    expect(readHeader({ headers: { 'x-a': '1' } }, 'x-a')).toEqual({
      value: '1',
      present: true,
      repeated: false,
    });
    expect(
      readHeader({ headers: { 'x-a': '1' }, rawHeaders: ['X-A', '1', 'x-a', '2'] }, 'x-a').repeated,
    ).toBe(true);
  });
});

describe('validateTokenLocations', () => {
  it('accepts valid options and rejects misuse with a TypeError naming the option', () => {
    expect(validateTokenLocations(undefined)).toEqual({});
    expect(validateTokenLocations({ query: 'token', body: true })).toEqual({ query: 'token', body: true });
    expect(() => validateTokenLocations({ query: 'a b' })).toThrow(/tokenLocations\.query/);
    expect(() => validateTokenLocations({ body: 'yes' })).toThrow(/tokenLocations\.body/);
    expect(() => validateTokenLocations('query')).toThrow(TypeError);
  });
});

describe('extractToken properties', () => {
  it('never throws anything but an InvalidRequestError and returns only token68 strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), fc.string({ maxLength: 40 }), (value, query) => {
        try {
          const t = extractToken({ headers: { authorization: value }, url: `/?${query}` }, { query: true });
          expect(t === undefined || /^[A-Za-z0-9\-._~+/]+=*$/.test(t)).toBe(true);
        } catch (e) {
          expect(isAuthError(e) && e.status === 400).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips every token68 string', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,40}={0,2}$/), (token) => {
        expect(extractToken({ headers: { authorization: `Bearer ${token}` } })).toBe(token);
      }),
    );
  });
});

describe('runtime neutrality', () => {
  it('extract, authenticate, config and apikey modules have no static node: imports', () => {
    const src = join(__dirname, '../../src');
    const files = ['authenticate.ts', 'authenticator.ts'];
    for (const dir of ['extract', 'config', 'apikey']) {
      for (const f of readdirSync(join(src, dir))) files.push(join(dir, f));
    }
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      expect(text, file).not.toMatch(/(from|import)\s*\(?\s*['"]node:/);
      expect(text, file).not.toMatch(/require\(\s*['"]node:/);
    }
  });
});
