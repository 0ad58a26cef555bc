import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifierOptionsFromEnv } from '../../src/config/index.ts';

const base = { AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: 'api://demo' };

function message(
  env: Record<string, string | undefined>,
  options?: Parameters<typeof verifierOptionsFromEnv>[1],
) {
  try {
    verifierOptionsFromEnv(env, options);
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as TypeError).message;
  }
  throw new Error('expected a TypeError');
}

describe('verifierOptionsFromEnv: one issuer', () => {
  it('reads the minimal configuration', () => {
    expect(verifierOptionsFromEnv(base)).toEqual({
      issuers: [{ issuer: 'https://idp.test', audience: ['api://demo'] }],
    });
  });

  it('reads every issuer setting', () => {
    const options = verifierOptionsFromEnv({
      ...base,
      AUTH_AUDIENCE: 'api://a, api://b',
      AUTH_JWKS_URI: 'https://idp.test/jwks',
      AUTH_ALGORITHMS: 'rs256,ES256, EdDSA',
      AUTH_CLOCK_TOLERANCE: '10',
      AUTH_USER_ID_CLAIM: 'email',
      AUTH_TOKEN_USE: 'any',
      AUTH_CLIENT_ID: 'c1,c2',
      AUTH_TYP: 'at+jwt',
      AUTH_MAX_TOKEN_AGE: '3600',
      AUTH_MAX_LIFETIME: '86400',
      AUTH_REQUIRED_CLAIMS: 'iss,sub,exp,iat,jti',
      AUTH_GROUPS_CLAIMS: 'groups,realm_access.roles',
      AUTH_ORGANIZATIONS_CLAIM: 'orgs',
    });
    expect(options.issuers).toEqual([
      {
        issuer: 'https://idp.test',
        audience: ['api://a', 'api://b'],
        jwksUri: 'https://idp.test/jwks',
        algorithms: ['RS256', 'ES256', 'EdDSA'],
        clockToleranceSeconds: 10,
        userIdClaim: 'email',
        tokenUse: 'any',
        clientId: ['c1', 'c2'],
        typ: 'at+jwt',
        maxTokenAgeSeconds: 3600,
        maxLifetimeSeconds: 86400,
        requiredClaims: ['iss', 'sub', 'exp', 'iat', 'jti'],
        groupsClaims: ['groups', 'realm_access.roles'],
        organizationsClaim: 'orgs',
      },
    ]);
  });

  it('reads the verifier and authenticator settings', () => {
    const options = verifierOptionsFromEnv({
      ...base,
      AUTH_REALM: 'my api',
      AUTH_TOKEN_CACHE_SIZE: '0',
      AUTH_MAX_TOKEN_BYTES: '4096',
      AUTH_SIGNATURE_VERIFICATION: 'sync',
      AUTH_TOKEN_QUERY: 'token',
      AUTH_TOKEN_BODY: 'true',
      AUTH_JWKS_TTL: '600',
      AUTH_JWKS_COOLDOWN: '30',
      AUTH_JWKS_TIMEOUT: '2.5',
      AUTH_JWKS_STALE_IF_ERROR: '3600',
    });
    expect(options).toMatchObject({
      realm: 'my api',
      cacheSize: 0,
      maxTokenBytes: 4096,
      signatureVerification: 'sync',
      tokenLocations: { query: 'token', body: true },
      jwks: {
        ttlMs: 600_000,
        unknownKidRefetchIntervalMs: 30_000,
        timeoutMs: 2500,
        staleIfErrorMs: 3_600_000,
      },
    });
    expect(verifierOptionsFromEnv({ ...base, AUTH_TOKEN_QUERY: 'yes' }).tokenLocations).toEqual({
      query: true,
    });
  });

  it('opts out of audience checks only with the explicit "none"', () => {
    expect(verifierOptionsFromEnv({ ...base, AUTH_AUDIENCE: 'none' }).issuers).toEqual([
      { issuer: 'https://idp.test', audience: null },
    ]);
    expect(message({ AUTH_ISSUER: 'https://idp.test' })).toMatch(/^AUTH_AUDIENCE is required .*"none"/);
  });

  it('treats empty values as unset and applies defaults', () => {
    expect(message({ AUTH_ISSUER: '', AUTH_AUDIENCE: 'a' })).toMatch(/^AUTH_ISSUER is required/);
    const options = verifierOptionsFromEnv(
      { AUTH_ISSUER: '  ', AUTH_JWKS_URI: '' },
      { defaults: { AUTH_ISSUER: 'http://127.0.0.1:4000', AUTH_AUDIENCE: 'api://demo' } },
    );
    expect(options.issuers).toEqual([{ issuer: 'http://127.0.0.1:4000', audience: ['api://demo'] }]);
  });

  it('honours a custom prefix', () => {
    const options = verifierOptionsFromEnv(
      { MYAPP_ISSUER: 'https://x', MYAPP_AUDIENCE: 'a' },
      { prefix: 'MYAPP' },
    );
    expect(options.issuers).toEqual([{ issuer: 'https://x', audience: ['a'] }]);
    expect(() => verifierOptionsFromEnv(base, { prefix: 'bad prefix' })).toThrow(/prefix/);
  });

  it('defaults to process.env', () => {
    const saved = { ...process.env };
    try {
      process.env.AUTH_ISSUER = 'https://from-process';
      process.env.AUTH_AUDIENCE = 'aud';
      expect(verifierOptionsFromEnv().issuers).toEqual([
        { issuer: 'https://from-process', audience: ['aud'] },
      ]);
    } finally {
      for (const k of ['AUTH_ISSUER', 'AUTH_AUDIENCE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });
});

describe('verifierOptionsFromEnv: validation messages', () => {
  const secret = 'super-secret-value-that-must-not-leak!!';
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no issuer', {}, /^AUTH_ISSUER is required/],
    ['bad JWKS URL', { ...base, AUTH_JWKS_URI: 'not a url' }, /^AUTH_JWKS_URI must be an absolute URL$/],
    [
      'non-http JWKS URL',
      { ...base, AUTH_JWKS_URI: 'file:///etc/passwd' },
      /^AUTH_JWKS_URI must be an http\(s\) URL$/,
    ],
    [
      'alg none',
      { ...base, AUTH_ALGORITHMS: 'RS256,NONE' },
      /^AUTH_ALGORITHMS item 2: the "none" algorithm is never allowed$/,
    ],
    [
      'unknown alg',
      { ...base, AUTH_ALGORITHMS: 'RS256,XX1' },
      /^AUTH_ALGORITHMS item 2 is not a supported algorithm/,
    ],
    [
      'empty list item',
      { ...base, AUTH_ALGORITHMS: 'RS256,,ES256' },
      /^AUTH_ALGORITHMS has an empty item at position 2/,
    ],
    [
      'HS without secret',
      { ...base, AUTH_ALGORITHMS: 'HS256' },
      /^AUTH_ALGORITHMS lists an HS\* algorithm but AUTH_HMAC_SECRET is not set$/,
    ],
    [
      'short secret',
      { ...base, AUTH_ALGORITHMS: 'HS256', AUTH_HMAC_SECRET: 'short' },
      /^AUTH_HMAC_SECRET must be at least 32 characters$/,
    ],
    [
      'bad tolerance',
      { ...base, AUTH_CLOCK_TOLERANCE: '-5' },
      /^AUTH_CLOCK_TOLERANCE must be a number of seconds/,
    ],
    [
      'zero max age',
      { ...base, AUTH_MAX_TOKEN_AGE: '0' },
      /^AUTH_MAX_TOKEN_AGE must be a positive number of seconds$/,
    ],
    [
      'bad token use',
      { ...base, AUTH_TOKEN_USE: 'refresh' },
      /^AUTH_TOKEN_USE must be one of: access, id, any$/,
    ],
    [
      'bad cache size',
      { ...base, AUTH_TOKEN_CACHE_SIZE: '1e3' },
      /^AUTH_TOKEN_CACHE_SIZE must be a whole number$/,
    ],
    [
      'bad signature verification mode',
      { ...base, AUTH_SIGNATURE_VERIFICATION: 'async' },
      /^AUTH_SIGNATURE_VERIFICATION must be one of: threadpool, sync$/,
    ],
    [
      'zero max bytes',
      { ...base, AUTH_MAX_TOKEN_BYTES: '0' },
      /^AUTH_MAX_TOKEN_BYTES must be a whole number of at least 1$/,
    ],
    ['bad bool', { ...base, AUTH_TOKEN_BODY: 'maybe' }, /^AUTH_TOKEN_BODY must be true or false$/],
    [
      'bad query name',
      { ...base, AUTH_TOKEN_QUERY: 'a b' },
      /^AUTH_TOKEN_QUERY must be true, false or a query parameter name$/,
    ],
    [
      'realm control chars',
      { ...base, AUTH_REALM: 'a\u0007b' },
      /^AUTH_REALM must not contain control characters$/,
    ],
    ['typ with space', { ...base, AUTH_TYP: 'at jwt' }, /^AUTH_TYP must not contain whitespace/],
    [
      'issuer with space',
      { ...base, AUTH_ISSUER: 'https://a b' },
      /^AUTH_ISSUER must not contain whitespace/,
    ],
    ['bad jwks ttl', { ...base, AUTH_JWKS_TTL: '10m' }, /^AUTH_JWKS_TTL must be a number of seconds/],
  ];

  it.each(cases)('%s', (_name, env, expected) => {
    expect(message(env)).toMatch(expected);
  });

  it('never echoes values, even when they are invalid', () => {
    expect(message({ ...base, AUTH_ALGORITHMS: 'HS256', AUTH_HMAC_SECRET: 'short' })).not.toContain('short');
    expect(message({ ...base, AUTH_JWKS_URI: secret })).not.toContain(secret);
    expect(message({ ...base, AUTH_CLOCK_TOLERANCE: secret })).not.toContain(secret);
    expect(message({ ...base, AUTH__ISSUERS__A__ISSUER: secret })).not.toContain(secret);
  });

  it('accepts HS algorithms with a long enough secret', () => {
    const options = verifierOptionsFromEnv({ ...base, AUTH_ALGORITHMS: 'HS256', AUTH_HMAC_SECRET: secret });
    expect(options.issuers).toEqual([expect.objectContaining({ algorithms: ['HS256'], secret })]);
  });
});

describe('verifierOptionsFromEnv: several issuers', () => {
  it('reads named entries, sorted by name, with top-level tuning as defaults', () => {
    const options = verifierOptionsFromEnv({
      AUTH_CLOCK_TOLERANCE: '2',
      AUTH_ALGORITHMS: 'RS256',
      AUTH__ISSUERS__PARTNER__ISSUER: 'https://partner.test',
      AUTH__ISSUERS__PARTNER__AUDIENCE: 'api://partner',
      AUTH__ISSUERS__PARTNER__CLOCK_TOLERANCE: '0',
      AUTH__ISSUERS__MAIN_IDP__ISSUER: 'https://main.test',
      AUTH__ISSUERS__MAIN_IDP__AUDIENCE: 'none',
      AUTH__ISSUERS__MAIN_IDP__JWKS_URI: 'http://127.0.0.1:9/jwks',
    });
    expect(options.issuers).toEqual([
      {
        issuer: 'https://main.test',
        audience: null,
        jwksUri: 'http://127.0.0.1:9/jwks',
        algorithms: ['RS256'],
        clockToleranceSeconds: 2,
      },
      {
        issuer: 'https://partner.test',
        audience: ['api://partner'],
        algorithms: ['RS256'],
        clockToleranceSeconds: 0,
      },
    ]);
  });

  it('builds a primary and a secondary Cognito pool with the cognito() preset', () => {
    const options = verifierOptionsFromEnv({
      AUTH__ISSUERS__PRIMARY__COGNITO_REGION: 'eu-west-1',
      AUTH__ISSUERS__PRIMARY__COGNITO_USER_POOL_ID: 'eu-west-1_AbC123',
      AUTH__ISSUERS__PRIMARY__CLIENT_ID: 'client1,client2',
      AUTH__ISSUERS__SECONDARY__COGNITO_REGION: 'us-east-1',
      AUTH__ISSUERS__SECONDARY__COGNITO_USER_POOL_ID: 'us-east-1_Zz9',
      AUTH__ISSUERS__SECONDARY__CLIENT_ID: 'web',
      AUTH__ISSUERS__SECONDARY__TOKEN_USE: 'id',
      AUTH__ISSUERS__SECONDARY__JWKS_URI: 'http://127.0.0.1:8/jwks',
    });
    const [primary, secondary] = options.issuers as unknown as Array<Record<string, unknown>>;
    expect(primary).toMatchObject({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      jwksUri: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json',
      audience: null,
      clientId: ['client1', 'client2'],
      tokenUse: 'access',
      cognito: true,
      groupsClaims: ['cognito:groups'],
    });
    expect(secondary).toMatchObject({
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Zz9',
      jwksUri: 'http://127.0.0.1:8/jwks',
      audience: ['web'],
      tokenUse: 'id',
      cognito: true,
    });
  });

  it('reads a single Cognito pool from top-level variables', () => {
    const options = verifierOptionsFromEnv({
      AUTH_COGNITO_REGION: 'eu-central-1',
      AUTH_COGNITO_USER_POOL_ID: 'eu-central-1_X1',
      AUTH_CLIENT_ID: 'app',
    });
    expect(options.issuers).toEqual([
      expect.objectContaining({ issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_X1' }),
    ]);
  });

  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'unknown setting (typo)',
      { AUTH__ISSUERS__A__ISSUER: 'https://a', AUTH__ISSUERS__A__AUDIENSE: 'x' },
      /^AUTH__ISSUERS__A__AUDIENSE names an unknown setting/,
    ],
    [
      'missing setting part',
      { AUTH__ISSUERS__A: 'x' },
      /^AUTH__ISSUERS__A must look like AUTH__ISSUERS__<NAME>__<SETTING>/,
    ],
    ['entry without issuer', { AUTH__ISSUERS__A__AUDIENCE: 'x' }, /^AUTH__ISSUERS__A__ISSUER is required$/],
    [
      'entry without audience',
      { AUTH__ISSUERS__A__ISSUER: 'https://a' },
      /^AUTH__ISSUERS__A__AUDIENCE is required/,
    ],
    [
      'top-level identity mixed with entries',
      { ...base, AUTH__ISSUERS__A__ISSUER: 'https://a', AUTH__ISSUERS__A__AUDIENCE: 'x' },
      /^AUTH_ISSUER cannot be combined with AUTH__ISSUERS__<NAME>__\* entries/,
    ],
    [
      'cognito region without pool',
      { AUTH__ISSUERS__P__COGNITO_REGION: 'eu-west-1', AUTH__ISSUERS__P__CLIENT_ID: 'c' },
      /^AUTH__ISSUERS__P__COGNITO_USER_POOL_ID is required with AUTH__ISSUERS__P__COGNITO_REGION$/,
    ],
    [
      'cognito bad region',
      { AUTH_COGNITO_REGION: 'Europe', AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_a', AUTH_CLIENT_ID: 'c' },
      /^AUTH_COGNITO_REGION must be an AWS region/,
    ],
    [
      'cognito pool from another region',
      { AUTH_COGNITO_REGION: 'eu-west-1', AUTH_COGNITO_USER_POOL_ID: 'us-east-1_a', AUTH_CLIENT_ID: 'c' },
      /^AUTH_COGNITO_USER_POOL_ID must look like <region>_<id> and match AUTH_COGNITO_REGION$/,
    ],
    [
      'cognito without client id',
      { AUTH_COGNITO_REGION: 'eu-west-1', AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_a' },
      /^AUTH_CLIENT_ID is required with AUTH_COGNITO_\*/,
    ],
    [
      'cognito with an issuer',
      {
        AUTH_ISSUER: 'https://x',
        AUTH_COGNITO_REGION: 'eu-west-1',
        AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_a',
        AUTH_CLIENT_ID: 'c',
      },
      /^AUTH_ISSUER cannot be combined with AUTH_COGNITO_\*/,
    ],
    [
      'cognito with an audience',
      {
        AUTH_AUDIENCE: 'x',
        AUTH_COGNITO_REGION: 'eu-west-1',
        AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_a',
        AUTH_CLIENT_ID: 'c',
      },
      /^AUTH_AUDIENCE cannot be combined with AUTH_COGNITO_\*/,
    ],
    [
      'cognito with token use any',
      {
        AUTH_COGNITO_REGION: 'eu-west-1',
        AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_a',
        AUTH_CLIENT_ID: 'c',
        AUTH_TOKEN_USE: 'any',
      },
      /^AUTH_TOKEN_USE must be access or id for a Cognito pool$/,
    ],
  ];

  it.each(cases)('%s', (_name, env, expected) => {
    expect(message(env)).toMatch(expected);
  });
});

describe('verifierOptionsFromEnv properties', () => {
  it('throws nothing but TypeErrors for arbitrary variables', () => {
    const names = fc.constantFrom(
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
      'AUTH_JWKS_URI',
      'AUTH_ALGORITHMS',
      'AUTH_CLOCK_TOLERANCE',
      'AUTH_TOKEN_USE',
      'AUTH_COGNITO_REGION',
      'AUTH_COGNITO_USER_POOL_ID',
      'AUTH_CLIENT_ID',
      'AUTH_REALM',
      'AUTH_TOKEN_QUERY',
      'AUTH__ISSUERS__A__ISSUER',
      'AUTH__ISSUERS__A__AUDIENCE',
      'AUTH__ISSUERS__B__COGNITO_REGION',
      'AUTH__ISSUERS____X',
    );
    fc.assert(
      fc.property(fc.dictionary(names, fc.string({ maxLength: 30 })), (env) => {
        try {
          verifierOptionsFromEnv(env);
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
