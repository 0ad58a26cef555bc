/**
 * The one table of environment variables: each row names a variable, the option it sets, how its
 * value is parsed and checked, its default and what it means. `verifierOptionsFromEnv` and
 * `apiKeyOptionsFromEnv` read through it, and the README's variable tables are generated from it
 * (`pnpm --filter @auth/core docs:env`; a test fails when they drift).
 */
import { validateRealm } from '../authenticator.ts';
import { ConfigurationError } from '../configuration-error.ts';
import { headerName } from '../apikey/options.ts';
import { ASYMMETRIC_ALGORITHMS, SYMMETRIC_ALGORITHMS } from '../verify/issuer-config.ts';
import type { Algorithm, TokenUseOption } from '../verify/options.ts';
import { bool, fail, httpUrl, integer, list, oneOf, seconds, word } from './parse.ts';

/**
 * The audience / client-id spelling that opts out of the check explicitly.
 *
 * @example
 * verifierOptionsFromEnv({ AUTH_ISSUER: 'https://idp.example', AUTH_AUDIENCE: NO_AUDIENCE }); // audience: null
 */
export const NO_AUDIENCE = 'none';

export const ALGORITHMS: readonly Algorithm[] = [...ASYMMETRIC_ALGORITHMS, ...SYMMETRIC_ALGORITHMS];
const TOKEN_USES: readonly TokenUseOption[] = ['access', 'id', 'any'];

/**
 * Where a variable's value goes: an issuer entry (`IssuerConfig`, also per named entry), the inputs
 * of the `cognito()` preset, the verifier/authenticator options, or `apiKeyPairAuth()` options.
 */
export type EnvTarget = 'issuer' | 'cognito' | 'verifier' | 'apiKey' | 'secretStore';

export interface EnvField {
  /** Variable name without the prefix: `<PREFIX>_<variable>` (and `<PREFIX>__ISSUERS__<NAME>__<variable>` for issuer rows). */
  readonly variable: string;
  readonly target: EnvTarget;
  /** Option path inside the target, dot-separated (`jwks.ttlMs`). */
  readonly option: string;
  /** Kind of value, for the docs (`seconds`, `list`, `URL`, …). */
  readonly type: string;
  /** Parses and checks a (trimmed, non-empty) value; throws a TypeError naming `name`, never echoing the value. */
  readonly parse: (name: string, value: string) => unknown;
  /** What applies when the variable is unset (docs only: unset options keep the library's defaults). */
  readonly default: string;
  /** One line for the docs. */
  readonly description: string;
  /** Issuer rows that identify an issuer: at top level they cannot be combined with named entries. */
  readonly identity?: boolean;
}

/** Seconds in the environment, milliseconds in code. */
const millis =
  (opts: { positive?: boolean } = {}) =>
  (name: string, value: string): number =>
    Math.round(seconds(name, value, opts) * 1000);

function algorithms(name: string, value: string): Algorithm[] {
  return list(name, value).map((item, i) => {
    if (item.toLowerCase() === 'none') fail(name, `item ${i + 1}: the "none" algorithm is never allowed`);
    const alg = ALGORITHMS.find((a) => a.toLowerCase() === item.toLowerCase());
    if (alg === undefined)
      fail(name, `item ${i + 1} is not a supported algorithm (${ALGORITHMS.join(', ')})`);
    return alg;
  });
}

/** A list, or `null` for the explicit opt-out spelling `none`. */
function listOrNone(name: string, value: string): string[] | null {
  return value === NO_AUDIENCE ? null : list(name, value);
}

function queryOption(name: string, value: string): boolean | string {
  const v = value.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  if (!/^[A-Za-z0-9\-._~]{1,64}$/.test(value)) fail(name, 'must be true, false or a query parameter name');
  return value;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** An HTTP header name for the bearer token (letters, digits, dashes). */
function bearerHeader(name: string, value: string): string {
  if (!HEADER_NAME.test(value)) fail(name, 'must be a header name (letters, digits and dashes)');
  return value;
}

/** A token prefix (an auth scheme such as `Bearer` or `JWT`), or `none` for a header holding only the token. */
function bearerPrefix(name: string, value: string): string {
  if (value.toLowerCase() === NO_AUDIENCE) return '';
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}$/.test(value)) {
    fail(name, 'must be a scheme name (a token of letters, digits and !#$%&\'*+-.^_`|~) or "none"');
  }
  return value;
}

