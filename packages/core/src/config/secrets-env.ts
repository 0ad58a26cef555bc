/**
 * `secretStoreOptionsFromEnv`: where the Secrets Manager store of `@auth/aws` looks (region, profile,
 * secret-name prefix), from `<PREFIX>_SECRETS_REGION`, `_SECRETS_PROFILE`, `_SECRETS_PREFIX` (or the
 * Python library's `…__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__*`, see compat-env.ts). Read here,
 * in core, so it shares the prefix rules and error style of the other `…FromEnv` functions.
 */
import { withCompatEnv } from './compat-env.ts';
import { defaultEnv, type EnvLike, type FromEnvOptions, readFields, setup } from './env.ts';
import { SECRET_STORE_ENV_FIELDS } from './env-fields.ts';

export { SECRET_STORE_ENV_FIELDS };

/**
 * The Secrets Manager store settings that have a variable.
 *
 * @example
 * const store = secretsManagerStore({ ...(secretStoreOptionsFromEnv() satisfies SecretsManagerEnvOptions) });
 */
export interface SecretsManagerEnvOptions {
  region?: string;
  profile?: string;
  prefix?: string;
}

/**
 * `secretsManagerStore()` options (`region`, `profile`, `prefix`) from `<PREFIX>_SECRETS_*`; unset
 * ones are left out. Throws a ConfigurationError naming the variable for a bad value.
 *
 * @example
 * const store = secretsManagerStore(secretStoreOptionsFromEnv()); // AUTH_SECRETS_REGION, …
 * secretStoreOptionsFromEnv({ AUTH_SECRETS_REGION: 'eu-west-1', AUTH_SECRETS_PREFIX: 'prod/principals/' });
 */
export function secretStoreOptionsFromEnv(
  env: EnvLike = defaultEnv(),
  options: FromEnvOptions = {},
): SecretsManagerEnvOptions {
  return withCompatEnv(env, options, (vars, opts) => {
    const { prefix, get } = setup('secretStoreOptionsFromEnv()', vars, opts);
    return readFields(SECRET_STORE_ENV_FIELDS, prefix, get) as SecretsManagerEnvOptions;
  });
}
