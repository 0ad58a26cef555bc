/**
 * `tokenLocations` decides where a token is accepted: a misspelt key (`querry`, `form`) must fail at
 * setup with a TypeError naming it, not silently leave that location off.
 */
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { validateTokenLocations } from '../../src/extract/extract-token.ts';

describe('tokenLocations rejects unknown keys at setup', () => {
  it.each([[{ querry: true }], [{ query: true, form: true }], [{ bodyy: true }]])('%j', (locations) => {
    expect(() => validateTokenLocations(locations)).toThrow(TypeError);
    expect(() => validateTokenLocations(locations)).toThrow(/unknown option/);
  });

  it('createAuthenticator names the misspelt key', () => {
    expect(() =>
      createAuthenticator({
        issuers: [{ issuer: 'https://issuer.locations.test', audience: 'api' }],
        tokenLocations: { querry: 'token' } as never,
      }),
    ).toThrow(/"querry".*did you mean "query"/);
  });

  it('known keys still pass', () => {
    expect(validateTokenLocations({ query: 'token', body: true })).toEqual({ query: 'token', body: true });
  });
});