/** Runs an option check given the variable's name, so its ConfigurationError carries `variable`. */
function naming<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw new ConfigurationError((e as Error).message, { variable: name });
  }
}

function apiKeyHeader(name: string, value: string): string {
  // headerName's error names what it is given; give it the variable (and say it is one).
  return naming(name, () => headerName(value, name, ''));
}

/** Per-issuer settings, in the order they are documented and parsed. */
export const ISSUER_ENV_FIELDS: readonly EnvField[] = [
  {
    variable: 'ISSUER',
    target: 'issuer',
    option: 'issuer',
    type: 'string',
    parse: word,
    default: 'required (unless Cognito or named entries)',
    description: 'the trusted issuer (exact `iss`)',
    identity: true,
  },
  {
    variable: 'AUDIENCE',
    target: 'issuer',
    option: 'audience',
    type: 'list',
    parse: listOrNone,
    default: 'required',
    description: 'expected audience(s); the literal `none` is the explicit opt-out (`null`)',
    identity: true,
  },
  {
    variable: 'JWKS_URI',
    target: 'issuer',
    option: 'jwksUri',
    type: 'URL',
    parse: httpUrl,
    default: 'discovered from the issuer',
    description: 'JWKS location (http(s) URL)',
    identity: true,
  },
  {
    variable: 'ALGORITHMS',
    target: 'issuer',
    option: 'algorithms',
    type: 'list',
    parse: algorithms,
    default: 'RS/PS/ES 256-512, EdDSA',
    description: 'allowed algorithms (case-insensitive names); `none` is rejected; `HS*` need `HMAC_SECRET`',
  },
  {
    variable: 'HMAC_SECRET',
    target: 'issuer',
    option: 'secret',
    type: 'string',
    parse: (name, value) => (value.length < 32 ? fail(name, 'must be at least 32 characters') : value),
    default: '—',
    description: 'shared secret for HS* (at least 32 characters)',
    identity: true,
  },
  {
    variable: 'TOKEN_USE',
    target: 'issuer',
    option: 'tokenUse',
    type: '`access` \\| `id` \\| `any`',
    parse: (name, value) => oneOf(name, value, TOKEN_USES),
    default: '`access`',
    description: 'which token kind is accepted (Cognito: `access` or `id`)',
  },
  {
    variable: 'CLIENT_ID',
    target: 'issuer',
    option: 'clientId',
    type: 'list',
    parse: listOrNone,
    default: 'not checked (Cognito: required)',
    description:
      'accepted `client_id`/`azp` values (Cognito: the app client ids); `none` = any client, explicitly',
    identity: true,
  },
  {
    variable: 'TYP',
    target: 'issuer',
    option: 'typ',
    type: 'string',
    parse: word,
    default: 'not checked',
    description: 'required `typ` header, e.g. `at+jwt`',
  },
  {
    variable: 'CLOCK_TOLERANCE',
    target: 'issuer',
    option: 'clockToleranceSeconds',
    type: 'seconds',
    parse: (name, value) => seconds(name, value),
    default: '5',
    description: 'leeway for exp/nbf/iat',
  },
  {
    variable: 'MAX_TOKEN_AGE',
    target: 'issuer',
    option: 'maxTokenAgeSeconds',
    type: 'seconds > 0',
    parse: (name, value) => seconds(name, value, { positive: true }),
    default: '—',
    description: 'maximum age since `iat`',
  },
  {
    variable: 'MAX_LIFETIME',
    target: 'issuer',
    option: 'maxLifetimeSeconds',
    type: 'seconds > 0',
    parse: (name, value) => seconds(name, value, { positive: true }),
    default: '—',
    description: 'maximum `exp − iat`',
  },
  {
    variable: 'REQUIRED_CLAIMS',
    target: 'issuer',
    option: 'requiredClaims',
    type: 'list',
    parse: list,
    default: 'verifier default',
    description: 'claims that must be present',
  },
  {
    variable: 'USER_ID_CLAIM',
    target: 'issuer',
    option: 'userIdClaim',
    type: 'string',
    parse: word,
    default: '`sub`',
    description: 'claim used as `principal.subject`',
  },
  {
    variable: 'GROUPS_CLAIMS',
    target: 'issuer',
    option: 'groupsClaims',
    type: 'list',
    parse: list,
    default: 'verifier default',
    description: 'claim paths read for groups/roles',
  },
  {
    variable: 'ORGANIZATIONS_CLAIM',
    target: 'issuer',
    option: 'organizationsClaim',
    type: 'string',
    parse: word,
    default: '`organizations`',
    description: 'claim holding organizations',
  },
  {
    variable: 'COGNITO_REGION',
    target: 'cognito',
    option: 'region',
    type: 'AWS region',
    parse: (name, value) =>
      /^[a-z]{2}(-[a-z]+)+-\d+$/.test(value) ? value : fail(name, 'must be an AWS region such as eu-west-1'),
    default: '—',
    description:
      'with `COGNITO_USER_POOL_ID`: a Cognito pool instead of `ISSUER` (`cognito()`; needs `CLIENT_ID`; no `AUDIENCE`)',
    identity: true,
  },
  {
    variable: 'COGNITO_USER_POOL_ID',
    target: 'cognito',
    option: 'userPoolId',
    type: '`<region>_<id>`',
    parse: word,
    default: '—',
    description: 'the pool id, in the region of `COGNITO_REGION`',
    identity: true,
  },
];

