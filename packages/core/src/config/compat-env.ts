/**
 * Variables of the Python FastAPI auth library (`SMAC__AUTH__PROVIDER_COGNITO__…`), read by the
 * `…FromEnv` functions when the prefix has such variables, so a service configured only through its
 * environment can move without renaming anything. Each row maps one of those variables to the
 * variable of this library that means the same (or checks a value this library has no setting for);
 * docs/migrating/fastapi-cognito-secrets-manager.md shows the table. Errors name the variable that
 * was set, never its value.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { bool, fail } from './parse.ts';
import type { EnvLike, FromEnvOptions } from './env.ts';

/**
 * One compatibility row. `variable` follows `<PREFIX>__`; `<POOL>` stands for `PRIMARY` or
 * `SECONDARY`. `native` is the variable of this library it sets (`_X`: `<PREFIX>_X`; `__ISSUERS__…`:
 * `<PREFIX>__ISSUERS__…`), or undefined when the value is only checked.
 *
 * @example
 * const row = COMPAT_ENV_TABLE.find((r) => r.variable === 'USER_ID'); // → native '_USER_ID_CLAIM'
 */
export interface CompatEnvRow {
  readonly variable: string;
  readonly native: string | undefined;
  /** Value used when compatible variables are set but this one is not (the Python library's default). */
  readonly default?: string;
  readonly check?: (name: string, value: string) => void;
  /** One line for the guide's table. */
  readonly meaning: string;
}

/** The pools the Python library knows; they become named issuer entries of the same names. */
const POOLS = ['PRIMARY', 'SECONDARY'] as const;

/**
 * The compatibility table: the Python library's variables and what they become here.
 *
 * @example
 * for (const row of COMPAT_ENV_TABLE) console.log(`SMAC__AUTH__${row.variable}`, '→', row.native ?? 'checked only');
 */
export const COMPAT_ENV_TABLE: readonly CompatEnvRow[] = [
  {
    variable: 'PROVIDER',
    native: undefined,
    check: (name, value) => {
      if (value.toUpperCase() === 'NONE') {
        fail(
          name,
          'cannot turn authentication off here (not offered): leave the auth middleware out instead',
        );
      }
      if (value.toUpperCase() !== 'COGNITO') fail(name, 'must be COGNITO');
    },
    meaning: '`COGNITO` (checked); `NONE` is a start-up error: leave the middleware out instead',
  },
  {
    variable: 'USER_ID',
    native: '_USER_ID_CLAIM',
    default: 'email',
    meaning: 'claim used as `principal.subject` (default `email`, as in the Python library)',
  },
  {
    variable: 'PROVIDER_COGNITO__CHECK_EXPIRATION',
    native: undefined,
    check: (name, value) => {
      if (!bool(name, value)) {
        fail(
          name,
          'cannot be false: expired tokens are always rejected (a leaked token would stay valid forever); remove it or set it to true',
        );
      }
    },
    meaning: 'only `true`: expiry is always checked; `false` is a start-up error',
  },
  {
    variable: 'PROVIDER_COGNITO__JWT_HEADER_NAME',
    native: '_TOKEN_HEADER',
    meaning: 'header carrying the token (default `Authorization`)',
  },
  {
    variable: 'PROVIDER_COGNITO__JWT_HEADER_PREFIX',
    native: '_TOKEN_PREFIX',
    meaning: 'scheme before the token (default `Bearer`; `none` for a bare token)',
  },
  ...POOLS.flatMap((pool): CompatEnvRow[] => [
    {
      variable: `PROVIDER_COGNITO__USERPOOLS__${pool}__REGION`,
      native: `__ISSUERS__${pool}__COGNITO_REGION`,
      meaning: `region of the ${pool.toLowerCase()} pool`,
    },
    {
      variable: `PROVIDER_COGNITO__USERPOOLS__${pool}__USERPOOL_ID`,
      native: `__ISSUERS__${pool}__COGNITO_USER_POOL_ID`,
      meaning: `id of the ${pool.toLowerCase()} pool`,
    },
    {
      variable: `PROVIDER_COGNITO__USERPOOLS__${pool}__APP_CLIENT_ID`,
      native: `__ISSUERS__${pool}__CLIENT_ID`,
      meaning: `app client id(s) accepted from the ${pool.toLowerCase()} pool (comma-separated)`,
    },
    {
      variable: `PROVIDER_COGNITO__USERPOOLS__${pool}__DOMAIN`,
      native: undefined,
      meaning: 'accepted and unused: verifying tokens needs no hosted-UI domain',
    },
  ]),
  {
    variable: 'AUTOMATION_PRINCIPALS__SECRETS_MANAGER__REGION',
    native: '_SECRETS_REGION',
    meaning: 'region of the Secrets Manager store',
  },
  {
    variable: 'AUTOMATION_PRINCIPALS__SECRETS_MANAGER__PROFILE',
    native: '_SECRETS_PROFILE',
    meaning: 'AWS profile the store takes credentials from',
  },
  {
    variable: 'AUTOMATION_PRINCIPALS__SECRETS_MANAGER__COMMON_PREFIX',
    native: '_SECRETS_PREFIX',
    meaning: "prefix of the principals' secret names (required here, or any secret could be named)",
  },
  {
    variable: 'AUTOMATION_PRINCIPALS__ID_HEADER_NAME',
    native: '_PRINCIPAL_ID_HEADER',
    default: 'SMAC-Principal',
    meaning: 'header carrying the principal id (default `SMAC-Principal`, as in the Python library)',
  },
  {
    variable: 'AUTOMATION_PRINCIPALS__TOKEN_HEADER_NAME',
    native: '_PRINCIPAL_TOKEN_HEADER',
    default: 'SMAC-Token',
    meaning: 'header carrying the principal token (default `SMAC-Token`, as in the Python library)',
  },
];

