/**
 * RFC 6750 §2.1: `"Bearer" 1*SP b64token`. The separator is spaces only: a tab anywhere in it, even
 * before a space, makes the header malformed (400), never a token.
 */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.ts';
import { parseBearer } from '../../src/extract/index.ts';

describe('the separator after Bearer is spaces only', () => {
  it.each([
    ['a tab then a space', 'Bearer\t abc'],
    ['a space, a tab, a space', 'Bearer \t abc'],
  ])('%s is malformed', (_name, value) => {
    expect(() => parseBearer(value)).toThrow(InvalidRequestError);
  });

  it('several spaces are a token', () => {
    expect(parseBearer('Bearer   abc')).toBe('abc');
  });
});