/** Settings of the verifier and the authenticator (top level only). */
export const VERIFIER_ENV_FIELDS: readonly EnvField[] = [
  {
    variable: 'REALM',
    target: 'verifier',
    option: 'realm',
    type: 'string',
    parse: (name, value) => naming(name, () => validateRealm(value, name)),
    default: '`api`',
    description: 'realm of the `WWW-Authenticate` challenge (printable ASCII)',
  },
  {
    variable: 'TOKEN_CACHE_SIZE',
    target: 'verifier',
    option: 'cacheSize',
    type: 'integer ≥ 0',
    parse: (name, value) => integer(name, value),
    default: '10,000',
    description: 'verified-token cache entries (0 disables)',
  },
  {
    variable: 'SIGNATURE_VERIFICATION',
    target: 'verifier',
    option: 'signatureVerification',
    type: '`threadpool` \\| `sync`',
    parse: (name, value) => oneOf(name, value, ['threadpool', 'sync'] as const),
    default: '`threadpool`',
    description: 'signature backend (see [Signature backends](#signature-backends))',
  },
  {
    variable: 'MAX_TOKEN_BYTES',
    target: 'verifier',
    option: 'maxTokenBytes',
    type: 'integer ≥ 1',
    parse: (name, value) => integer(name, value, { min: 1 }),
    default: '8,192',
    description: 'larger tokens fail before any parsing',
  },
  {
    variable: 'TOKEN_QUERY',
    target: 'verifier',
    option: 'tokenLocations.query',
    type: 'boolean or name',
    parse: queryOption,
    default: 'off',
    description: 'accept `?access_token=` (`true`) or a parameter of that name',
  },
  {
    variable: 'TOKEN_BODY',
    target: 'verifier',
    option: 'tokenLocations.body',
    type: 'boolean',
    parse: bool,
    default: 'off',
    description: 'accept `access_token` in a form body',
  },
  {
    variable: 'TOKEN_HEADER',
    target: 'verifier',
    option: 'tokenLocations.tokenHeader',
    type: 'header name',
    parse: bearerHeader,
    default: '`Authorization`',
    description: 'header carrying the bearer token (one value, token68, no repeats)',
  },
  {
    variable: 'TOKEN_PREFIX',
    target: 'verifier',
    option: 'tokenLocations.tokenPrefix',
    type: 'scheme or `none`',
    parse: bearerPrefix,
    default: '`Bearer`',
    description: 'scheme before the token (case-insensitive); `none`: the header holds only the token',
  },
  {
    variable: 'JWKS_TTL',
    target: 'verifier',
    option: 'jwks.ttlMs',
    type: 'seconds',
    parse: millis(),
    default: '600',
    description: 'freshness of fetched keys',
  },
  {
    variable: 'JWKS_REFETCH_INTERVAL',
    target: 'verifier',
    option: 'jwks.unknownKidRefetchIntervalMs',
    type: 'seconds',
    parse: millis(),
    default: '5',
    description: 'unknown-`kid` refetch bucket: one token per interval',
  },
  {
    variable: 'JWKS_REFETCH_BURST',
    target: 'verifier',
    option: 'jwks.unknownKidRefetchBurst',
    type: 'integer ≥ 1',
    parse: (name, value) => integer(name, value, { min: 1 }),
    default: '1',
    description: 'unknown-`kid` refetches allowed back to back after a quiet period',
  },
  {
    variable: 'JWKS_COOLDOWN',
    target: 'verifier',
    option: 'jwks.unknownKidRefetchIntervalMs',
    type: 'seconds',
    parse: millis(),
    default: '—',
    description: 'former name of `JWKS_REFETCH_INTERVAL` (not both)',
  },
  {
    variable: 'JWKS_BACKOFF_MIN',
    target: 'verifier',
    option: 'jwks.failureBackoffMinMs',
    type: 'seconds',
    parse: millis(),
    default: '0.5',
    description: 'first wait after a failed JWKS fetch (doubles per failure)',
  },
  {
    variable: 'JWKS_BACKOFF_MAX',
    target: 'verifier',
    option: 'jwks.failureBackoffMaxMs',
    type: 'seconds',
    parse: millis(),
    default: '1.5',
    description: 'cap of that wait (≥ `JWKS_BACKOFF_MIN`)',
  },
  {
    variable: 'JWKS_TIMEOUT',
    target: 'verifier',
    option: 'jwks.timeoutMs',
    type: 'seconds',
    parse: millis(),
    default: '5',
    description: 'JWKS fetch timeout',
  },
  {
    variable: 'JWKS_STALE_IF_ERROR',
    target: 'verifier',
    option: 'jwks.staleIfErrorMs',
    type: 'seconds',
    parse: millis(),
    default: '3600',
    description: 'how long the last good keys serve past expiry while fetches fail',
  },
];

