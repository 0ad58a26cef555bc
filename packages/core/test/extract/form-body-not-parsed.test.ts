/**
 * With body tokens enabled, a form request whose body no parser has read (`req.body` undefined, as in
 * Express without `express.urlencoded()`) or that is not a form object carries no body token: no
 * token and no crash, so the request is answered as one without credentials.
 */
import { describe, expect, it } from 'vitest';
import { extractToken, hasToken } from '../../src/extract/index.ts';
import type { RequestLike } from '../../src/types.ts';

const form = (body: unknown): RequestLike => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  method: 'POST',
  body,
});

describe('a form request without a parsed body has no body token', () => {
  it.each([
    ['undefined (no body parser)', undefined],
    ['null', null],
    ['a number', 5],
    ['a boolean', true],
  ])('body %s', (_name, body) => {
    expect(extractToken(form(body), { body: true })).toBeUndefined();
    expect(hasToken(form(body), { body: true })).toBe(false);
  });
});
