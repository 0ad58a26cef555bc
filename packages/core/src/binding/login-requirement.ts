/**
 * Step-up for web login (RFC 9470 applied to a browser session): what a page demands of the
 * session's login — an `acr` among a list, an `auth_time` recent enough — compiled once at setup
 * (ConfigurationError, a TypeError, on misuse), checked per request against the session's ID token claims.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { acrList } from '../login/authorization-url.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';

/**
 * What `requireLogin(options)` demands of a session, on every adapter.
 *
 * @example
 * app.get('/payments', requireLogin({ acr: ['urn:example:mfa'], maxAgeSeconds: 600 }), handler);
 */
export interface LoginRequirementOptions {
  /** Authentication levels strong enough (any one): the session's ID token `acr` must be one of them. */
  acr?: string | readonly string[];
  /** The user must have authenticated (ID token `auth_time`) at most this many seconds ago (5 s tolerance). */
  maxAgeSeconds?: number;
}

/**
 * A compiled requirement (`loginRequirement()`): pass it to `routes.requireLogin(request, loaded, requirement)`.
 *
 * @example
 * const mfa: LoginRequirement = loginRequirement({ acr: 'urn:example:mfa' }, 'requireLogin()')!;
 */
export interface LoginRequirement {
  readonly acrValues: readonly string[] | undefined;
  readonly maxAgeSeconds: number | undefined;
  /** True when ID token claims meet it at `nowMs`. */
  satisfiedBy(claims: Readonly<Record<string, unknown>>, nowMs: number): boolean;
}

const KEYS = ['acr', 'maxAgeSeconds'] as const;
const TOLERANCE_SECONDS = 5;
// The largest max_age GET /login passes on (nine digits): a larger one could not round-trip.
const MAX_AGE_LIMIT = 999_999_999;

/**
 * Compiles `requireLogin`'s options: `undefined` (no options) is no requirement; anything else is
 * checked now (ConfigurationError naming `where`): unknown keys, an empty or malformed `acr` list, a
 * `maxAgeSeconds` that is not an integer in 0..999999999, or neither given.
 *
 * @example
 * const requirement = loginRequirement({ acr: ['urn:example:mfa'] }, '@auth/express requireLogin()');
 */
export function loginRequirement(options: unknown, where: string): LoginRequirement | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ConfigurationError(`${where}: options must be an object ({ acr, maxAgeSeconds })`);
  assertKnownKeys(options, KEYS, where);
  const { acr, maxAgeSeconds } = options as LoginRequirementOptions;
  if (acr === undefined && maxAgeSeconds === undefined)
    throw new ConfigurationError(`${where}: give acr and/or maxAgeSeconds (or no options at all)`);
  const acrValues = acr === undefined ? undefined : Object.freeze(acrList(acr, `${where}: acr`));
  if (
    maxAgeSeconds !== undefined &&
    !(Number.isSafeInteger(maxAgeSeconds) && maxAgeSeconds >= 0 && maxAgeSeconds <= MAX_AGE_LIMIT)
  ) {
    throw new ConfigurationError(
      `${where}: maxAgeSeconds must be an integer number of seconds in 0..${MAX_AGE_LIMIT}`,
    );
  }
  const accepted = new Set(acrValues ?? []);
  return Object.freeze({
    acrValues,
    maxAgeSeconds,
    satisfiedBy(claims: Readonly<Record<string, unknown>>, nowMs: number): boolean {
      if (acrValues !== undefined && !(typeof claims.acr === 'string' && accepted.has(claims.acr)))
        return false;
      if (maxAgeSeconds === undefined) return true;
      const authTime = claims.auth_time;
      if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return false;
      return nowMs / 1000 - authTime <= maxAgeSeconds + TOLERANCE_SECONDS;
    },
  });
}

/**
 * Two requirements that both apply (a controller's and its route's): the session must meet each, so
 * the result asks for the `acr` values both accept and the shorter `maxAgeSeconds`. A route's own
 * requirement never loosens its controller's. Acr lists with no value in common cannot both be met:
 * a ConfigurationError naming `where`.
 *
 * @example
 * const both = bothLoginRequirements(controllerRequirement, routeRequirement, '@auth/nest @StepUpLogin()');
 */
export function bothLoginRequirements(
  first: LoginRequirement,
  second: LoginRequirement,
  where: string,
): LoginRequirement {
  const a = first.acrValues;
  const b = second.acrValues;
  const acr = a && b ? a.filter((value) => b.includes(value)) : (a ?? b);
  if (acr !== undefined && acr.length === 0)
    throw new ConfigurationError(
      `${where}: the acr values ${JSON.stringify(a)} and ${JSON.stringify(b)} have none in common: no login can meet both`,
    );
  const ages = [first.maxAgeSeconds, second.maxAgeSeconds].filter((s): s is number => s !== undefined);
  return loginRequirement(
    {
      ...(acr === undefined ? {} : { acr }),
      ...(ages.length === 0 ? {} : { maxAgeSeconds: Math.min(...ages) }),
    },
    where,
  ) as LoginRequirement;
}
