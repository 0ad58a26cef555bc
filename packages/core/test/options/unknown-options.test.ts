import { describe, expect, it } from 'vitest';
import {
  apiKeyPairAuth,
  apiKeyHeaderAuth,
  cognito,
  createAuthenticator,
  createVerifier,
  envSecretStore,
  fileSecretStore,
  memorySecretStore,
  remotePolicy,
  verifierOptionsFromEnv,
} from '../../src/index.ts';
import * as core from '../../src/index.ts';
import { DiscoveryCache, clientCredentials } from '../../src/client/index.ts';
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
      'apiKeyPairAuth',
      () => apiKeyPairAuth(typo({ store }, 'idheader')),
      /apiKeyPairAuth\(\): unknown option "idheader"/,
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
    [
      'remotePolicy',
      () => remotePolicy(() => true, typo({}, 'timeout')),
      /remotePolicy: unknown option "timeout"/,
    ],
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
    const v = createVerifier({ ...base, maxTokenBytes: 4096, cacheSize: 10, jwks: { ttlMs: 60_000 } });
    v.close();
    createAuthenticator(base, { realm: 'r', tokenLocations: { query: 'token', body: false } }).close();
    apiKeyHeaderAuth({ store, header: 'x-key', realm: 'r', cacheTtlMs: 0 }).close();
  });
});

// Renamed before 1.0 so that names say what they do and durations say their unit. An old name must
// fail loudly at setup: silently ignored, it would put a default in place of the user's setting.
describe('renamed options are refused with a TypeError naming the new name', () => {
  const jwks: [string, string][] = [
    ['ttl', 'ttlMs'],
    ['minTtl', 'minTtlMs'],
    ['maxTtl', 'maxTtlMs'],
    ['staleIfError', 'staleIfErrorMs'],
    ['timeout', 'timeoutMs'],
    ['cooldown', 'unknownKidRefetchIntervalMs'],
  ];
  it.each(jwks)('jwks.%s → %s (verifier-wide and per issuer)', (old, name) => {
    const hint = `unknown option "${old}" (did you mean "${name}"?)`;
    expect(() => createVerifier({ ...base, jwks: { [old]: 1000 } })).toThrow(
      new TypeError(`createVerifier(): jwks: ${hint}`),
    );
    expect(() => createVerifier({ issuers: [{ ...issuer, jwks: { [old]: 1000 } } as IssuerConfig] })).toThrow(
      new TypeError(`issuers[0].jwks: ${hint}`),
    );
  });

  const issuerOptions: [string, string][] = [
    ['clockTolerance', 'clockToleranceSeconds'],
    ['maxTokenAge', 'maxTokenAgeSeconds'],
    ['maxLifetime', 'maxLifetimeSeconds'],
  ];
  it.each(issuerOptions)('issuers[].%s → %s', (old, name) => {
    expect(() => createVerifier({ issuers: [{ ...issuer, [old]: 60 } as IssuerConfig] })).toThrow(
      new TypeError(`issuers[0]: unknown option "${old}" (did you mean "${name}"?)`),
    );
  });

  it('verify(token, { maxTokenAge }) → maxTokenAgeSeconds', async () => {
    const verifier = createVerifier(base);
    const overrides = { maxTokenAge: 60 } as never;
    await expect(verifier.verify('a.b.c', overrides)).rejects.toThrow(
      /unknown option "maxTokenAge" \(did you mean "maxTokenAgeSeconds"\?\)/,
    );
    verifier.close();
  });

  it('remotePolicy({ timeout }) → timeoutMs', () => {
    expect(() => remotePolicy(() => true, { timeout: 100 } as never)).toThrow(
      new TypeError('remotePolicy: unknown option "timeout" (did you mean "timeoutMs"?)'),
    );
  });

  const tokenSource: [string, string][] = [
    ['refreshBuffer', 'refreshBufferSeconds'],
    ['refreshJitter', 'refreshJitterSeconds'],
    ['defaultLifetime', 'defaultLifetimeSeconds'],
  ];
  it.each(tokenSource)('clientCredentials({ %s }) → %s', (old, name) => {
    const options = { tokenEndpoint: 'https://idp.test/token', clientId: 'c', clientSecret: 's', [old]: 10 };
    expect(() => clientCredentials(options as never)).toThrow(
      new TypeError(`token source: unknown option "${old}" (did you mean "${name}"?)`),
    );
  });

  it('new DiscoveryCache({ ttl }) → ttlSeconds', () => {
    expect(() => new DiscoveryCache({ ttl: 60 } as never)).toThrow(
      new TypeError('new DiscoveryCache(): unknown option "ttl" (did you mean "ttlSeconds"?)'),
    );
  });

  it('the renamed functions are gone from the barrel, not kept as aliases', () => {
    for (const old of ['apiKeyAuth', 'anyAuthenticator', 'policy']) expect(core).not.toHaveProperty(old);
    expect(core).toHaveProperty('apiKeyPairAuth');
    expect(core).toHaveProperty('oneOfAuthenticators');
    expect(core).toHaveProperty('remotePolicy');
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
      // @ts-expect-error: `idheader` is not an apiKeyPairAuth option
      apiKeyPairAuth({ store, idheader: 'x-id' });
      // @ts-expect-error: `audiance` is not an issuer option
      createVerifier({ issuers: [{ issuer: 'https://i', audience: 'a', audiance: 'b' }] });
    };
    expect(_typeOnly).toBeTypeOf('function');
  });
});
