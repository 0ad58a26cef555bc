/** Amazon Cognito user-pool preset: issuer and JWKS from region + pool, token_use/client_id rules. */
import { ConfigurationError } from '../configuration-error.ts';
import type { IssuerConfig } from './options.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { COGNITO_OPTION_KEYS } from '../options/option-keys.ts';

/**
 * Options of the `cognito()` issuer preset.
 *
 * @example
 * const verifier = createVerifier({ issuers: [cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', clientId: 'app-client-id' } satisfies CognitoOptions)] });
 */
export interface CognitoOptions {
  region: string;
  userPoolId: string;
  /**
   * App client id(s): checked on `client_id` (access tokens) or `aud` (id tokens). Required; `null` is
   * the explicit opt-out (any app client of the pool), like `audience: null` on an issuer entry.
   */
  clientId: string | readonly string[] | null;
  /** `access` (default) or `id`. */
  tokenUse?: 'access' | 'id';
  /**
   * **Test only**: the base URL of a Cognito emulator (`cognito-local`: `http://127.0.0.1:9229`). The
   * issuer becomes `<endpoint>/<userPoolId>` (JWKS `<issuer>/.well-known/jwks.json`) and `region` /
   * `userPoolId` need not have AWS's shapes (the emulator's pools are `local_…`). Never set it in
   * production: the issuer must be AWS's.
   */
  endpoint?: string;
  /** Anything else to override (clockToleranceSeconds, jwks tuning, groupsClaims, …). */
  overrides?: Partial<Omit<IssuerConfig, 'issuer' | 'cognito' | 'audience' | 'clientId' | 'tokenUse'>>;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const POOL = /^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/;
const EMULATOR_POOL = /^[\w-]+_[0-9A-Za-z]+$/;
// Set by the preset itself: an override of them would be silently replaced, so it is refused.
const OWN = ['issuer', 'cognito', 'audience', 'clientId', 'tokenUse'];

/**
 * An `IssuerConfig` for a Cognito user pool.
 *
 * @example
 * cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', clientId: ['web', 'cli'] });
 * cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbC123', clientId: null }); // any app client
 */
export function cognito(options: CognitoOptions): IssuerConfig {
  if (!options || typeof options !== 'object')
    throw new ConfigurationError('cognito(): options are required');
  assertKnownKeys(options, COGNITO_OPTION_KEYS, 'cognito()');
  const { region, userPoolId, clientId, tokenUse = 'access', endpoint } = options;
  let base = `https://cognito-idp.${region}.amazonaws.com`;
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {}
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
      throw new ConfigurationError(
        'cognito(): `endpoint` must be an http(s) URL (a Cognito emulator, tests only)',
      );
    }
    base = url.href.replace(/\/+$/, '');
    if (
      typeof region !== 'string' ||
      region === '' ||
      typeof userPoolId !== 'string' ||
      !EMULATOR_POOL.test(userPoolId)
    ) {
      throw new ConfigurationError('cognito(): `userPoolId` must look like <region>_<id>');
    }
  } else {
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw new ConfigurationError('cognito(): `region` must be an AWS region such as eu-west-1');
    }
    if (typeof userPoolId !== 'string' || !POOL.test(userPoolId) || !userPoolId.startsWith(`${region}_`)) {
      throw new ConfigurationError('cognito(): `userPoolId` must look like <region>_<id> and match `region`');
    }
  }
  let ids: string[] | null = null;
  if (clientId !== null) {
    ids = typeof clientId === 'string' ? [clientId] : Array.isArray(clientId) ? [...clientId] : [];
    if (ids.length === 0 || ids.some((id) => typeof id !== 'string' || id === '')) {
      throw new ConfigurationError(
        'cognito(): `clientId` must be a non-empty string or array of strings (pass null to accept any app client explicitly)',
      );
    }
  }
  if (tokenUse !== 'access' && tokenUse !== 'id') {
    throw new ConfigurationError("cognito(): `tokenUse` must be 'access' or 'id'");
  }
  const overrides = options.overrides;
  if (overrides !== undefined) {
    if (typeof overrides !== 'object' || overrides === null) {
      throw new ConfigurationError('cognito(): `overrides` must be an object');
    }
    for (const key of OWN) {
      if ((overrides as Record<string, unknown>)[key] !== undefined) {
        throw new ConfigurationError(
          `cognito(): \`overrides.${key}\` is set by the preset (use the option of that name)`,
        );
      }
    }
  }
  const issuer = `${base}/${userPoolId}`;
  const config: IssuerConfig = {
    groupsClaims: ['cognito:groups'],
    algorithms: ['RS256'],
    ...overrides,
    issuer,
    jwksUri: overrides?.jwksUri ?? `${issuer}/.well-known/jwks.json`,
    // Access tokens have no `aud`: they are bound to the app client by `client_id`.
    audience: tokenUse === 'id' ? ids : null,
    tokenUse,
    cognito: true,
  };
  if (ids !== null) config.clientId = ids;
  return config;
}
