/**
 * `verifierOptionsFromEnv`: verifier/authenticator options from environment variables, for one
 * issuer (`AUTH_ISSUER`, …) or several (`AUTH__ISSUERS__<NAME>__ISSUER`, …). Reads only the object it
 * is given (no `node:` imports), so it also works with Workers' `env` bindings.
 */
import { validateRealm } from '../authenticator.ts';
import type { TokenLocations } from '../extract/index.ts';
import { cognito } from '../verify/cognito.ts';
import { ASYMMETRIC_ALGORITHMS, SYMMETRIC_ALGORITHMS } from '../verify/issuer-config.ts';
import type { Algorithm, IssuerConfig, TokenUseOption, VerifierOptions } from '../verify/options.ts';
import type { JwksOptions } from '../jwks/types.ts';
import { bool, fail, httpUrl, integer, list, oneOf, seconds, word } from './parse.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { FROM_ENV_OPTION_KEYS } from '../options/option-keys.ts';

export type EnvLike = Readonly<Record<string, string | undefined>>;

export interface FromEnvOptions {
  /** Variable prefix (default `AUTH`): `AUTH_ISSUER`, `AUTH__ISSUERS__<NAME>__ISSUER`. */
  prefix?: string;
  /** Values used when a variable is unset or empty (e.g. a local identity provider's issuer). */
  defaults?: EnvLike;
}

/** Verifier options plus the authenticator settings that have a variable (realm, token locations). */
export type EnvVerifierOptions = VerifierOptions & { realm?: string; tokenLocations?: TokenLocations };

/** The audience spelling that opts out of audience checks explicitly. */
export const NO_AUDIENCE = 'none';

export const ALGORITHMS: readonly Algorithm[] = [...ASYMMETRIC_ALGORITHMS, ...SYMMETRIC_ALGORITHMS];
const TOKEN_USES: readonly TokenUseOption[] = ['access', 'id', 'any'];

/** Per-issuer settings: `<P>_<FIELD>` (single issuer / defaults) or `<P>__ISSUERS__<NAME>__<FIELD>`. */
export const ISSUER_FIELDS = [
  'ISSUER',
  'AUDIENCE',
  'JWKS_URI',
  'ALGORITHMS',
  'HMAC_SECRET',
  'TOKEN_USE',
  'CLIENT_ID',
  'TYP',
  'CLOCK_TOLERANCE',
  'MAX_TOKEN_AGE',
  'MAX_LIFETIME',
  'REQUIRED_CLAIMS',
  'USER_ID_CLAIM',
  'GROUPS_CLAIMS',
  'ORGANIZATIONS_CLAIM',
  'COGNITO_REGION',
  'COGNITO_USER_POOL_ID',
] as const;
type IssuerField = (typeof ISSUER_FIELDS)[number];

/** Fields that identify an issuer: at top level they conflict with `__ISSUERS__` entries. */
const IDENTITY: ReadonlySet<IssuerField> = new Set([
  'ISSUER',
  'AUDIENCE',
  'JWKS_URI',
  'CLIENT_ID',
  'HMAC_SECRET',
  'COGNITO_REGION',
  'COGNITO_USER_POOL_ID',
]);

/** Raw values of one issuer entry: field → [variable name, value]. */
type Raw = Partial<Record<IssuerField, readonly [name: string, value: string]>>;

const PREFIX = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$/;
const ENTRY_NAME = /^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$/;

function defaultEnv(): EnvLike {
  const proc = (globalThis as { process?: { env?: EnvLike } }).process;
  return proc?.env ?? {};
}

/**
 * Options for `createVerifier` / `createAuthenticator` from environment variables. Throws a
 * TypeError naming the variable when one is missing or invalid. Empty values count as unset.
 */
