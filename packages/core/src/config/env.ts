/**
 * `verifierOptionsFromEnv`: verifier/authenticator options from environment variables, for one
 * issuer (`AUTH_ISSUER`, …) or several (`AUTH__ISSUERS__<NAME>__ISSUER`, …), and
 * `apiKeyOptionsFromEnv` for the API-key header names. Every variable is a row of the table in
 * `env-fields.ts`; this file only reads rows and applies the rules that span several variables.
 * Reads only the object it is given (no `node:` imports), so it also works with Workers' `env` bindings.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { TokenLocations } from '../extract/index.ts';
import { cognito } from '../verify/cognito.ts';
import type { IssuerConfig, VerifierOptions } from '../verify/options.ts';
import { API_KEY_ENV_FIELDS, ISSUER_ENV_FIELDS, NO_AUDIENCE, VERIFIER_ENV_FIELDS } from './env-fields.ts';
import type { EnvField } from './env-fields.ts';
import { fail } from './parse.ts';
import { withCompatEnv } from './compat-env.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { FROM_ENV_OPTION_KEYS } from '../options/option-keys.ts';

export { ALGORITHMS, NO_AUDIENCE } from './env-fields.ts';

/**
 * Environment variables as `process.env` (or a Workers `env`) holds them.
 *
 * @example
 * const env: EnvLike = { AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'api://orders' };
 * const options = verifierOptionsFromEnv(env);
 */
export type EnvLike = Readonly<Record<string, string | undefined>>;

/**
 * Options of `verifierOptionsFromEnv` / `apiKeyOptionsFromEnv`: variable prefix and defaults.
 *
 * @example
 * const options = verifierOptionsFromEnv(process.env, { prefix: 'ORDERS', defaults: { ORDERS_ISSUER: 'http://localhost:9000' } } satisfies FromEnvOptions);
 */
export interface FromEnvOptions {
  /** Variable prefix (default `AUTH`): `AUTH_ISSUER`, `AUTH__ISSUERS__<NAME>__ISSUER`. */
  prefix?: string;
  /** Values used when a variable is unset or empty (e.g. a local identity provider's issuer). */
  defaults?: EnvLike;
}

/**
 * Verifier options plus the authenticator settings that have a variable (realm, token locations).
 *
 * @example
 * const options: EnvVerifierOptions = verifierOptionsFromEnv();
 * const auth = createAuthenticator(options);
 */
export type EnvVerifierOptions = VerifierOptions & { realm?: string; tokenLocations?: TokenLocations };

/** Per-issuer settings: `<P>_<FIELD>` (single issuer / defaults) or `<P>__ISSUERS__<NAME>__<FIELD>`. */
export const ISSUER_FIELDS: readonly string[] = ISSUER_ENV_FIELDS.map((f) => f.variable);

/** Fields that identify an issuer: at top level they conflict with `__ISSUERS__` entries. */
const IDENTITY: readonly string[] = ISSUER_ENV_FIELDS.filter((f) => f.identity).map((f) => f.variable);

/** Raw values of one issuer entry: field → [variable name, value]. */
type Raw = Partial<Record<string, readonly [name: string, value: string]>>;

// Double underscores too: `SMAC__AUTH` keeps the variable names of the Python library (compat-env.ts).
const PREFIX = /^[A-Za-z][A-Za-z0-9]*(__?[A-Za-z0-9]+)*$/;
const ENTRY_NAME = /^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/;

export function defaultEnv(): EnvLike {
  const proc = (globalThis as { process?: { env?: EnvLike } }).process;
  return proc?.env ?? {};
}

/** Checks `env` and `options`; returns the prefix and a reader that falls back to `defaults`. */
export function setup(fn: string, env: EnvLike, options: FromEnvOptions) {
  if (env === null || typeof env !== 'object') throw new ConfigurationError(`${fn}: env must be an object`);
  assertKnownKeys(options, FROM_ENV_OPTION_KEYS, fn);
  const prefix = options.prefix ?? 'AUTH';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new ConfigurationError(
      `${fn}: prefix must be letters and digits separated by single or double underscores`,
    );
  }
  const get = (name: string): string | undefined =>
    readVar(env, name) ?? readVar(options.defaults ?? {}, name);
  return { prefix, get };
}

/** Sets `value` at a dot-separated `path` of `target`, creating the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** Parses the set variables of `fields` (`<prefix>_<VARIABLE>`) into an options object. */
export function readFields(
  fields: readonly EnvField[],
  prefix: string,
  get: (name: string) => string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const name = `${prefix}_${field.variable}`;
    const value = get(name);
    if (value !== undefined) setPath(out, field.option, field.parse(name, value));
  }
  return out;
}

