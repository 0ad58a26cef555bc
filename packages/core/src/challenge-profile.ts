/**
 * Challenge profiles: how an authenticator challenges (DPoP schemes and algorithms, RFC 9728
 * `resource_metadata`), attached to each AuthError it reports so every adapter renders the same
 * `WWW-Authenticate`. Internal: authenticators and the binding attach them, `AuthError` reads them.
 */
import type { AuthError, ChallengeScheme } from './errors.ts';

const PROFILE = Symbol.for('@auth/core.AuthError.profile');
const EXTRAS = Symbol.for('@auth/core.AuthError.extras');

/**
 * How an authenticator challenges, attached to each of its errors: which schemes it accepts (DPoP
 * `off`, `allowed` beside Bearer, or `required`), the DPoP algorithms it lists, its RFC 9728
 * metadata URL, and the scheme the failing request used. Built by core, never by hand.
 */
export interface ChallengeProfile {
  readonly dpop: 'off' | 'allowed' | 'required';
  readonly algs: readonly string[];
  readonly resourceMetadata: string | undefined;
  /** The scheme the request used; the error's attributes go on that challenge. */
  readonly scheme: ChallengeScheme;
  /** Identifies the profile in the rendered-response cache. */
  readonly key: string;
}

/**
 * `error` with its challenge written for `profile` (a copy; the original is never changed), like
 * `withRealm`. Internal: authenticators attach their profile to every error they report.
 *
 * @example
 * const tagged = withChallengeProfile(error, profile); // tagged.headers['www-authenticate'] lists DPoP too
 */
export function withChallengeProfile<E extends AuthError>(
  error: E,
  profile: ChallengeProfile | undefined,
): E {
  const current = (error as { [PROFILE]?: ChallengeProfile })[PROFILE];
  if (profile === undefined || current === profile) return error;
  const descriptors: PropertyDescriptorMap = Object.getOwnPropertyDescriptors(error);
  delete (descriptors as Record<PropertyKey, unknown>)[PROFILE];
  const copy = Object.create(Object.getPrototypeOf(error), descriptors);
  Object.defineProperty(copy, PROFILE, { value: profile });
  return copy as E;
}

/** The profile attached to an error, if any (internal; for the rendered-response cache key). */
export function challengeProfileOf(error: AuthError): ChallengeProfile | undefined {
  return (error as { [PROFILE]?: ChallengeProfile })[PROFILE];
}

/** Cache key of what an error adds to the RFC 6750 rendering (internal). */
export function challengeKeyOf(error: AuthError): string {
  const profile = challengeProfileOf(error);
  const extras = (error as { [EXTRAS]?: { key: string } })[EXTRAS];
  return profile === undefined && extras === undefined ? '' : `${profile?.key ?? ''}|${extras?.key ?? ''}`;
}
