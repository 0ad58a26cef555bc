/**
 * `isBearerCredentials` (used by the Express and Hono bindings to decide whether a request is ours) takes a
 * blank value or one with leading whitespace as a malformed Bearer header: it answers true, so the
 * request is rejected as malformed (400) instead of passing as one without credentials. It never throws.
 */
import { describe, expect, it } from 'vitest';
import { isBearerCredentials } from '../../src/extract/index.ts';

describe('a blank Authorization value counts as (malformed) bearer credentials', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['a tab', '\t'],
    ['leading space before Bearer', ' Bearer abc'],
    ['leading space before Basic', ' Basic dXNlcjpwdw=='],
  ])('%s', (_name, value) => {
    expect(isBearerCredentials(value)).toBe(true);
  });

  it('another scheme alone is still not ours', () => {
    expect(isBearerCredentials('Basic dXNlcjpwdw==')).toBe(false);
  });
});
