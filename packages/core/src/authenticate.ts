/**
 * `createAuthenticator`: extract + verify for bearer tokens, and `oneOfAuthenticators` to accept one of
 * several credential kinds (e.g. a bearer token or API-key headers, never both). Adapters only call
 * `authenticate(req)` and render the AuthError it throws.
 */
import { ConfigurationError } from './configuration-error.ts';
import { type ChallengeProfile, challengeProfileOf, withChallengeProfile } from './challenge-profile.ts';
import { InvalidRequestError, InvalidTokenError, MissingTokenError, toAuthError } from './errors.ts';
import type { AuthError } from './errors.ts';
import { backend as defaultCrypto } from '#crypto';
import { type DpopOptions, type DpopSettings, readDpopSettings } from './dpop/dpop-options.ts';
import { createProofVerifier } from './dpop/proof.ts';
import { TOKEN68 } from './extract/bearer.ts';
import { hasOtherToken } from './extract/extract-token.ts';
import { POSSESSION } from './verify/confirmation.ts';
import {
  type ResourceMetadata,
  type ResourceMetadataOptions,
  resourceMetadata,
} from './metadata/protected-resource.ts';
import { DPOP_DEFAULT } from './verify/verifier-settings.ts';
import type { VerifyOverrides } from './verify/options.ts';
import {
  extractToken,
  hasToken,
  mayCarryOtherToken,
  readHeader,
  startsWithBearer,
  validateTokenLocations,
} from './extract/index.ts';
import type { TokenLocations } from './extract/index.ts';
import { usesCustomHeader } from './extract/custom-header.ts';
import { verifierInternals } from './verify/internals.ts';
import { createVerifier, isVerifier } from './verify/index.ts';
import type { Verifier, VerifierOptions } from './verify/index.ts';
import {
  brandAuthenticator,
  isAuthenticator,
  challengeProfileOfAuthenticator,
  resourceMetadataOf,
  registerChallengeProfile,
  registerPeek,
  registerResourceMetadata,
  validateRealm,
} from './authenticator.ts';
import type { AuthenticateOptions, Authenticator } from './authenticator.ts';
import type { Principal, RequestLike } from './types.ts';
import { assertKnownKeys } from './options/assert-known-keys.ts';
import { AUTHENTICATOR_OPTION_KEYS, AUTHENTICATOR_SETTING_KEYS } from './options/option-keys.ts';
import { EventHub, eventHubOf, failureEvent, registerEventHub } from './observe/event-hub.ts';
import { observeAuthenticate, observePeek } from './observe/observe-authenticate.ts';
import { isReady, registerReadiness, warmKeys } from './observe/readiness.ts';

/**
 * Request-side settings of `createAuthenticator` (realm, token locations, API keys).
 *
 * @example
 * const auth = createAuthenticator(verifier, { realm: 'orders', tokenLocations: { query: true } } satisfies AuthenticatorSettings);
 */
export interface AuthenticatorSettings {
  /** Realm of the `WWW-Authenticate` challenge (default `api`). */
  realm?: string;
  /** Extra token locations (RFC 6750 §2.2/2.3); only the Authorization header by default. */
  tokenLocations?: TokenLocations;
  /** Also accept these credentials (e.g. `apiKeyPairAuth(...)`); sending both kinds is a 400. */
  apiKey?: Authenticator;
  /** Accept DPoP-bound tokens (`Authorization: DPoP` + a `DPoP` proof, RFC 9449); see `DpopOptions`. */
  dpop?: DpopOptions;
  /**
   * Publish RFC 9728 protected-resource metadata (adapters serve it at its well-known path) and name
   * it in every challenge (`resource_metadata="…"`).
   */
  resourceMetadata?: ResourceMetadataOptions;
}

/**
 * Options of `createAuthenticator`: verifier options plus the request-side settings.
 *
 * @example
 * const options: AuthenticatorOptions = {
 *   issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }],
 *   realm: 'orders',
 * };
 * const auth = createAuthenticator(options);
 */
export type AuthenticatorOptions = VerifierOptions & AuthenticatorSettings;

const MULTIPLE_METHODS = 'Credentials were sent for more than one authentication method';

// `DPoP` then one or more spaces, case-insensitive (RFC 9110 §11.1), the rest is the token.
const DPOP_SCHEME = /^dpop(?: |$)/i;
const DPOP_CREDENTIALS = /^dpop +(\S+)$/i;

