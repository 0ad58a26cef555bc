/**
 * `secretStoreOptionsFromEnv`: where the Secrets Manager store of `@auth/aws` looks (region, profile,
 * secret-name prefix), from `<PREFIX>_SECRETS_REGION`, `_SECRETS_PROFILE`, `_SECRETS_PREFIX` (or the
 * Python library's `…__AUTOMATION_PRINCIPALS__SECRETS_MANAGER__*`, see compat-env.ts). Read here,
 * in core, so it shares the prefix rules and error style of the other `…FromEnv` functions.
 */
import { withCompatEnv } from './compat-env.ts';
import { defaultEnv, type EnvLike, type FromEnvOptions, readFields, setup } from './env.ts';
import type { EnvField } from './env-fields.ts';
import { fail, word } from './parse.ts';

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

/** `secretStoreOptionsFromEnv()` rows (documented with the other variables). */
export const SECRET_STORE_ENV_FIELDS: readonly EnvField[] = [
  {
    variable: 'SECRETS_REGION',
    target: 'secretStore',
    option: 'region',
    type: 'AWS region',
    parse: (name, value) =>
      /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value) ? value : fail(name, 'must be an AWS region such as eu-west-1'),
    default: "the AWS SDK's (`AWS_REGION`)",
    description: 'region of the Secrets Manager store',
  },
  {
    variable: 'SECRETS_PROFILE',
    target: 'secretStore',
    option: 'profile',
    type: 'string',
    parse: word,
    default: "the AWS SDK's chain",
    description: 'shared-config profile the store takes credentials from',
  },
  {
    variable: 'SECRETS_PREFIX',
    target: 'secretStore',
    option: 'prefix',
    type: 'secret-name prefix',
    parse: (name, value) =>
      /^[A-Za-z0-9/_+=.@-]{1,256}$/.test(value)
        ? value
        : fail(name, 'must be a Secrets Manager name prefix (letters, digits and /_+=.@-, at most 256)'),
    default: '— (required unless `allowedIds`)',
    description: 'prepended to the principal id to form the secret name, e.g. `prod/principals/`',
  },
];

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
