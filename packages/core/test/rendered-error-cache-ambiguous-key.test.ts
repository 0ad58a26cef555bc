/**
 * The pre-rendered response cache must key on every field that shapes the response, unambiguously:
 * two errors that differ only in where a newline falls between their scopes and their message must
 * never be served each other's response.
 */
import { describe, expect, it } from 'vitest';
import { InsufficientScopeError } from '../src/errors.ts';
import { renderAuthError } from '../src/rendered-error.ts';

describe('renderAuthError cache key', () => {
  it('does not confuse errors whose fields only differ in where a separator falls', () => {
    const first = renderAuthError(new InsufficientScopeError(['a\nMore'], 'Denied'), 'api');
    const second = renderAuthError(new InsufficientScopeError(['a'], 'More\nDenied'), 'api');
    expect(JSON.parse(first.body)).toMatchObject({ scope: 'a\nMore', message: 'Denied' });
    expect(JSON.parse(second.body)).toMatchObject({ scope: 'a', message: 'More\nDenied' });
  });
});

describe('renderAuthError cache key: scope lists', () => {
  it('an empty scope name is not the same as no scopes', () => {
    const none = renderAuthError(new InsufficientScopeError([], 'Scope list'), 'api');
    const empty = renderAuthError(new InsufficientScopeError([''], 'Scope list'), 'api');
    expect(JSON.parse(none.body)).not.toHaveProperty('scope');
    expect(JSON.parse(empty.body)).toHaveProperty('scope', '');
  });
});
