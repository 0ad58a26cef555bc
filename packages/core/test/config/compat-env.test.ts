/**
 * The Python FastAPI auth library's variables (`SMAC__AUTH__…`) configure this library unchanged:
 * a full set maps through the compatibility table, bad values fail at start-up naming the variable
 * that was set (never the value), and `CHECK_EXPIRATION=false` is refused with the reason.
 */
import { describe, expect, it } from 'vitest';
import {
  COMPAT_ENV_TABLE,
  ConfigurationError,
  apiKeyOptionsFromEnv,
  secretStoreOptionsFromEnv,
  verifierOptionsFromEnv,
} from '../../src/index.ts';

const P = { prefix: 'SMAC__AUTH' };

/** Every variable the Python library documents, set. */
const FULL = {
  SMAC__AUTH__PROVIDER: 'COGNITO',
  SMAC__AUTH__USER_ID: 'username',
  SMAC__AUTH__PROVIDER_COGNITO__CHECK_EXPIRATION: 'True',
  SMAC__AUTH__PROVIDER_COGNITO__JWT_HEADER_NAME: 'X-Auth-Token',
  SMAC__AUTH__PROVIDER_COGNITO__JWT_HEADER_PREFIX: 'JWT',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__REGION: 'eu-central-1',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__USERPOOL_ID: 'eu-central-1_Prim4ry',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__APP_CLIENT_ID: 'primaryclient',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__DOMAIN: 'login.example.com',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__REGION: 'us-east-1',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__USERPOOL_ID: 'us-east-1_S3condary',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__APP_CLIENT_ID: 'secondaryclient,otherclient',
  SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__DOMAIN: 'partners.example.com',
  SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__REGION: 'eu-central-1',
  SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__PROFILE: 'automation',
  SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__COMMON_PREFIX: 'prod/principals/',
  SMAC__AUTH__AUTOMATION_PRINCIPALS__ID_HEADER_NAME: 'X-Service-Principal',
  SMAC__AUTH__AUTOMATION_PRINCIPALS__TOKEN_HEADER_NAME: 'X-Service-Token',
};