export function verifierOptionsFromEnv(
  env: EnvLike = defaultEnv(),
  options: FromEnvOptions = {},
): EnvVerifierOptions {
  if (env === null || typeof env !== 'object')
    throw new TypeError('verifierOptionsFromEnv(): env must be an object');
  assertKnownKeys(options, FROM_ENV_OPTION_KEYS, 'verifierOptionsFromEnv()');
  const prefix = options.prefix ?? 'AUTH';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new TypeError(
      'verifierOptionsFromEnv(): prefix must be letters and digits separated by single underscores',
    );
  }
  const get = (name: string): string | undefined => {
    const v = readVar(env, name) ?? readVar(options.defaults ?? {}, name);
    return v;
  };

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

  const result: EnvVerifierOptions = { issuers };
  const realm = get(`${prefix}_REALM`);
  if (realm !== undefined) result.realm = validateRealm(realm, `${prefix}_REALM`);
  const cacheSize = get(`${prefix}_TOKEN_CACHE_SIZE`);
  if (cacheSize !== undefined) result.cacheSize = integer(`${prefix}_TOKEN_CACHE_SIZE`, cacheSize);
  const maxBytes = get(`${prefix}_MAX_TOKEN_BYTES`);
  if (maxBytes !== undefined)
    result.maxTokenBytes = integer(`${prefix}_MAX_TOKEN_BYTES`, maxBytes, { min: 1 });
  const signatures = get(`${prefix}_SIGNATURE_VERIFICATION`);
  if (signatures !== undefined) {
    result.signatureVerification = oneOf(`${prefix}_SIGNATURE_VERIFICATION`, signatures, [
      'threadpool',
      'sync',
    ] as const);
  }

  const locations: TokenLocations = {};
  const query = get(`${prefix}_TOKEN_QUERY`);
  if (query !== undefined) locations.query = queryOption(`${prefix}_TOKEN_QUERY`, query);
  const body = get(`${prefix}_TOKEN_BODY`);
  if (body !== undefined) locations.body = bool(`${prefix}_TOKEN_BODY`, body);
  if (query !== undefined || body !== undefined) result.tokenLocations = locations;

  const jwks: JwksOptions = {};
  const jwksVars: [keyof JwksOptions, string][] = [
    ['ttl', 'JWKS_TTL'],
    ['cooldown', 'JWKS_COOLDOWN'],
    ['timeout', 'JWKS_TIMEOUT'],
    ['staleIfError', 'JWKS_STALE_IF_ERROR'],
  ];
  for (const [key, suffix] of jwksVars) {
    const name = `${prefix}_${suffix}`;
    const v = get(name);
    if (v !== undefined) (jwks as Record<string, number>)[key] = Math.round(seconds(name, v) * 1000);
  }
  if (Object.keys(jwks).length > 0) result.jwks = jwks;
  return result;
}

function readVar(env: EnvLike, name: string): string | undefined {
  const v = env[name];
  if (typeof v !== 'string') return undefined;
  const trimmed = v.trim();
  return trimmed === '' ? undefined : trimmed;
}

function queryOption(name: string, value: string): boolean | string {
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  if (!/^[A-Za-z0-9\-._~]{1,64}$/.test(value)) fail(name, 'must be true, false or a query parameter name');
  return value;
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
    if (!(ISSUER_FIELDS as readonly string[]).includes(field as string)) {
      fail(variable, `names an unknown setting (known: ${ISSUER_FIELDS.join(', ')})`);
    }
    const raw = entries.get(name) ?? {};
    raw[field as IssuerField] = [variable, value];
    entries.set(name, raw);
  }
  return entries;
}

