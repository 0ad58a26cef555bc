/**
 * Open redirects through the return-to value, the forms an earlier check missed: dot segments that
 * the URL parser collapses into a leading `//` (protocol-relative: another host), and values
 * encoded more times than the check decodes.
 */
import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/login/index.ts';

const origin = 'https://app.example';

describe('open redirect through returnTo', () => {
  it.each([
    '/.//evil.test',
    '/./\t/evil.test',
    '/a/..//evil.test',
    '/a/../..//evil.test',
    '/%2e//evil.test',
    '/%2E%2E//evil.test',
    '/x/%2e%2e//evil.test/path',
    '/.%2F/evil.test',
    '/%2e%2f%2fevil.test',
  ])('dot segments collapsing into a protocol-relative path are refused: %j', (value) => {
    const out = safeReturnTo(value, origin);
    expect(out.startsWith('//')).toBe(false);
    expect(new URL(out, origin).origin).toBe(origin);
    expect(out).toBe('/');
  });

  it('a value encoded more times than the check decodes is refused, not passed on', () => {
    let value = '//evil.test';
    for (let i = 0; i < 5; i++) value = encodeURIComponent(value);
    expect(safeReturnTo(`/${value}`, origin)).toBe('/');
  });

  it.each([
    '/\uFF0F\uFF0Fevil.test',
    '/%EF%BC%8F%EF%BC%8Fevil.test',
    '/\u2215\u2215evil.test',
    '/\u3002evil.test',
  ])('unicode look-alike slashes stay a same-origin path: %j', (value) => {
    const out = safeReturnTo(value, origin);
    expect(out.startsWith('//')).toBe(false);
    expect(new URL(out, origin).origin).toBe(origin);
  });

  it('a very long value falls back instead of being kept', () => {
    expect(safeReturnTo(`/${'a'.repeat(100_000)}`, origin)).toBe('/');
    expect(safeReturnTo(`/${'%2e%2e/'.repeat(10_000)}/evil.test`, origin)).toBe('/');
  });

  it('keeps same-origin paths that merely contain dots or encoded slashes further in', () => {
    expect(safeReturnTo('/a/./b/../c?x=%2F%2F#f', origin)).toBe('/a/c?x=%2F%2F#f');
    expect(safeReturnTo('/docs/a%2Fb', origin)).toBe('/docs/a%2Fb');
  });
});
