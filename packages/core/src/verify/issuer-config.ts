/**
 * Validation and normalisation of IssuerConfig into what the hot path reads (sets, seconds, parsed claim
 * paths). Option mistakes throw TypeError naming the option, at creation.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { JwksSource, type ResolvedJwksOptions, resolveJwksOptions } from '../jwks/jwks-source.ts';
import type { EventHub } from '../observe/event-hub.ts';
import type { FetchLike, JwksOptions } from '../jwks/types.ts';
import type { Clock } from '../types.ts';
import type { CryptoBackend, KeyHandle } from './crypto/types.ts';
import type { Algorithm, IssuerConfig, TokenUseOption } from './options.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { ISSUER_CONFIG_KEYS, JWKS_OPTION_KEYS } from '../options/option-keys.ts';

export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export const SYMMETRIC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
const KNOWN = new Set<string>([...ASYMMETRIC_ALGORITHMS, ...SYMMETRIC_ALGORITHMS]);

export const DEFAULT_GROUPS_CLAIMS = ['groups', 'cognito:groups', 'roles', 'realm_access.roles'];
const MIN_SECRET_BYTES = 32;

/** The per-request rules of one issuer entry (also built from per-call overrides). */
export interface ClaimRules {
  issuer: string;
  audience: ReadonlySet<string> | null;
  tokenUse: TokenUseOption;
  clientIds: ReadonlySet<string> | null;
  /** Normalised (lower case, no `application/`), or null when not required. */
  typ: string | null;
  clockToleranceSeconds: number;
  maxTokenAgeSeconds: number | null;
  maxLifetimeSeconds: number | null;
  requiredClaims: readonly string[];
  cognito: boolean;
}

export interface IssuerRuntime extends ClaimRules {
  algorithms: ReadonlySet<string>;
  userIdClaim: string;
  /** Claim name as given, and its dot path (a namespaced claim such as https://x.example/roles is tried whole first). */
  groupsPaths: readonly { name: string; path: readonly string[] }[];
  organizationsClaim: string;
  source: JwksSource | undefined;
  /** The source's key in `IssuerContext.sources` (to release it when a resolved issuer is dropped). */
  sourceKey: string | undefined;
  /** Imported HMAC secret per HS alg. */
  secretKeys: Map<string, KeyHandle | Promise<KeyHandle>>;
  /** The issuer's own DPoP mode, or null to follow the authenticator's. */
  dpop: 'off' | 'allowed' | 'required' | null;
}

export interface IssuerContext {
  fetch: FetchLike;
  clock: Clock;
  crypto: CryptoBackend;
  jwks: JwksOptions | undefined;
  /** Shared sources by JWKS URI (one cache per URI even if several entries use it). */
  sources: Map<string, JwksSource>;
  /** Where key sources report refreshes, rotations and failures. */
  events?: EventHub;
}

const where = (i: number | string) => (typeof i === 'number' ? `issuers[${i}]` : i);

export function normalizeTypOption(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice('application/'.length) : t;
}

export function toStringSet(
  value: string | readonly string[] | null | undefined,
  name: string,
): ReadonlySet<string> | null {
  if (value === null || value === undefined) return null;
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new ConfigurationError(
      `${name} must be a non-empty string or a non-empty array of non-empty strings`,
    );
  }
  return new Set(list);
}