/**
 * Options for `createVerifier` / `createAuthenticator` from environment variables. Throws a
 * TypeError naming the variable when one is missing or invalid. Empty values count as unset.
 *
 * @example
 * const auth = createAuthenticator(verifierOptionsFromEnv()); // AUTH_ISSUER, AUTH_AUDIENCE, …
 * verifierOptionsFromEnv({ AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: 'api://orders' });
 */
export function verifierOptionsFromEnv(
  env: EnvLike = defaultEnv(),
  options: FromEnvOptions = {},
): EnvVerifierOptions {
  return withCompatEnv(env, options, readVerifierOptions);
}

function readVerifierOptions(env: EnvLike, options: FromEnvOptions): EnvVerifierOptions {
  const { prefix, get } = setup('verifierOptionsFromEnv()', env, options);

  // Top-level issuer fields: the single issuer, or defaults for every named entry.
  const top: Raw = {};
  for (const field of ISSUER_FIELDS) {
    const name = `${prefix}_${field}`;
    const value = get(name);
    if (value !== undefined) top[field] = [name, value];
  }

  const entries = namedEntries(env, options.defaults, prefix);
  let issuers: IssuerConfig[];
  if (entries.size > 0) {
    for (const field of IDENTITY) {
      const v = top[field];
      if (v) fail(v[0], `cannot be combined with ${prefix}__ISSUERS__<NAME>__* entries (set it per entry)`);
    }
    issuers = [...entries.keys()]
      .sort()
      .map((name) => issuerConfig({ ...top, ...entries.get(name) }, `${prefix}__ISSUERS__${name}__`));
  } else {
    if (!top.ISSUER && !top.COGNITO_REGION && !top.COGNITO_USER_POOL_ID) {
      fail(
        `${prefix}_ISSUER`,
        `is required (or ${prefix}_COGNITO_REGION + ${prefix}_COGNITO_USER_POOL_ID, or ${prefix}__ISSUERS__<NAME>__ISSUER entries)`,
      );
    }
    issuers = [issuerConfig(top, `${prefix}_`)];
  }

  const settings = readFields(VERIFIER_ENV_FIELDS, prefix, get) as Partial<EnvVerifierOptions>;
  const jwks = settings.jwks;
  if (jwks !== undefined) {
    // Rules spanning two variables, checked here so the error names variables, not options.
    if (
      get(`${prefix}_JWKS_COOLDOWN`) !== undefined &&
      get(`${prefix}_JWKS_REFETCH_INTERVAL`) !== undefined
    ) {
      fail(
        `${prefix}_JWKS_COOLDOWN`,
        `cannot be combined with ${prefix}_JWKS_REFETCH_INTERVAL (its new name)`,
      );
    }
    if ((jwks.failureBackoffMinMs ?? 500) > (jwks.failureBackoffMaxMs ?? 1_500)) {
      const name = jwks.failureBackoffMinMs === undefined ? 'JWKS_BACKOFF_MAX' : 'JWKS_BACKOFF_MIN';
      fail(
        `${prefix}_${name}`,
        `must keep ${prefix}_JWKS_BACKOFF_MIN ≤ ${prefix}_JWKS_BACKOFF_MAX (defaults 0.5 and 1.5)`,
      );
    }
  }
  return { issuers, ...settings };
}

/**
 * `apiKeyPairAuth()` options that have a variable (the two header names).
 *
 * @example
 * const services = apiKeyPairAuth({ store, ...(apiKeyOptionsFromEnv() satisfies EnvApiKeyOptions) });
 */
export interface EnvApiKeyOptions {
  idHeader?: string;
  tokenHeader?: string;
}

/**
 * `apiKeyPairAuth()` header names from `<PREFIX>_PRINCIPAL_ID_HEADER` / `<PREFIX>_PRINCIPAL_TOKEN_HEADER`
 * (unset ones are left out, so the defaults `x-principal-id` / `x-principal-token` apply). Throws a
 * TypeError naming the variable for a bad header name, `Authorization`, or the same name twice.
 *
 * @example
 * const service = apiKeyPairAuth({ store: envSecretStore(process.env), ...apiKeyOptionsFromEnv() });
 */
export function apiKeyOptionsFromEnv(
  env: EnvLike = defaultEnv(),
  options: FromEnvOptions = {},
): EnvApiKeyOptions {
  return withCompatEnv(env, options, readApiKeyOptions);
}

function readApiKeyOptions(env: EnvLike, options: FromEnvOptions): EnvApiKeyOptions {
  const { prefix, get } = setup('apiKeyOptionsFromEnv()', env, options);
  const result = readFields(API_KEY_ENV_FIELDS, prefix, get) as EnvApiKeyOptions;
  const id = result.idHeader ?? 'x-principal-id';
  const token = result.tokenHeader ?? 'x-principal-token';
  if (id === token) {
    const name = result.tokenHeader === undefined ? 'PRINCIPAL_ID_HEADER' : 'PRINCIPAL_TOKEN_HEADER';
    fail(`${prefix}_${name}`, 'must differ from the other principal header');
  }
  return result;
}