function challengeProfiles(
  settings: DpopSettings | undefined,
  resourceMetadata: string | undefined,
): { bearer: ChallengeProfile | undefined; dpop: ChallengeProfile | undefined } {
  if (settings === undefined && resourceMetadata === undefined) return { bearer: undefined, dpop: undefined };
  const make = (scheme: 'Bearer' | 'DPoP'): ChallengeProfile =>
    Object.freeze({
      dpop: settings?.mode ?? 'off',
      algs: settings?.algs ?? [],
      resourceMetadata,
      scheme,
      key: `${scheme} ${settings?.mode ?? 'off'} ${settings?.algs.join(' ') ?? ''} ${resourceMetadata ?? ''}`,
    });
  return { bearer: make('Bearer'), dpop: settings === undefined ? undefined : make('DPoP') };
}

function looksLikeVerifier(value: unknown): value is Verifier {
  return (
    isVerifier(value) ||
    (typeof value === 'object' && value !== null && typeof (value as Verifier).verify === 'function')
  );
}

/** Tags an error with the realm it will be rendered with, so a caller can use `err.headers` directly. */
function withRealm(e: unknown, realm: string): AuthError {
  return toAuthError(e).withRealm(realm);
}

/**
 * A bearer-token Authenticator from verifier options (a verifier is created and owned: `close()`
 * closes it) or from an existing Verifier (not closed by `close()`: its owner closes it). The second
 * argument sets realm/token locations/API keys when the first is a Verifier.
 *
 * @example
 * const auth = createAuthenticator({ issuers: [{ issuer: 'https://idp.example', audience: 'api://orders' }] });
 * const principal = await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
 */
