/**
 * `mayCarryOtherToken` decides whether the token-cache fast path must leave a request to `extractToken`:
 * true when the query string (after `?`) names `access_token` or the configured query parameter, or the
 * request is a form request with a parsed body. A path segment that looks like a parameter name is not a
 * query, and a form content type without a body carries no body token. A false positive only costs the
 * slow path; a false negative would let a second token beside a cached header token go unseen.
 */
import { describe, expect, it } from 'vitest';
import { mayCarryOtherToken } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';

const get = (url: string): RequestLike => ({ headers: {}, method: 'GET', url });
const form = (body: unknown, method = 'POST'): RequestLike => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  method,
  body,
});

describe('mayCarryOtherToken: the query string', () => {
  it('true when the query names access_token', () => {
    expect(mayCarryOtherToken(get('/r?access_token=abc'))).toBe(true);
  });

  it('true when the query names the configured parameter', () => {
    expect(mayCarryOtherToken(get('/r?tok=abc'), { query: 'tok' })).toBe(true);
    expect(mayCarryOtherToken(get('/r?a=1&tok=abc'), { query: 'tok' })).toBe(true);
  });

  it.each([
    ['no query string, name in the path', '/access_token/r'],
    ['name in the path before the query', '/access_token?page=2'],
    ['other parameters only', '/r?page=2'],
    ['a parameter literally named undefined', '/r?undefined=1'],
    ['no url query at all', '/r'],
  ])('false: %s', (_name, url) => {
    expect(mayCarryOtherToken(get(url))).toBe(false);
  });

  it.each([
    ['the configured name in the path only', '/tok/r'],
    ['the configured name in the path before the query', '/tok?page=2'],
    ['other parameters only', '/r?page=2'],
  ])('false with query: "tok": %s', (_name, url) => {
    expect(mayCarryOtherToken(get(url), { query: 'tok' })).toBe(false);
  });

  it('a url that is not a string is no query', () => {
    expect(mayCarryOtherToken({ headers: {}, url: 5 as unknown as string })).toBe(false);
  });
});

describe('mayCarryOtherToken: the form body', () => {
  it('true for a form request with a parsed body', () => {
    expect(mayCarryOtherToken(form({ a: '1' }))).toBe(true);
    expect(mayCarryOtherToken(form('a=1'))).toBe(true);
  });

  it.each([
    ['undefined (no body parser)', undefined],
    ['null', null],
  ])('false for a form request whose body is %s', (_name, body) => {
    expect(mayCarryOtherToken(form(body))).toBe(false);
  });

  it('false for a body on GET or on a request that is not a form', () => {
    expect(mayCarryOtherToken(form({ access_token: 'abc' }, 'GET'))).toBe(false);
    expect(
      mayCarryOtherToken({ headers: { 'content-type': 'application/json' }, method: 'POST', body: {} }),
    ).toBe(false);
  });
});
