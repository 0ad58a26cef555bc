export { ALGORITHMS, ISSUER_FIELDS, NO_AUDIENCE, verifierOptionsFromEnv } from './env.ts';
export type { EnvLike, EnvVerifierOptions, FromEnvOptions } from './env.ts';