/** Builds one IssuerConfig; `scope` is the variable-name prefix used in messages for missing fields. */
function issuerConfig(raw: Raw, scope: string): IssuerConfig {
  const config: Partial<IssuerConfig> = {};
  const val = (field: IssuerField) => raw[field];

  const algs = val('ALGORITHMS');
  if (algs) {
    const items = list(algs[0], algs[1]);
    config.algorithms = items.map((item, i) => {
      if (item.toLowerCase() === 'none')
        fail(algs[0], `item ${i + 1}: the "none" algorithm is never allowed`);
      const alg = ALGORITHMS.find((a) => a.toLowerCase() === item.toLowerCase());
      if (alg === undefined)
        fail(algs[0], `item ${i + 1} is not a supported algorithm (${ALGORITHMS.join(', ')})`);
      return alg;
    });
    if (config.algorithms.some((a) => a.startsWith('HS')) && !val('HMAC_SECRET')) {
      fail(algs[0], `lists an HS* algorithm but ${scope}HMAC_SECRET is not set`);
    }
  }
  const secret = val('HMAC_SECRET');
  if (secret) {
    if (secret[1].length < 32) fail(secret[0], 'must be at least 32 characters');
    config.secret = secret[1];
  }
  const tokenUse = val('TOKEN_USE');
  if (tokenUse) config.tokenUse = oneOf(tokenUse[0], tokenUse[1], TOKEN_USES);
  const clientId = val('CLIENT_ID');
  if (clientId) config.clientId = list(clientId[0], clientId[1]);
  const typ = val('TYP');
  if (typ) config.typ = word(typ[0], typ[1]);
  const tolerance = val('CLOCK_TOLERANCE');
  if (tolerance) config.clockTolerance = seconds(tolerance[0], tolerance[1]);
  const maxAge = val('MAX_TOKEN_AGE');
  if (maxAge) config.maxTokenAge = seconds(maxAge[0], maxAge[1], { positive: true });
  const maxLifetime = val('MAX_LIFETIME');
  if (maxLifetime) config.maxLifetime = seconds(maxLifetime[0], maxLifetime[1], { positive: true });
  const required = val('REQUIRED_CLAIMS');
  if (required) config.requiredClaims = list(required[0], required[1]);
  const userId = val('USER_ID_CLAIM');
  if (userId) config.userIdClaim = word(userId[0], userId[1]);
  const groups = val('GROUPS_CLAIMS');
  if (groups) config.groupsClaims = list(groups[0], groups[1]);
  const orgs = val('ORGANIZATIONS_CLAIM');
  if (orgs) config.organizationsClaim = word(orgs[0], orgs[1]);
  const jwksUri = val('JWKS_URI');
  if (jwksUri) config.jwksUri = httpUrl(jwksUri[0], jwksUri[1]);

  const region = val('COGNITO_REGION');
  const pool = val('COGNITO_USER_POOL_ID');
  if (region || pool) return cognitoConfig(raw, scope, config);

  const issuer = val('ISSUER');
  if (!issuer) fail(`${scope}ISSUER`, 'is required');
  config.issuer = word(issuer[0], issuer[1]);
  const audience = val('AUDIENCE');
  if (!audience) {
    fail(
      `${scope}AUDIENCE`,
      `is required (comma-separated; "${NO_AUDIENCE}" opts out of audience checks explicitly)`,
    );
  }
  config.audience = audience[1] === NO_AUDIENCE ? null : list(audience[0], audience[1]);
  return config as IssuerConfig;
}

function cognitoConfig(raw: Raw, scope: string, rest: Partial<IssuerConfig>): IssuerConfig {
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
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region[1])) fail(region[0], 'must be an AWS region such as eu-west-1');
  if (!/^[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+$/.test(pool[1]) || !pool[1].startsWith(`${region[1]}_`)) {
    fail(pool[0], `must look like <region>_<id> and match ${scope}COGNITO_REGION`);
  }
  if (!rest.clientId) fail(`${scope}CLIENT_ID`, `is required with ${scope}COGNITO_* (the app client id)`);
  const tokenUse = rest.tokenUse ?? 'access';
  if (tokenUse === 'any')
    fail(raw.TOKEN_USE?.[0] ?? `${scope}TOKEN_USE`, 'must be access or id for a Cognito pool');
  const { clientId, tokenUse: _t, ...overrides } = rest;
  try {
    return cognito({
      region: region[1],
      userPoolId: pool[1],
      clientId: clientId as string[],
      tokenUse,
      overrides,
    });
  } catch (e) {
    throw new TypeError(`${scope}COGNITO_*: ${e instanceof Error ? e.message : 'invalid Cognito settings'}`);
  }
}