function readVar(env: EnvLike, name: string): string | undefined {
  const v = env[name];
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `<P>__ISSUERS__<NAME>__<FIELD>` variables grouped by NAME; unknown fields are errors (typos). */
function namedEntries(env: EnvLike, defaults: EnvLike | undefined, prefix: string): Map<string, Raw> {
  const start = `${prefix}__ISSUERS__`;
  const entries = new Map<string, Raw>();
  const names = new Set([...Object.keys(defaults ?? {}), ...Object.keys(env)]);
  for (const variable of names) {
    if (!variable.startsWith(start)) continue;
    const value = readVar(env, variable) ?? readVar(defaults ?? {}, variable);
    if (value === undefined) continue;
    const parts = variable.slice(start.length).split('__');
    const [name, field] = parts;
    if (parts.length !== 2 || !name || !ENTRY_NAME.test(name)) {
      fail(variable, `must look like ${start}<NAME>__<SETTING> (NAME: letters, digits, single underscores)`);
    }
    if (!ISSUER_FIELDS.includes(field as string)) {
      fail(variable, `names an unknown setting (known: ${ISSUER_FIELDS.join(', ')})`);
    }
    const raw = entries.get(name) ?? {};
    raw[field as string] = [variable, value];
    entries.set(name, raw);
  }
  return entries;
}

/** Builds one IssuerConfig; `scope` is the variable-name prefix used in messages for missing fields. */
function issuerConfig(raw: Raw, scope: string): IssuerConfig {
  const config: Record<string, unknown> = {};
  const pool: Record<string, unknown> = {};
  for (const field of ISSUER_ENV_FIELDS) {
    const v = raw[field.variable];
    if (v === undefined) continue;
    (field.target === 'cognito' ? pool : config)[field.option] = field.parse(v[0], v[1]);
  }
  const algs = raw.ALGORITHMS;
  if (algs && (config.algorithms as string[]).some((a) => a.startsWith('HS')) && !raw.HMAC_SECRET) {
    fail(algs[0], `lists an HS* algorithm but ${scope}HMAC_SECRET is not set`);
  }
  if (raw.COGNITO_REGION || raw.COGNITO_USER_POOL_ID) return cognitoConfig(raw, scope, config);

  // `CLIENT_ID=none` means "not checked", which is what leaving it out means for an OIDC issuer.
  if (config.clientId === null) delete config.clientId;
  if (!raw.ISSUER) fail(`${scope}ISSUER`, 'is required');
  if (!raw.AUDIENCE) {
    fail(
      `${scope}AUDIENCE`,
      `is required (comma-separated; "${NO_AUDIENCE}" opts out of audience checks explicitly)`,
    );
  }
  return config as unknown as IssuerConfig;
}

function cognitoConfig(raw: Raw, scope: string, rest: Record<string, unknown>): IssuerConfig {
  const region = raw.COGNITO_REGION;
  const pool = raw.COGNITO_USER_POOL_ID;
  if (!region) fail(`${scope}COGNITO_REGION`, `is required with ${scope}COGNITO_USER_POOL_ID`);
  if (!pool) fail(`${scope}COGNITO_USER_POOL_ID`, `is required with ${scope}COGNITO_REGION`);
  if (raw.ISSUER)
    fail(raw.ISSUER[0], `cannot be combined with ${scope}COGNITO_* (the issuer comes from the pool)`);
  if (raw.AUDIENCE) {
    fail(
      raw.AUDIENCE[0],
      `cannot be combined with ${scope}COGNITO_* (use ${scope}CLIENT_ID for the app client)`,
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/.test(pool[1]) || !pool[1].startsWith(`${region[1]}_`)) {
    fail(pool[0], `must look like <region>_<id> and match ${scope}COGNITO_REGION`);
  }
  if (rest.clientId === undefined) {
    fail(
      `${scope}CLIENT_ID`,
      `is required with ${scope}COGNITO_* (the app client id, or "${NO_AUDIENCE}" for any app client)`,
    );
  }
  const tokenUse = (rest.tokenUse as IssuerConfig['tokenUse']) ?? 'access';
  if (tokenUse === 'any')
    fail(raw.TOKEN_USE?.[0] ?? `${scope}TOKEN_USE`, 'must be access or id for a Cognito pool');
  const { clientId, tokenUse: _t, ...overrides } = rest;
  try {
    return cognito({
      region: region[1],
      userPoolId: pool[1],
      clientId: clientId as string[] | null,
      tokenUse,
      overrides,
    });
  } catch (e) {
    throw new ConfigurationError(
      `${scope}COGNITO_*: ${e instanceof Error ? e.message : 'invalid Cognito settings'}`,
    );
  }
}