/** `apiKeyPairAuth()` header names (read by `apiKeyOptionsFromEnv`). */
export const API_KEY_ENV_FIELDS: readonly EnvField[] = [
  {
    variable: 'PRINCIPAL_ID_HEADER',
    target: 'apiKey',
    option: 'idHeader',
    type: 'header name',
    parse: apiKeyHeader,
    default: '`x-principal-id`',
    description: 'header carrying the principal (key) id',
  },
  {
    variable: 'PRINCIPAL_TOKEN_HEADER',
    target: 'apiKey',
    option: 'tokenHeader',
    type: 'header name',
    parse: apiKeyHeader,
    default: '`x-principal-token`',
    description: 'header carrying the principal secret',
  },
];

/** `secretsManagerStore()` (`@auth/aws`) settings, read by `secretStoreOptionsFromEnv()`. */
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

/** A variable read straight from `process.env` (fixed name, no prefix), outside the `…FromEnv` functions. */
export interface DirectEnvVariable {
  readonly variable: string;
  /** What reads it. */
  readonly readBy: string;
  readonly type: string;
  readonly default: string;
  readonly description: string;
}

/** Variables the library reads by themselves (documented with the tables; a test finds every read in `src`). */
export const DIRECT_ENV_VARIABLES: readonly DirectEnvVariable[] = [
  {
    variable: 'AUTH_DEBUG',
    readBy: 'every component with `onEvent` support, when created',
    type: '`1` \\| `true` \\| `yes`',
    default: 'off',
    description: 'print one line per auth event on stderr (like `debug: true`)',
  },
  {
    variable: 'UV_THREADPOOL_SIZE',
    readBy: 'the `threadpool` signature backend',
    type: 'integer',
    default: "Node's (4)",
    description: "Node's own setting, read to bound in-flight signature checks at 2 × its value",
  },
];

/** Every row, in documentation order. */
export const ENV_FIELDS: readonly EnvField[] = [
  ...ISSUER_ENV_FIELDS,
  ...VERIFIER_ENV_FIELDS,
  ...API_KEY_ENV_FIELDS,
  ...SECRET_STORE_ENV_FIELDS,
];