export function createAuthenticator(
  options: AuthenticatorOptions | Verifier,
  settings: AuthenticatorSettings = {},
): Authenticator {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError(
      'createAuthenticator(): options (verifier options or a Verifier) are required',
    );
  }
  if (settings === null || typeof settings !== 'object') {
    throw new ConfigurationError('createAuthenticator(): settings must be an object');
  }
  let verifier: Verifier;
  let owned: boolean;
  let own: AuthenticatorSettings;
  let staticIssuers: string[] | undefined;
  assertKnownKeys(settings, AUTHENTICATOR_SETTING_KEYS, 'createAuthenticator(): settings');
  if (looksLikeVerifier(options)) {
    verifier = options;
    owned = false;
    own = settings;
  } else {
    assertKnownKeys(options, AUTHENTICATOR_OPTION_KEYS, 'createAuthenticator()');
    const { realm, tokenLocations, apiKey, dpop, resourceMetadata, ...verifierOptions } = options;
    own = { realm, tokenLocations, apiKey, dpop, resourceMetadata, ...stripUndefined(settings) };
    if (Array.isArray(verifierOptions.issuers))
      staticIssuers = verifierOptions.issuers.map((i: { issuer?: unknown }) => String(i?.issuer));
    // Issuers without their own `dpop` follow the authenticator's mode (off without `dpop`).
    const dpopDefault = own.dpop === undefined ? 'off' : (own.dpop.mode ?? 'allowed');
    verifier = createVerifier({ ...verifierOptions, [DPOP_DEFAULT]: dpopDefault } as VerifierOptions);
    owned = true;
  }
  const realm = validateRealm(own.realm);
  const locations = validateTokenLocations(own.tokenLocations);
  if (own.apiKey !== undefined && !isAuthenticator(own.apiKey)) {
    if (owned) verifier.close();
    throw new ConfigurationError('apiKey must be an Authenticator, e.g. apiKeyPairAuth({ store })');
  }

  const internals = verifierInternals(verifier);
  let dpop: DpopSettings | undefined;
  let metadata: ResourceMetadata | undefined;
  try {
    if (own.dpop !== undefined) {
      if (usesCustomHeader(locations))
        throw new ConfigurationError(
          'createAuthenticator(): dpop needs tokens in the Authorization header (no tokenHeader)',
        );
      dpop = readDpopSettings(own.dpop, internals?.clock);
    }
    if (own.resourceMetadata !== undefined) {
      const methods: ('header' | 'body' | 'query')[] = ['header'];
      if (locations.body === true) methods.push('body');
      if (locations.query !== undefined && locations.query !== false) methods.push('query');
      metadata = resourceMetadata(own.resourceMetadata, {
        issuers: staticIssuers,
        bearerMethods: methods,
        dpop: dpop === undefined ? undefined : { algs: dpop.algs, required: dpop.mode === 'required' },
      });
    }
  } catch (e) {
    if (owned) verifier.close();
    throw e;
  }
  const profiles = challengeProfiles(dpop, metadata?.url);
  const verifyProof =
    dpop === undefined ? undefined : createProofVerifier(dpop, internals?.crypto ?? defaultCrypto);
  // A verifier made elsewhere does not know the authenticator's mode: `required` is enforced here.
  const bearerRefused = dpop?.mode === 'required' && !owned;

  const tag = (e: unknown, profile: ChallengeProfile | undefined): AuthError =>
    withChallengeProfile(withRealm(e, realm), profile);
  const rethrow = (e: unknown): never => {
    throw tag(e, profiles.bearer);
  };
  const rethrowDpop = (e: unknown): never => {
    throw tag(e, profiles.dpop);
  };
  // Token-cache fast path when the verifier is this package's own and the token is read from the
  // Authorization header; a request that may carry a token in a second place takes the full path (a
  // token sent in two places must still be a 400).
  const peek =
    internals !== undefined && !usesCustomHeader(locations) && !bearerRefused
      ? internals.peek.bind(internals)
      : undefined;

  /** `Authorization: DPoP <token>` with its proof (RFC 9449 §7.1). */
  function authenticateDpop(req: RequestLike, value: string): Promise<Principal> {
    const m = DPOP_CREDENTIALS.exec(value);
    const token = m?.[1];
    if (token === undefined || !TOKEN68.test(token))
      return Promise.reject(
        tag(new InvalidRequestError('The DPoP access token is malformed'), profiles.dpop),
      );
    if (hasOtherToken(req, locations))
      return Promise.reject(tag(new InvalidRequestError(MESSAGES_LOCATIONS), profiles.dpop));
    return verifyProof!(req, token)
      .then((proof) => verifier.verify(token, { [POSSESSION]: { jkt: proof.jkt } } as VerifyOverrides))
      .then(undefined, rethrowDpop);
  }

  function dpopValue(req: RequestLike): string | undefined {
    if (verifyProof === undefined) return undefined;
    const header = readHeader(req, 'authorization');
    return !header.repeated && header.value !== undefined && DPOP_SCHEME.test(header.value)
      ? header.value
      : undefined;
  }

  // Events go to the verifier's hub (its onEvent, and whoever an adapter adds), or a new one for a
  // verifier of another kind.
  const events = eventHubOf(verifier) ?? new EventHub();
  let cachedHit = false;
  const bearer: Authenticator = brandAuthenticator({
    realm,
    hasCredentials(req: RequestLike): boolean {
      return hasToken(req, locations) || dpopValue(req) !== undefined;
    },
    // Not async: the usual request (a cached token) costs one resolved promise, no await chain.
    authenticate(req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> {
      const dpopCredentials = dpopValue(req);
      if (dpopCredentials !== undefined) return authenticateDpop(req, dpopCredentials);
      if (peek !== undefined) {
        const hit = cachedPrincipal(req, peek, locations);
        cachedHit = hit !== undefined;
        if (hit !== undefined)
          return hit instanceof Promise ? hit.then(undefined, rethrow) : Promise.resolve(hit);
      }
      let token: string | undefined;
      try {
        token = extractToken(req, locations);
      } catch (e) {
        return Promise.reject(tag(e, profiles.bearer));
      }
      if (token === undefined) {
        if (opts?.optional === true) return Promise.resolve(undefined);
        return Promise.reject(tag(new MissingTokenError(), profiles.bearer));
      }
      if (bearerRefused) return Promise.reject(tag(dpopRequired(), profiles.bearer));
      return verifier.verify(token).then(undefined, rethrow);
    },
    close(): void {
      if (owned) verifier.close();
    },
  });
  const plain = bearer.authenticate;
  bearer.authenticate = (req, opts) => {
    if (!events.active) return plain(req, opts);
    cachedHit = false;
    return observeAuthenticate(
      events,
      'bearer',
      () => plain(req, opts),
      () => cachedHit,
    );
  };
  if (peek !== undefined)
    registerPeek(bearer, (req) => observePeek(events, cachedPrincipal(req, peek, locations)));
  registerEventHub(bearer, events);
  if (isVerifier(verifier))
    registerReadiness(bearer, { ready: () => verifier.ready, warm: () => verifier.hydrate() });
  if (profiles.bearer !== undefined) registerChallengeProfile(bearer, profiles.bearer);
  if (metadata !== undefined) registerResourceMetadata(bearer, metadata);
  return own.apiKey === undefined ? bearer : anyAuthenticatorWithRealm(realm, [bearer, own.apiKey], events);
}

