/**
 * The duplicate-member scan takes any text JSON.parse accepted, not only an object: a top-level string,
 * number or array has no member names, so it holds no duplicate (and never throws), on both scan paths
 * (escape-free, and with backslash escapes). Duplicates in an object inside an array are still found.
 */
import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys } from '../../src/verify/json-guard.ts';

describe('duplicate-member scan of JSON values other than an object', () => {
  it.each([
    ['a string', '"a"'],
    ['a number', '42'],
    ['an array of equal strings', '["a","a"]'],
    ['an array of equal strings, then an object', '["a","a",{"a":1}]'],
    ['an escaped string', '"a\\n"'],
    ['an array of equal escaped strings', '["a\\n","a\\n"]'],
    ['an array of equal escaped strings, then an object', '["a\\n","a\\n",{"a":1}]'],
  ])('%s holds no duplicate member', (_name, json) => {
    expect(() => JSON.parse(json)).not.toThrow();
    expect(hasDuplicateKeys(json)).toBe(false);
  });

  it.each([
    ['escape-free', '["a",{"a":1,"a":2}]'],
    ['with an escape', '["a\\n",{"a":1,"a":2}]'],
  ])('an object inside an array is still checked (%s)', (_name, json) => {
    expect(hasDuplicateKeys(json)).toBe(true);
  });
});
