import { describe, expect, it } from 'vitest';
import {
  apiKeyAuth,
  apiKeyHeaderAuth,
  cognito,
  createAuthenticator,
  createVerifier,
  envSecretStore,
  fileSecretStore,
  memorySecretStore,
  policy,
  verifierOptionsFromEnv,
} from '../../src/index.ts';
import type { AuthenticatorOptions, IssuerConfig, VerifierOptions } from '../../src/index.ts';
import { assertKnownKeys } from '../../src/internal.ts';

const issuer = {
  issuer: 'https://issuer.test',
  audience: 'api',
  secret: 'x'.repeat(32),
  algorithms: ['HS256'],
};
const base: VerifierOptions = { issuers: [issuer as IssuerConfig] };
const store = memorySecretStore({});
// Built at run time so the compiler does not see the typo (the type tests below check that it would).
const typo = <T extends object>(options: T, key: string): T => ({ ...options, [key]: ['read:items'] });

describe('assertKnownKeys', () => {
  it('names the unknown key and suggests a near one', () => {
    expect(() => assertKnownKeys({ scope: [] }, ['scopes', 'groups'], 'config.auth')).toThrow(
      new TypeError('config.auth: unknown option "scope" (did you mean "scopes"?)'),
    );
    expect(() => assertKnownKeys({ zzz: 1 }, ['scopes'], 'where')).toThrow(
      new TypeError('where: unknown option "zzz"'),
    );
    // A key present with an undefined value is still a typo; symbols and non-objects are not options.
    expect(() => assertKnownKeys({ scope: undefined }, ['scopes'], 'w')).toThrow(/"scope"/);
    expect(() => assertKnownKeys({ [Symbol('x')]: 1, scopes: [] }, ['scopes'], 'w')).not.toThrow();
    expect(() => assertKnownKeys(undefined, ['scopes'], 'w')).not.toThrow();
  });
});

// A typo in any option that guards requests must not be ignored: it would silently drop a check.
describe('every factory rejects unknown option names with a TypeError naming the key', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'createVerifier',
      () => createVerifier(typo(base, 'maxTokenByte')),
      /createVerifier\(\): unknown option "maxTokenByte"/,
    ],
    [
      'createVerifier jwks',
      () => createVerifier({ ...base, jwks: typo({}, 'tll') }),
      /jwks: unknown option "tll"/,
    ],
    [
      'issuer entry',
      () => createVerifier({ issuers: [typo(issuer, 'audiance') as IssuerConfig] }),
      /issuers\[0\]: unknown option "audiance"/,
    ],
    [
      'issuer jwks',
      () => createVerifier({ issuers: [{ ...issuer, jwks: typo({}, 'cooldwn') } as IssuerConfig] }),
      /issuers\[0\]\.jwks: unknown option "cooldwn"/,
    ],
    [
      'createAuthenticator',
      () => createAuthenticator(typo(base as AuthenticatorOptions, 'relm')),
      /createAuthenticator\(\): unknown option "relm"/,
    ],
    [
      'createAuthenticator settings',
      () => createAuthenticator(createVerifier(base), typo({}, 'tokenLocation')),
      /settings: unknown option "tokenLocation"/,
    ],
    [
      'tokenLocations',
      () => createAuthenticator({ ...base, tokenLocations: typo({}, 'querry') }),
      /tokenLocations: unknown option "querry"/,
    ],
    [
      'apiKeyAuth',
      () => apiKeyAuth(typo({ store }, 'idheader')),
      /apiKeyAuth\(\): unknown option "idheader"/,
    ],
    [
      'apiKeyHeaderAuth',
      () => apiKeyHeaderAuth(typo({ store }, 'headers')),
      /apiKeyHeaderAuth\(\): unknown option "headers"/,
    ],
    [
      'cognito',
      () => cognito(typo({ region: 'eu-west-1', userPoolId: 'eu-west-1_abc', clientId: 'c' }, 'tokenuse')),
      /cognito\(\): unknown option "tokenuse"/,
    ],
    [
      'verifierOptionsFromEnv',
      () => verifierOptionsFromEnv({ AUTH_ISSUER: 'https://i.test', AUTH_AUDIENCE: 'a' }, typo({}, 'prefx')),
      /unknown option "prefx"/,
    ],
    ['policy', () => policy(() => true, typo({}, 'timeout')), /policy: unknown option "timeout"/],
    [
      'fileSecretStore',
      () => fileSecretStore('/nonexistent', typo({}, 'interval')),
      /fileSecretStore\(\): unknown option "interval"/,
    ],
    [
      'envSecretStore',
      () => envSecretStore({}, typo({}, 'normalise')),
      /envSecretStore\(\): unknown option "normalise"/,
    ],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
  });

  it('still accepts every documented option name', () => {
    const v = createVerifier({ ...base, maxTokenBytes: 4096, cacheSize: 10, jwks: { ttl: 60_000 } });
    v.close();
    createAuthenticator(base, { realm: 'r', tokenLocations: { query: 'token', body: false } }).close();
    apiKeyHeaderAuth({ store, header: 'x-key', realm: 'r', cacheTtlMs: 0 }).close();
  });
});

// Checked by `tsc -p packages/core` (typecheck): the same typos do not compile.
describe('option types are exact', () => {
  it('rejects misspelt keys at compile time', () => {
    const _typeOnly = () => {
      // @ts-expect-error: `relm` is not an option
      createAuthenticator({ ...base, relm: 'x' });
      // @ts-expect-error: `querry` is not a token location
      createAuthenticator({ ...base, tokenLocations: { querry: true } });
      // @ts-expect-error: `idheader` is not an apiKeyAuth option
      apiKeyAuth({ store, idheader: 'x-id' });
      // @ts-expect-error: `audiance` is not an issuer option
      createVerifier({ issuers: [{ issuer: 'https://i', audience: 'a', audiance: 'b' }] });
    };
    expect(_typeOnly).toBeTypeOf('function');
  });
});