/**
 * The cached principal for a request whose only credential is one well-formed-looking
 * `Authorization: Bearer <token>` header, else undefined (then the full extract + verify path runs and
 * reports whatever is wrong). Skipping the token68 check is sound here: a hit means the token equals
 * one that passed the strict compact-JWS parse, whose alphabet is a subset of token68.
 */
function cachedPrincipal(
  req: RequestLike,
  peek: (token: string) => Principal | Promise<Principal> | undefined,
  locations: TokenLocations,
): Principal | Promise<Principal> | undefined {
  const header = readHeader(req, 'authorization');
  const value = header.value;
  if (header.repeated || value === undefined || !startsWithBearer(value)) return undefined;
  if (mayCarryOtherToken(req, locations)) return undefined;
  return peek(value.slice(7));
}

const MESSAGES_LOCATIONS = 'The access token was sent in more than one place';

function dpopRequired(): AuthError {
  return new InvalidTokenError('ERR_AUTH_DPOP_REQUIRED', 'This access token must be sent with a DPoP proof', {
    scheme: 'DPoP',
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * One Authenticator accepting any of several credential kinds. Exactly one kind may be present:
 * none → 401 MissingTokenError (or undefined when optional), more than one → 400 invalid_request.
 * The realm is the first authenticator's.
 *
 * @example
 * const either = oneOfAuthenticators(bearer, apiKeyHeaderAuth({ store }));
 * // bearer token or API key; both at once is a 400
 */
export function oneOfAuthenticators(...authenticators: Authenticator[]): Authenticator {
  if (authenticators.length === 0)
    throw new ConfigurationError('oneOfAuthenticators() needs at least one authenticator');
  authenticators.forEach((a, i) => {
    if (!isAuthenticator(a))
      throw new ConfigurationError(`oneOfAuthenticators(): argument ${i + 1} is not an Authenticator`);
  });
  return anyAuthenticatorWithRealm(authenticators[0]!.realm, authenticators, new EventHub());
}

function anyAuthenticatorWithRealm(
  realm: string,
  authenticators: readonly Authenticator[],
  events: EventHub,
): Authenticator {
  const list = [...authenticators];
  const present = (req: RequestLike): Authenticator[] => list.filter((a) => safeHas(a, req));
  // Each member reports its own outcomes; whoever listens here hears all of them.
  for (const a of list) eventHubOf(a)?.forwardTo(events);
  const refuse = (error: AuthError): never => {
    if (events.active) events.emit(failureEvent(error, 'authenticate', undefined));
    throw error;
  };
  // The challenge names what the bearer authenticator accepts (DPoP, metadata) whichever one failed.
  const profile = list.map(challengeProfileOfAuthenticator).find((p) => p !== undefined);
  const withRealm = (e: unknown, realm: string): AuthError => {
    const error = toAuthError(e).withRealm(realm);
    return challengeProfileOf(error) === undefined ? withChallengeProfile(error, profile) : error;
  };
  const combined = brandAuthenticator({
    realm,
    hasCredentials(req: RequestLike): boolean {
      return list.some((a) => safeHas(a, req));
    },
    async authenticate(req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> {
      const found = present(req);
      if (found.length > 1) refuse(withRealm(new InvalidRequestError(MULTIPLE_METHODS), realm));
      if (found.length === 0) {
        if (opts?.optional === true) return undefined;
        refuse(withRealm(new MissingTokenError(), realm));
      }
      try {
        return await found[0]!.authenticate(req, opts);
      } catch (e) {
        throw withRealm(e, realm);
      }
    },
    close(): void {
      for (const a of list) a.close();
    },
  });
  registerEventHub(combined, events);
  registerReadiness(combined, {
    ready: () => list.every((a) => isReady(a)),
    warm: () => Promise.all(list.map(warmKeys)).then(() => {}),
  });
  if (profile !== undefined) registerChallengeProfile(combined, profile);
  const metadata = list.map(resourceMetadataOf).find((m) => m !== undefined);
  if (metadata !== undefined) registerResourceMetadata(combined, metadata);
  return combined;
}

function safeHas(authenticator: Authenticator, req: RequestLike): boolean {
  try {
    return authenticator.hasCredentials(req) === true;
  } catch {
    return true; // let authenticate() report what is wrong with the request
  }
}
