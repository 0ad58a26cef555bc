import { describe, expect, it } from 'vitest';
import { assertKnownKeys } from '../../src/internal.ts';

describe('assertKnownKeys', () => {
  it('accepts known keys (all, some or none)', () => {
    expect(() =>
      assertKnownKeys({ scopes: ['a'], optional: true }, ['scopes', 'optional'], 'f'),
    ).not.toThrow();
    expect(() => assertKnownKeys({}, ['scopes'], 'f')).not.toThrow();
    expect(() => assertKnownKeys({ a: 1 }, new Set(['a', 'b']), 'f')).not.toThrow();
  });

  it('throws a TypeError naming the unknown key, where it was given, and the closest known key', () => {
    expect(() => assertKnownKeys({ scope: ['read'] }, ['scopes', 'optional'], 'route config.auth')).toThrow(
      new TypeError('route config.auth: unknown option "scope" (did you mean "scopes"?)'),
    );
    expect(() => assertKnownKeys({ zzz: 1 }, ['scopes'], 'f')).toThrow(
      new TypeError('f: unknown option "zzz"'),
    );
  });

  it('quotes hostile key names and ignores symbol keys', () => {
    expect(() => assertKnownKeys({ 'a"\n': 1 }, ['b'], 'f')).toThrow('unknown option "a\\"\\n"');
    expect(() => assertKnownKeys({ [Symbol('internal')]: 1 }, ['b'], 'f')).not.toThrow();
  });

  it('leaves a non-object to the caller, which validates its own shape', () => {
    expect(() => assertKnownKeys(null, ['a'], 'f')).not.toThrow();
    expect(() => assertKnownKeys('x', ['a'], 'f')).not.toThrow();
  });
});
