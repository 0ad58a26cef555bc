export {
  ALGORITHMS,
  ISSUER_FIELDS,
  NO_AUDIENCE,
  apiKeyOptionsFromEnv,
  verifierOptionsFromEnv,
} from './env.ts';
export type { EnvApiKeyOptions, EnvLike, EnvVerifierOptions, FromEnvOptions } from './env.ts';
export { ENV_FIELDS } from './env-fields.ts';
export type { EnvField, EnvTarget } from './env-fields.ts';
export { secretStoreOptionsFromEnv, SECRET_STORE_ENV_FIELDS } from './secrets-env.ts';
export type { SecretsManagerEnvOptions } from './secrets-env.ts';
export { COMPAT_ENV_TABLE } from './compat-env.ts';
export type { CompatEnvRow } from './compat-env.ts';
