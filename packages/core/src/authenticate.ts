/**
 * `createAuthenticator`: extract + verify for bearer tokens, and `oneOfAuthenticators` to accept one of
 * several credential kinds (e.g. a bearer token or API-key headers, never both). Adapters only call
 * `authenticate(req)` and render the AuthError it throws.
 */
import { InvalidRequestError, MissingTokenError, toAuthError } from './errors.ts';
import type { AuthError } from './errors.ts';
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
import { brandAuthenticator, isAuthenticator, registerPeek, validateRealm } from './authenticator.ts';
import type { AuthenticateOptions, Authenticator } from './authenticator.ts';
import type { Principal, RequestLike } from './types.ts';
import { assertKnownKeys } from './options/assert-known-keys.ts';
import { AUTHENTICATOR_OPTION_KEYS, AUTHENTICATOR_SETTING_KEYS } from './options/option-keys.ts';
import { EventHub, eventHubOf, failureEvent, registerEventHub } from './observe/event-hub.ts';
import { observeAuthenticate, observePeek } from './observe/observe-authenticate.ts';
import { isReady, registerReadiness, warmUp } from './observe/readiness.ts';

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
    throw new TypeError('createAuthenticator(): options (verifier options or a Verifier) are required');
  }
  if (settings === null || typeof settings !== 'object') {
    throw new TypeError('createAuthenticator(): settings must be an object');
  }
  let verifier: Verifier;
  let owned: boolean;
  let own: AuthenticatorSettings;
  assertKnownKeys(settings, AUTHENTICATOR_SETTING_KEYS, 'createAuthenticator(): settings');
  if (looksLikeVerifier(options)) {
    verifier = options;
    owned = false;
    own = settings;
  } else {
    assertKnownKeys(options, AUTHENTICATOR_OPTION_KEYS, 'createAuthenticator()');
    const { realm, tokenLocations, apiKey, ...verifierOptions } = options;
    own = { realm, tokenLocations, apiKey, ...stripUndefined(settings) };
    verifier = createVerifier(verifierOptions);
    owned = true;
  }
  const realm = validateRealm(own.realm);
  const locations = validateTokenLocations(own.tokenLocations);
  if (own.apiKey !== undefined && !isAuthenticator(own.apiKey)) {
    if (owned) verifier.close();
    throw new TypeError('apiKey must be an Authenticator, e.g. apiKeyPairAuth({ store })');
  }

  const rethrow = (e: unknown): never => {
    throw withRealm(e, realm);
  };
  // Token-cache fast path when the verifier is this package's own and the token is read from the
  // Authorization header; a request that may carry a token in a second place takes the full path (a
  // token sent in two places must still be a 400).
  const internals = verifierInternals(verifier);
  const peek =
    internals !== undefined && !usesCustomHeader(locations) ? internals.peek.bind(internals) : undefined;

  // Events go to the verifier's hub (its onEvent, and whoever an adapter adds), or a new one for a
  // verifier of another kind.
  const events = eventHubOf(verifier) ?? new EventHub();
  let cachedHit = false;
  const bearer: Authenticator = brandAuthenticator({
    realm,
    hasCredentials(req: RequestLike): boolean {
      return hasToken(req, locations);
    },
    // Not async: the usual request (a cached token) costs one resolved promise, no await chain.
    authenticate(req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> {
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
        return Promise.reject(withRealm(e, realm));
      }
      if (token === undefined) {
        if (opts?.optional === true) return Promise.resolve(undefined);
        return Promise.reject(withRealm(new MissingTokenError(), realm));
      }
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
    throw new TypeError('oneOfAuthenticators() needs at least one authenticator');
  authenticators.forEach((a, i) => {
    if (!isAuthenticator(a))
      throw new TypeError(`oneOfAuthenticators(): argument ${i + 1} is not an Authenticator`);
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
    warm: () => Promise.all(list.map((a) => warmUp(a, 'fail'))).then(() => {}),
  });
  return combined;
}

function safeHas(authenticator: Authenticator, req: RequestLike): boolean {
  try {
    return authenticator.hasCredentials(req) === true;
  } catch {
    return true; // let authenticate() report what is wrong with the request
  }
}
