/**
 * An Authorization header that is present once but has no string value (a hand-built record holding
 * `[5]`, or `rawHeaders` naming it while the record lacks it) is a malformed Bearer header: 400 with
 * the "empty" message from `extractToken`, and `hasToken` true, never "no credentials".
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { MESSAGES } from '../../src/extract/bearer.ts';
import { extractToken, hasToken } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';

describe('an Authorization header present without a string value', () => {
  it.each<[string, RequestLike]>([
    ['an array holding a number', { headers: { authorization: [5] as unknown as string } }],
    ['named in rawHeaders only', { headers: {}, rawHeaders: ['Authorization', 'Bearer abc'] }],
  ])('%s: 400 empty, and hasToken is true', (_name, req) => {
    let err: unknown;
    try {
      extractToken(req);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).code).toBe('ERR_AUTH_INVALID_REQUEST');
    expect((err as InvalidRequestError).status).toBe(400);
    expect((err as InvalidRequestError).message).toBe(MESSAGES.empty);
    expect(hasToken(req)).toBe(true);
  });
});
