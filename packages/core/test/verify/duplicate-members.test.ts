/**
 * Duplicate JSON member names (verify/json-guard.ts) in both scanners: escape-free JSON and JSON with a
 * backslash anywhere, where names are compared decoded. The first member of an object is as much a
 * duplicate candidate as any other.
 */
import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys } from '../../src/verify/json-guard.ts';

describe.each([
  ['escape-free JSON', ''],
  ['JSON with a backslash', ',"note":"a\\"b"'],
])('%s', (_name, extra) => {
  const json = (body: string) => `{${body}${extra}}`;

  it('rejects a duplicate of the first member', () => {
    expect(hasDuplicateKeys(json('"sub":"a","iss":"x","sub":"b"'))).toBe(true);
    expect(hasDuplicateKeys(json('"sub":"a","sub":"b"'))).toBe(true);
  });

  it('rejects a duplicate of a later member', () => {
    expect(hasDuplicateKeys(json('"iss":"x","sub":"a","exp":1,"sub":"b"'))).toBe(true);
  });

  it('rejects a duplicate of the first member of a nested object', () => {
    expect(hasDuplicateKeys(json('"cnf":{"jkt":"a","x":1,"jkt":"b"}'))).toBe(true);
    expect(hasDuplicateKeys(json('"arr":[{"a":1,"a":2}]'))).toBe(true);
  });

  it('accepts equal names in different objects and names equal to values', () => {
    expect(hasDuplicateKeys(json('"a":{"a":1},"b":{"a":2},"c":"a","d":["a","a"]'))).toBe(false);
    expect(hasDuplicateKeys(json('"ab":1,"a":2,"b":"ab"'))).toBe(false);
  });
});

describe('escaped names', () => {
  it('compares names decoded', () => {
    expect(hasDuplicateKeys('{"sub":"a","s\\u0075b":"b"}')).toBe(true);
    expect(hasDuplicateKeys('{"s\\u0075b":"a","sub":"b"}')).toBe(true);
    expect(hasDuplicateKeys('{"a\\"b":1,"a\\"b":2}')).toBe(true);
    expect(hasDuplicateKeys('{"a\\"b":1,"a\\\\b":2}')).toBe(false);
  });
});
