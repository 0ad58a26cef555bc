/**
 * A header token is refused beside a token parameter (`access_token`, or the configured query name), but
 * other query parameters are not tokens: the header token is returned. Covers the configured name being
 * checked only when it is set and differs from `access_token`.
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { MESSAGES } from '../../src/extract/bearer.ts';
import { extractToken } from '../../src/extract/index.ts';
import type { TokenLocations } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';

const withHeader = (url: string): RequestLike => ({ headers: { authorization: 'Bearer abc' }, url });

describe('a header token beside query parameters that are not tokens', () => {
  it.each<[string, string, TokenLocations | undefined]>([
    ['no options', '/r?page=2', undefined],
    ['no options, a parameter named undefined', '/r?undefined=xyz', undefined],
    ['query: true', '/r?page=2&undefined=xyz', { query: true }],
    ['query: "tok"', '/r?page=2&undefined=xyz', { query: 'tok' }],
    ['query: "tok", access_token in the path only', '/access_token/r?page=2', { query: 'tok' }],
  ])('%s: the header token is returned', (_name, url, options) => {
    expect(extractToken(withHeader(url), options)).toBe('abc');
  });

  it('the configured query name beside a header token is a 400', () => {
    const err = (() => {
      try {
        extractToken(withHeader('/r?tok=xyz'), { query: 'tok' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).code).toBe('ERR_AUTH_INVALID_REQUEST');
    expect((err as InvalidRequestError).status).toBe(400);
    expect((err as InvalidRequestError).message).toBe(MESSAGES.locations);
  });
});