function error(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    expect(e).toBeInstanceOf(TypeError);
    return e as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('SMAC__AUTH-style variables through the compatibility table', () => {
  it('a full set configures both pools, the bearer header, the principal headers and the secret store', () => {
    const options = verifierOptionsFromEnv(FULL, P);
    const issuers = options.issuers as readonly object[];
    expect(issuers).toHaveLength(2);
    expect(issuers[0]).toMatchObject({
      issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Prim4ry',
      clientId: ['primaryclient'],
      userIdClaim: 'username',
      tokenUse: 'access',
    });
    expect(issuers[1]).toMatchObject({
      issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_S3condary',
      clientId: ['secondaryclient', 'otherclient'],
      userIdClaim: 'username',
    });
    expect(options.tokenLocations).toEqual({ tokenHeader: 'X-Auth-Token', tokenPrefix: 'JWT' });
    expect(apiKeyOptionsFromEnv(FULL, P)).toEqual({
      idHeader: 'x-service-principal',
      tokenHeader: 'x-service-token',
    });
    expect(secretStoreOptionsFromEnv(FULL, P)).toEqual({
      region: 'eu-central-1',
      profile: 'automation',
      prefix: 'prod/principals/',
    });
  });

  it("unset variables take the Python library's defaults: user id claim email, SMAC-Principal / SMAC-Token headers", () => {
    const minimal = {
      SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__REGION: 'eu-central-1',
      SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__USERPOOL_ID: 'eu-central-1_Prim4ry',
      SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__APP_CLIENT_ID: 'primaryclient',
    };
    const options = verifierOptionsFromEnv(minimal, P);
    const issuers = options.issuers as readonly object[];
    expect(issuers).toHaveLength(1);
    expect(issuers[0]).toMatchObject({ userIdClaim: 'email' });
    expect(options.tokenLocations).toBeUndefined();
    expect(apiKeyOptionsFromEnv({ SMAC__AUTH__PROVIDER: 'COGNITO' }, P)).toEqual({
      idHeader: 'smac-principal',
      tokenHeader: 'smac-token',
    });
  });

  it('CHECK_EXPIRATION=false is a start-up error that says why', () => {
    for (const value of ['false', 'False', '0']) {
      const e = error(() =>
        verifierOptionsFromEnv({ ...FULL, SMAC__AUTH__PROVIDER_COGNITO__CHECK_EXPIRATION: value }, P),
      );
      expect(e.variable).toBe('SMAC__AUTH__PROVIDER_COGNITO__CHECK_EXPIRATION');
      expect(e.message).toMatch(/cannot be false: expired tokens are always rejected/);
    }
  });

  it.each([
    ['SMAC__AUTH__PROVIDER', 'NONE', /not offered/],
    ['SMAC__AUTH__PROVIDER', 'AUTH0', /must be COGNITO/],
    ['SMAC__AUTH__PROVIDER_COGNITO__CHECK_EXPIRATION', 'maybe', /must be true or false/],
    ['SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__REGION', 'mars-north', /must be an AWS region/],
    [
      'SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__USERPOOL_ID',
      'eu-central-1_Wr0ng',
      /match SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__SECONDARY__REGION/,
    ],
    ['SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__PRIMARY__APP_CLIENT_ID', 'a,,b', /empty item/],
    ['SMAC__AUTH__PROVIDER_COGNITO__JWT_HEADER_NAME', 'X Auth', /must be a header name/],
    ['SMAC__AUTH__PROVIDER_COGNITO__JWT_HEADER_PREFIX', 'Bearer!{', /must be a scheme name/],
    ['SMAC__AUTH__USER_ID', 'e mail', /whitespace/],
    [
      'SMAC__AUTH__PROVIDER_COGNITO__USERPOOLS__TERTIARY__REGION',
      'eu-west-1',
      /not a known SMAC__AUTH__\* setting/,
    ],
  ])('%s=%s fails at setup naming the variable, not the value', (variable, value, problem) => {
    const e = error(() => verifierOptionsFromEnv({ ...FULL, [variable]: value }, P));
    expect(e.variable).toBe(variable);
    expect(e.message.startsWith(`${variable} `)).toBe(true);
    expect(e.message).toMatch(problem);
    if (value.length > 3) expect(e.message).not.toContain(value);
  });

  it.each([
    [
      'SMAC__AUTH__AUTOMATION_PRINCIPALS__ID_HEADER_NAME',
      'Authorization',
      /must not be the Authorization header/,
    ],
    ['SMAC__AUTH__AUTOMATION_PRINCIPALS__TOKEN_HEADER_NAME', 'X-Service-Principal', /must differ/],
  ])('%s=%s fails in apiKeyOptionsFromEnv naming the variable', (variable, value, problem) => {
    const e = error(() => apiKeyOptionsFromEnv({ ...FULL, [variable]: value }, P));
    expect(e.variable).toBe(variable);
    expect(e.message).toMatch(problem);
  });

  it.each([
    ['SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__REGION', 'Frankfurt', /must be an AWS region/],
    [
      'SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__COMMON_PREFIX',
      'arn:aws:secret',
      /Secrets Manager name prefix/,
    ],
    ['SMAC__AUTH__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__PROFILE', 'my profile', /whitespace/],
  ])(
    '%s=%s fails in secretStoreOptionsFromEnv naming the variable, not the value',
    (variable, value, problem) => {
      const e = error(() => secretStoreOptionsFromEnv({ ...FULL, [variable]: value }, P));
      expect(e.variable).toBe(variable);
      expect(e.message).toMatch(problem);
      expect(e.message).not.toContain(value);
    },
  );

  it('a compatible variable and the native one for the same setting cannot both be set', () => {
    const e = error(() => verifierOptionsFromEnv({ ...FULL, SMAC__AUTH_TOKEN_HEADER: 'X-Other' }, P));
    expect(e.message).toBe(
      'SMAC__AUTH__PROVIDER_COGNITO__JWT_HEADER_NAME cannot be combined with SMAC__AUTH_TOKEN_HEADER (the same setting)',
    );
  });

  it('native variables still work under a double-underscore prefix', () => {
    expect(
      verifierOptionsFromEnv({ SMAC__AUTH_ISSUER: 'https://idp.example', SMAC__AUTH_AUDIENCE: 'api' }, P),
    ).toEqual({ issuers: [{ issuer: 'https://idp.example', audience: ['api'] }] });
  });

  it('stray <PREFIX>__* variables are ignored as before while no compatible variable is set', () => {
    expect(
      verifierOptionsFromEnv({
        AUTH_ISSUER: 'https://idp.example',
        AUTH_AUDIENCE: 'api',
        AUTH__SOMETHING_ELSE: '1',
      }),
    ).toEqual({ issuers: [{ issuer: 'https://idp.example', audience: ['api'] }] });
  });

  it('the table covers every variable the Python library documents', () => {
    const rows = new Set(COMPAT_ENV_TABLE.map((r) => `SMAC__AUTH__${r.variable}`));
    for (const variable of Object.keys(FULL)) expect(rows).toContain(variable);
  });
});

describe('AUTH_SECRETS_* variables', () => {
  it('set the store region, profile and prefix; unset ones are left out', () => {
    expect(
      secretStoreOptionsFromEnv({
        AUTH_SECRETS_REGION: 'eu-west-1',
        AUTH_SECRETS_PROFILE: 'ops',
        AUTH_SECRETS_PREFIX: 'prod/api-keys/',
      }),
    ).toEqual({ region: 'eu-west-1', profile: 'ops', prefix: 'prod/api-keys/' });
    expect(secretStoreOptionsFromEnv({ AUTH_SECRETS_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1' });
  });
});