function seconds(value: unknown, name: string, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a non-negative number of seconds`);
  }
  return value;
}

export function checkTokenUse(value: unknown, name: string): TokenUseOption {
  if (value === undefined) return 'access';
  if (value !== 'access' && value !== 'id' && value !== 'any') {
    throw new ConfigurationError(`${name} must be 'access', 'id' or 'any'`);
  }
  return value;
}

export function defaultRequiredClaims(tokenUse: TokenUseOption): readonly string[] {
  return tokenUse === 'id' ? ['iss', 'sub', 'aud', 'exp', 'iat'] : ['iss', 'sub', 'exp', 'iat'];
}

export function normalizeIssuer(
  config: IssuerConfig,
  index: number | string,
  ctx: IssuerContext,
): IssuerRuntime {
  const at = where(index);
  if (typeof config !== 'object' || config === null) throw new ConfigurationError(`${at} must be an object`);
  assertKnownKeys(config, ISSUER_CONFIG_KEYS, at);
  assertKnownKeys(config.jwks, JWKS_OPTION_KEYS, `${at}.jwks`);
  if (typeof config.issuer !== 'string' || config.issuer === '') {
    throw new ConfigurationError(`${at}.issuer must be a non-empty string`);
  }
  if (!('audience' in config) || config.audience === undefined) {
    throw new ConfigurationError(
      `${at}.audience is required (pass null to opt out of the audience check explicitly)`,
    );
  }
  const audience = toStringSet(config.audience, `${at}.audience`);
  const secret =
    config.secret === undefined
      ? undefined
      : typeof config.secret === 'string'
        ? new TextEncoder().encode(config.secret)
        : config.secret instanceof Uint8Array
          ? config.secret
          : null;
  if (secret === null) throw new ConfigurationError(`${at}.secret must be a string or a Uint8Array`);
  if (secret !== undefined && secret.byteLength < MIN_SECRET_BYTES) {
    throw new ConfigurationError(`${at}.secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  const algorithms =
    config.algorithms ?? (secret !== undefined ? SYMMETRIC_ALGORITHMS : ASYMMETRIC_ALGORITHMS);
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new ConfigurationError(`${at}.algorithms must be a non-empty array`);
  }
  for (const alg of algorithms) {
    if (typeof alg !== 'string' || !KNOWN.has(alg)) {
      throw new ConfigurationError(
        `${at}.algorithms contains an unsupported algorithm (none is never allowed)`,
      );
    }
    if (alg.startsWith('HS') && secret === undefined) {
      throw new ConfigurationError(`${at}.algorithms allows ${alg}, which requires ${at}.secret`);
    }
  }
  const tokenUse = checkTokenUse(config.tokenUse, `${at}.tokenUse`);
  const clientIds = toStringSet(config.clientId, `${at}.clientId`);
  if (config.typ !== undefined && (typeof config.typ !== 'string' || config.typ === '')) {
    throw new ConfigurationError(`${at}.typ must be a non-empty string`);
  }
  const requiredClaims = config.requiredClaims ?? defaultRequiredClaims(tokenUse);
  if (!Array.isArray(requiredClaims) || requiredClaims.some((c) => typeof c !== 'string' || c === '')) {
    throw new ConfigurationError(`${at}.requiredClaims must be an array of claim names`);
  }
  const userIdClaim = config.userIdClaim ?? 'sub';
  if (typeof userIdClaim !== 'string' || userIdClaim === '') {
    throw new ConfigurationError(`${at}.userIdClaim must be a non-empty string`);
  }
  const groupsClaims = config.groupsClaims ?? DEFAULT_GROUPS_CLAIMS;
  if (!Array.isArray(groupsClaims) || groupsClaims.some((c) => typeof c !== 'string' || c === '')) {
    throw new ConfigurationError(`${at}.groupsClaims must be an array of claim paths`);
  }
  const organizationsClaim = config.organizationsClaim ?? 'organizations';
  if (typeof organizationsClaim !== 'string' || organizationsClaim === '') {
    throw new ConfigurationError(`${at}.organizationsClaim must be a non-empty string`);
  }
  if (
    config.jwksUri !== undefined &&
    (typeof config.jwksUri !== 'string' || !/^https?:\/\//i.test(config.jwksUri))
  ) {
    throw new ConfigurationError(`${at}.jwksUri must be an http(s) URL`);
  }
  if (config.cognito && tokenUse === 'any')
    throw new ConfigurationError(`${at}.tokenUse must be 'access' or 'id' for Cognito`);
  const dpop = config.dpop ?? null;
  if (dpop !== null && dpop !== 'off' && dpop !== 'allowed' && dpop !== 'required')
    throw new ConfigurationError(`${at}.dpop must be 'off', 'allowed' or 'required'`);

  let source: JwksSource | undefined;
  let sourceKey: string | undefined;
  if (algorithms.some((a) => !a.startsWith('HS'))) {
    let jwksOptions: ResolvedJwksOptions;
    try {
      jwksOptions = resolveJwksOptions(ctx.jwks, config.jwks);
    } catch (e) {
      throw new ConfigurationError(`${at}: ${(e as Error).message}`);
    }
    // Discovery reads `<issuer>/.well-known/openid-configuration`: an issuer without a scheme
    // (`127.0.0.1:4000`) would only fail at the first request.
    if (config.jwksUri === undefined && !/^https?:\/\/[^/]/i.test(config.issuer)) {
      throw new ConfigurationError(
        `${at}.issuer must be an http(s) URL when keys are discovered (or set ${at}.jwksUri)`,
      );
    }
    const cacheKey = config.jwksUri ?? `discovery:${config.issuer}`;
    sourceKey = cacheKey;
    source = ctx.sources.get(cacheKey);
    if (!source) {
      source = new JwksSource({
        uri: config.jwksUri,
        issuer: config.issuer,
        options: jwksOptions,
        fetch: ctx.fetch,
        clock: ctx.clock,
        crypto: ctx.crypto,
        events: ctx.events,
      });
      ctx.sources.set(cacheKey, source);
    }
  }
  const secretKeys = new Map<string, KeyHandle | Promise<KeyHandle>>();
  if (secret !== undefined) {
    for (const alg of algorithms) {
      if (!alg.startsWith('HS')) continue;
      const k = ctx.crypto.importSecret(secret, alg as 'HS256');
      secretKeys.set(alg, k);
      if (k instanceof Promise) {
        k.then(
          (v) => secretKeys.set(alg, v),
          () => secretKeys.delete(alg),
        );
      }
    }
  }

  return {
    issuer: config.issuer,
    audience,
    tokenUse,
    clientIds,
    typ: config.typ === undefined ? null : normalizeTypOption(config.typ),
    clockToleranceSeconds: seconds(config.clockToleranceSeconds, `${at}.clockToleranceSeconds`, 5)!,
    maxTokenAgeSeconds: seconds(config.maxTokenAgeSeconds, `${at}.maxTokenAgeSeconds`, null),
    maxLifetimeSeconds: seconds(config.maxLifetimeSeconds, `${at}.maxLifetimeSeconds`, null),
    requiredClaims: [...requiredClaims],
    cognito: config.cognito === true,
    algorithms: new Set<Algorithm>(algorithms),
    userIdClaim,
    groupsPaths: groupsClaims.map((name) => ({ name, path: name.split('.') })),
    organizationsClaim,
    source,
    sourceKey,
    secretKeys,
    dpop,
  };
}
