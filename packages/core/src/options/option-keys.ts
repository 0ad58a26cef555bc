/**
 * The option names each factory accepts, for `assertKnownKeys`. Every list is checked against its
 * interface both ways at compile time: a listed name must exist, and a new option added to the
 * interface without being listed here fails `tsc` (rather than being rejected at run time).
 */
import type { ApiKeyPairAuthOptions, ApiKeyHeaderAuthOptions } from '../apikey/api-key-auth.ts';
import type { FileSecretStoreOptions } from '../apikey/file-store.ts';
import type { EnvSecretStoreOptions } from '../apikey/store.ts';
import type { AuthenticatorSettings } from '../authenticate.ts';
import type { RemotePolicyOptions } from '../authorize/remote.ts';
import type { FromEnvOptions } from '../config/env.ts';
import type { TokenLocations } from '../extract/extract-token.ts';
import type { JwksOptions } from '../jwks/types.ts';
import type { CognitoOptions } from '../verify/cognito.ts';
import type { IssuerConfig, VerifierOptions } from '../verify/options.ts';

type Missing<T, K extends readonly unknown[]> = Exclude<keyof T, K[number]>;

/**
 * `keysOf<T>()([...])`: the given names, typed so that the list is exactly the keys of `T`.
 *
 * @example
 * const KEYS = keysOf<{ a?: number; b?: string }>()(['a', 'b']);
 */
export function keysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K & ([Missing<T, K>] extends [never] ? unknown : { missingOptionNames: Missing<T, K> }),
  ): readonly string[] => Object.freeze([...keys]);
}

export const VERIFIER_OPTION_KEYS = keysOf<VerifierOptions>()([
  'issuers',
  'maxTokenBytes',
  'customCheck',
  'cacheSize',
  'jwks',
  'fetch',
  'clock',
  'signatureVerification',
  'onEvent',
  'debug',
]);

export const AUTHENTICATOR_SETTING_KEYS = keysOf<AuthenticatorSettings>()([
  'realm',
  'tokenLocations',
  'apiKey',
  'dpop',
  'resourceMetadata',
]);

export const AUTHENTICATOR_OPTION_KEYS: readonly string[] = Object.freeze([
  ...VERIFIER_OPTION_KEYS,
  ...AUTHENTICATOR_SETTING_KEYS,
]);

export const ISSUER_CONFIG_KEYS = keysOf<IssuerConfig>()([
  'issuer',
  'audience',
  'jwksUri',
  'algorithms',
  'secret',
  'tokenUse',
  'clientId',
  'typ',
  'clockToleranceSeconds',
  'maxTokenAgeSeconds',
  'maxLifetimeSeconds',
  'requiredClaims',
  'userIdClaim',
  'groupsClaims',
  'organizationsClaim',
  'jwks',
  'cognito',
  'dpop',
]);

export const JWKS_OPTION_KEYS = keysOf<JwksOptions>()([
  'ttlMs',
  'minTtlMs',
  'maxTtlMs',
  'refreshAhead',
  'staleIfErrorMs',
  'timeoutMs',
  'maxBytes',
  'maxKeys',
  'store',
  'unknownKidRefetchIntervalMs',
  'unknownKidRefetchBurst',
  'failureBackoffMinMs',
  'failureBackoffMaxMs',
]);

export const TOKEN_LOCATION_KEYS = keysOf<TokenLocations>()(['query', 'body', 'tokenHeader', 'tokenPrefix']);

export const COGNITO_OPTION_KEYS = keysOf<CognitoOptions>()([
  'region',
  'userPoolId',
  'clientId',
  'tokenUse',
  'overrides',
  'endpoint',
]);

export const FROM_ENV_OPTION_KEYS = keysOf<FromEnvOptions>()(['prefix', 'defaults']);

// The options both API-key authenticators share.
const API_KEY_COMMON_KEYS = [
  'store',
  'prefix',
  'cacheTtlMs',
  'negativeCacheTtlMs',
  'maxCacheEntries',
  'realm',
  'issuer',
  'clock',
  'onEvent',
  'debug',
] as const;

export const API_KEY_PAIR_AUTH_OPTION_KEYS = keysOf<ApiKeyPairAuthOptions>()([
  ...API_KEY_COMMON_KEYS,
  'idHeader',
  'tokenHeader',
]);

export const API_KEY_HEADER_AUTH_OPTION_KEYS = keysOf<ApiKeyHeaderAuthOptions>()([
  ...API_KEY_COMMON_KEYS,
  'header',
]);

export const REMOTE_POLICY_OPTION_KEYS = keysOf<RemotePolicyOptions>()(['timeoutMs', 'code', 'reason']);

export const FILE_SECRET_STORE_OPTION_KEYS = keysOf<FileSecretStoreOptions>()(['checkIntervalMs', 'clock']);

export const ENV_SECRET_STORE_OPTION_KEYS = keysOf<EnvSecretStoreOptions>()(['prefix', 'normalize']);
