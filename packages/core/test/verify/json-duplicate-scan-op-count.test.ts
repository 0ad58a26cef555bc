/**
 * The cost model of the duplicate-member scan, counted exactly on small inputs (`scanOps`, the
 * deterministic count the complexity test relies on): an escape-free object compares each of its first
 * 8 names with every earlier one in place, then moves the 9 names it has seen to a Set (9 operations)
 * and costs one Set operation per later name; JSON with a backslash costs one Set operation per name.
 * The name that triggers the move to a Set is itself in the Set: a later copy of it is a duplicate.
 */
import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys, scanOps } from '../../src/verify/json-guard.ts';

/** `{"m0":0,"m1":0,…}` with `n` members, plus `extra` raw member text appended. */
function wideObject(n: number, extra = ''): string {
  const members = Array.from({ length: n }, (_, i) => `"m${i}":0`);
  return `{${members.join(',')}${extra}}`;
}

function scan(json: string): { duplicate: boolean; ops: number } {
  expect(JSON.parse(json)).toBeTypeOf('object');
  const before = scanOps.count;
  const duplicate = hasDuplicateKeys(json);
  return { duplicate, ops: scanOps.count - before };
}

describe('duplicate-member scan: operations counted', () => {
  it.each([
    [1, 0],
    [2, 1],
    [4, 6],
    [8, 28],
  ])('%i names compared in place: %i comparisons (each with every earlier one)', (n, ops) => {
    expect(scan(wideObject(n))).toEqual({ duplicate: false, ops });
  });

  it.each([
    // 28 in place, then the 9th: 8 comparisons, and 9 names moved to a Set (8 + 1).
    [9, 45],
    [10, 46],
    [20, 56],
  ])('%i names: past 8 one Set operation per name (%i in all)', (n, ops) => {
    expect(scan(wideObject(n))).toEqual({ duplicate: false, ops });
  });

  it('JSON with a backslash: one Set operation per name', () => {
    expect(scan('{"a":"x\\ny","b":1,"c":{"d":2}}')).toEqual({ duplicate: false, ops: 4 });
  });

  it('the operations are added to the running count', () => {
    const before = scanOps.count;
    hasDuplicateKeys('{"a":1,"b":2}');
    hasDuplicateKeys('{"a":1,"b":2}');
    expect(scanOps.count).toBe(before + 2);
  });
});

describe('the name that moves an object to a Set is kept in it', () => {
  it('a copy of the 9th name after it is a duplicate', () => {
    expect(scan(wideObject(9, ',"m8":1')).duplicate).toBe(true);
  });

  it('copies of earlier names after the move are duplicates too', () => {
    expect(scan(wideObject(9, ',"m0":1')).duplicate).toBe(true);
    expect(scan(wideObject(12, ',"m9":1')).duplicate).toBe(true);
  });
});
