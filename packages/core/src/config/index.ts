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
