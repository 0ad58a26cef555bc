/**
 * The `Authenticator` contract adapters consume: one object that knows whether a request carries its
 * kind of credentials and turns them into a Principal or an AuthError. Bearer tokens, API keys and
 * their combination all implement it.
 */
import { ConfigurationError } from './configuration-error.ts';
import type { ChallengeProfile } from './challenge-profile.ts';
import type { ResourceMetadata } from './metadata/protected-resource.ts';
import { DEFAULT_REALM } from './errors.ts';
import type { Principal, RequestLike } from './types.ts';

/**
 * Per-call options of `Authenticator.authenticate`.
 *
 * @example
 * const principal = await auth.authenticate(req, { optional: true }); // undefined without credentials
 */
export interface AuthenticateOptions {
  /** Resolve undefined instead of throwing MissingTokenError when the request has no credentials at all. */
  optional?: boolean;
}

/**
 * Finds and checks the credentials of a request: a Principal, or an AuthError thrown.
 *
 * @example
 * const auth: Authenticator = createAuthenticator({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] });
 * const principal = await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
 */
export interface Authenticator {
  readonly realm: string;
  /** true when the request carries credentials this authenticator handles (never throws) */
  hasCredentials(req: RequestLike): boolean;
  /** throws AuthError; resolves undefined only with { optional: true } and no credentials at all */
  authenticate(req: RequestLike, options?: AuthenticateOptions): Promise<Principal | undefined>;
  close(): void;
}

const AUTHENTICATOR = Symbol.for('@auth/core.Authenticator');

/** Marks an object as an Authenticator made by this library (any copy of it). */
export function brandAuthenticator<T extends Authenticator>(authenticator: T): T {
  Object.defineProperty(authenticator, AUTHENTICATOR, { value: true });
  return authenticator;
}

/**
 * True for an Authenticator: ours (branded, across package copies) or any object with the same shape.
 *
 * @example
 * const auth = isAuthenticator(value) ? value : createAuthenticator(value);
 */
export function isAuthenticator(value: unknown): value is Authenticator {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<PropertyKey, unknown>;
  if (v[AUTHENTICATOR] === true) return true;
  return (
    typeof v.authenticate === 'function' &&
    typeof v.hasCredentials === 'function' &&
    typeof v.realm === 'string'
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
const CONTROL = /[\u0000-\u001f\u007f]/;
// A realm goes into a header as a quoted-string: printable ASCII only (`"` and `\` are escaped).
const NOT_REALM_CHAR = /[^\x20-\x7e]/;

/**
 * Validates a realm at setup: a non-empty string of at most 256 printable ASCII characters (no control
 * characters, no non-ASCII text, which a `WWW-Authenticate` header cannot carry).
 *
 * @example
 * validateRealm('orders api'); // 'orders api'
 * validateRealm('café'); // throws TypeError
 */
export function validateRealm(realm: unknown, name = 'realm'): string {
  if (realm === undefined) return DEFAULT_REALM;
  if (typeof realm !== 'string' || realm.length === 0 || realm.length > 256) {
    throw new ConfigurationError(`${name} must be a non-empty string of at most 256 characters`);
  }
  if (CONTROL.test(realm)) throw new ConfigurationError(`${name} must not contain control characters`);
  if (NOT_REALM_CHAR.test(realm)) {
    throw new ConfigurationError(`${name} must contain only printable ASCII characters (no non-ASCII text)`);
  }
  return realm;
}

/**
 * The cached principal for a request, without a promise: what this package's bearer authenticator
 * registers so the binding layer can finish a cached request synchronously. Undefined on a miss (then
 * `authenticate()` runs); a promise when a `customCheck` still has to answer.
 */
export type PeekCached = (req: RequestLike) => Principal | Promise<Principal> | undefined;

// Module-local, like the verifier's internals: a copy or wrapper of an authenticator has none.
const peeks = new WeakMap<Authenticator, PeekCached>();

/** Records the cache peek of an authenticator `createAuthenticator` just built. Internal. */
export function registerPeek(authenticator: Authenticator, peek: PeekCached): void {
  peeks.set(authenticator, peek);
}

/** The cache peek of an authenticator made by this package, else undefined. Internal. */
export function peekOf(authenticator: Authenticator): PeekCached | undefined {
  return peeks.get(authenticator);
}

const profiles = new WeakMap<Authenticator, ChallengeProfile>();

/** Records how an authenticator `createAuthenticator` built challenges (DPoP, RFC 9728). Internal. */
export function registerChallengeProfile(authenticator: Authenticator, profile: ChallengeProfile): void {
  profiles.set(authenticator, profile);
}

/** The challenge profile of an authenticator made by this package, else undefined. Internal. */
export function challengeProfileOfAuthenticator(authenticator: Authenticator): ChallengeProfile | undefined {
  return profiles.get(authenticator);
}

const metadataByAuthenticator = new WeakMap<Authenticator, ResourceMetadata>();

/** Records the RFC 9728 metadata an authenticator publishes. Internal. */
export function registerResourceMetadata(authenticator: Authenticator, metadata: ResourceMetadata): void {
  metadataByAuthenticator.set(authenticator, metadata);
}

/** The RFC 9728 metadata of an authenticator made by this package (with `resourceMetadata`). Internal. */
export function resourceMetadataOf(authenticator: Authenticator): ResourceMetadata | undefined {
  return metadataByAuthenticator.get(authenticator);
}