interface Translated {
  env: Record<string, string | undefined>;
  /** Variable of this library → the compatible variable it came from. */
  aliases: Map<string, string>;
  used: boolean;
}

function present(value: string | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function translate(env: EnvLike, prefix: string): Translated {
  const start = `${prefix}__`;
  const out: Record<string, string | undefined> = { ...env };
  const aliases = new Map<string, string>();
  let used = false;
  // Unknown `<PREFIX>__*` names are typos only once the compatible names are in use; before, they
  // may be anyone's variables (and were ignored).
  let unknown: string | undefined;
  for (const name of Object.keys(env)) {
    if (!name.startsWith(start) || name.startsWith(`${start}ISSUERS__`)) continue;
    const value = env[name];
    if (!present(value)) continue;
    const row = COMPAT_ENV_TABLE.find((r) => `${start}${r.variable}` === name);
    if (row === undefined) {
      unknown ??= name;
      continue;
    }
    used = true;
    delete out[name];
    row.check?.(name, value.trim());
    if (row.native === undefined) continue;
    const target = `${prefix}${row.native}`;
    if (present(env[target])) fail(name, `cannot be combined with ${target} (the same setting)`);
    out[target] = value;
    aliases.set(target, name);
  }
  if (used && unknown !== undefined) {
    fail(unknown, `is not a known ${start}* setting (see docs/migrating/fastapi-cognito-secrets-manager.md)`);
  }
  return { env: out, aliases, used };
}

function withDefaults(t: Translated, prefix: string, defaults: EnvLike | undefined): void {
  for (const row of COMPAT_ENV_TABLE) {
    if (row.default === undefined || row.native === undefined) continue;
    const target = `${prefix}${row.native}`;
    if (!present(t.env[target]) && !present(defaults?.[target])) {
      t.env[target] = row.default;
      t.aliases.set(target, `${prefix}__${row.variable}`);
    }
  }
}

/** `message` with each variable of this library replaced by the compatible one it came from. */
function renamed(error: ConfigurationError, aliases: Map<string, string>): ConfigurationError {
  let message = error.message;
  const natives = [...aliases.keys()].sort((a, b) => b.length - a.length);
  for (const native of natives) message = message.split(native).join(aliases.get(native) as string);
  const variable = error.variable === undefined ? undefined : (aliases.get(error.variable) ?? error.variable);
  return new ConfigurationError(message, variable === undefined ? {} : { variable });
}

/**
 * Runs `read` on `env` with the compatible variables of the prefix translated (and their defaults
 * applied); errors name the variables as they were set. Without such variables, `read` sees `env`
 * unchanged.
 *
 * @example
 * const options = withCompatEnv(process.env, { prefix: 'SMAC__AUTH' }, (env, o) => readOptions(env, o));
 */
export function withCompatEnv<T>(
  env: EnvLike,
  options: FromEnvOptions,
  read: (env: EnvLike, options: FromEnvOptions) => T,
): T {
  const prefix = (options as FromEnvOptions | undefined)?.prefix ?? 'AUTH';
  if (env === null || typeof env !== 'object' || typeof prefix !== 'string' || prefix === '') {
    return read(env, options); // read's own checks report these
  }
  const fromEnv = translate(env, prefix);
  const defaults = options.defaults === undefined ? undefined : translate(options.defaults, prefix);
  if (!fromEnv.used && !defaults?.used) return read(env, options);
  withDefaults(fromEnv, prefix, defaults?.env);
  const aliases = new Map([...(defaults?.aliases ?? []), ...fromEnv.aliases]);
  try {
    return read(fromEnv.env, defaults === undefined ? options : { ...options, defaults: defaults.env });
  } catch (error) {
    throw error instanceof ConfigurationError ? renamed(error, aliases) : error;
  }
}
