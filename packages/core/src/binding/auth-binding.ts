/**
 * The one run every adapter binds to its framework: authenticate as the route says, then authorize,
 * with every failure already an AuthError in the adapter's realm. An adapter supplies how to read its
 * request and how to build the policy context; it renders what comes back in its own idiom.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { normalizeDecision, POLICY_UNAVAILABLE, decisionToError } from '../authorize/decision.ts';
import {
  challengeProfileOfAuthenticator,
  peekOf,
  resourceMetadataOf,
  type Authenticator,
} from '../authenticator.ts';
import type { ResourceMetadata } from '../metadata/protected-resource.ts';
import { challengeProfileOf, withChallengeProfile } from '../challenge-profile.ts';
import {
  type AuthError,
  DEFAULT_REALM,
  isAuthError,
  MissingTokenError,
  toAuthError,
  UnavailableError,
} from '../errors.ts';
import {
  OPTIONAL_AUTH,
  renderAuthError,
  reportsMissingAsUndefined,
  type RenderedAuthError,
} from '../rendered-error.ts';
import type { Decision, Policy, PolicyContext, Principal, RequestLike } from '../types.ts';
import { resolveAuthenticator, type ResolveOptions } from './auth-source.ts';
import type { RouteRequirement } from './route-requirement.ts';
import { type EventHub, eventHubOf, failureEvent, now } from '../observe/event-hub.ts';
import { emitAuthorized, emitDenial } from '../observe/observe-authorize.ts';

/**
 * What a run ends with: the principal, `undefined` (an optional route without credentials, or a public
 * one), or the AuthError to render (in the binding's realm). Never a rejected promise.
 */
export type AuthOutcome = Principal | undefined | AuthError;

/** What one request concluded per mode, when the adapter asks the binding to remember it. */
export interface RememberedAuth {
  required?: AuthOutcome | Promise<AuthOutcome>;
  optional?: AuthOutcome | Promise<AuthOutcome>;
}

/** Where remembered outcomes live per request (default: a WeakMap keyed by the request object). */
export interface RequestMemo<Req> {
  get(req: Req): RememberedAuth | undefined;
  set(req: Req, remembered: RememberedAuth): void;
}

export interface BindingOptions<Req> extends ResolveOptions {
  /** The framework request as core reads it (headers, raw headers, URL, method, parsed body). */
  requestOf(req: Req): RequestLike;
  /** The policy context of the request (route params, method, path); built only when a policy runs. */
  contextOf(req: Req): PolicyContext;
  /**
   * Remember each mode's outcome per request, so a second check on the same request (two guards, a
   * declarative hook then a decorator hook) does not authenticate again. `true` uses a WeakMap.
   */
  remember?: boolean | RequestMemo<Req>;
}

/** An adapter's authenticator bound to its request shape. */
export interface AuthBinding<Req> {
  readonly authenticator: Authenticator;
  /** The realm every failure of this binding is rendered in. */
  readonly realm: string;
  /** True when the binding created its authenticator: `close()` closes it. */
  readonly owned: boolean;
  /** Body tokens are on: parse a form body before running. */
  readonly readsBody: boolean;
  /** RFC 9728 metadata to serve at `resourceMetadata.path` (GET, public), when configured. */
  readonly resourceMetadata: ResourceMetadata | undefined;
  /**
   * Where the authenticator reports its events (undefined for someone else's authenticator): an
   * adapter's separate authorization middleware reports its decisions here too.
   */
  readonly events: EventHub | undefined;
  /** Authenticate as `route.mode` says, then apply `route.policy`. Sync when the token was cached. */
  run(req: Req, route: RouteRequirement): AuthOutcome | Promise<AuthOutcome>;
  /** Authenticate only (`optional`: no credentials → undefined). */
  authenticate(req: Req, optional: boolean): AuthOutcome | Promise<AuthOutcome>;
  /** Apply a policy to a principal already found (undefined principal → 401). */
  authorize(req: Req, principal: Principal | undefined, policy: Policy): AuthOutcome | Promise<AuthOutcome>;
  /** Any thrown value as an AuthError in this binding's realm. */
  fail(cause: unknown): AuthError;
  /** The contract's response for an error of this binding (pre-rendered, shared: do not change it). */
  render(error: AuthError): RenderedAuthError;
  /** Closes the authenticator when the binding owns it. */
  close(): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

function policyFailed(cause: unknown): AuthError {
  if (isAuthError(cause)) return cause;
  // A policy that throws is a decision point that could not answer: fail closed as 503.
  return new UnavailableError(POLICY_UNAVAILABLE.code, POLICY_UNAVAILABLE.reason, {
    retryAfterSeconds: 5,
    cause,
  });
}

/**
 * Binds an adapter: resolves its options into an authenticator (see `resolveAuthenticator`) and
 * returns the one run adapters call per request.
 *
 * @example
 * ```ts
 * const binding = createAuthBinding(options, {
 *   where: '@auth/express requireAuth()',
 *   requestOf: (req) => req,
 *   contextOf: (req) => ({ params: req.params, method: req.method, path: req.path }),
 * });
 * const outcome = await binding.run(req, compileRouteRequirement({ scopes: ['read:items'] }, { where: 'GET /items' }));
 * if (isAuthError(outcome)) send(binding.render(outcome));
 * ```
 */
export function createAuthBinding<Req>(source: unknown, options: BindingOptions<Req>): AuthBinding<Req> {
  const { requestOf, contextOf } = options;
  if (typeof requestOf !== 'function' || typeof contextOf !== 'function') {
    throw new ConfigurationError(`${options.where}: requestOf and contextOf must be functions`);
  }
  const { authenticator, owned, readsBody } = resolveAuthenticator(source, options);
  const realm = authenticator.realm;
  const peek = peekOf(authenticator);
  // Our authenticators answer "no credentials" with undefined when asked optionally: then no
  // MissingTokenError is built per request, the shared one below is returned instead.
  const quiet = reportsMissingAsUndefined(authenticator);
  // Shared by every request without credentials: frozen, so an app error handler that edits the error
  // it is given (message, status) cannot change the answer to the next request.
  // With the authenticator's challenge profile: DPoP and RFC 9728 `resource_metadata` on every challenge.
  const profile = challengeProfileOfAuthenticator(authenticator);
  const missing = Object.freeze(withChallengeProfile(new MissingTokenError().withRealm(realm), profile));
  const memo: RequestMemo<Req> | undefined =
    options.remember === true ? weakMemo<Req>() : options.remember === false ? undefined : options.remember;

  const fail = (cause: unknown): AuthError => {
    const error = toAuthError(cause).withRealm(realm);
    return profile === undefined || challengeProfileOf(error) !== undefined
      ? error
      : withChallengeProfile(error, profile);
  };
  // Where this package's authenticators report; the binding adds what only it sees (no credentials on
  // a required route, denials).
  const events = eventHubOf(authenticator);

  const found = (principal: Principal | undefined, optional: boolean): AuthOutcome => {
    if (principal === undefined || principal === null) {
      if (optional) return undefined;
      if (events?.active === true) events.emit(failureEvent(missing, 'authenticate', undefined));
      return missing;
    }
    // A custom authenticator's malformed answer (false, 0, a string) is nobody: fail closed.
    if (typeof principal !== 'object')
      return fail(new TypeError('authenticator resolved a non-object principal'));
    return principal;
  };

  function authenticateNow(req: Req, optional: boolean): AuthOutcome | Promise<AuthOutcome> {
    let input: RequestLike;
    try {
      input = requestOf(req);
      if (peek !== undefined) {
        const hit = peek(input);
        if (hit !== undefined) {
          return isThenable(hit)
            ? Promise.resolve(hit).then((p) => found(p, optional), fail)
            : found(hit, optional);
        }
      }
      // Promise.resolve: a custom authenticator's foreign thenable (its `then` not native) becomes a
      // native promise, which is how adapters tell a pending outcome from a principal.
      return Promise.resolve(
        authenticator.authenticate(input, optional || quiet ? OPTIONAL_AUTH : undefined),
      ).then((p) => found(p, optional), fail);
    } catch (cause) {
      // A custom authenticator (or request reader) that throws instead of rejecting.
      return fail(cause);
    }
  }

  function authenticate(req: Req, optional: boolean): AuthOutcome | Promise<AuthOutcome> {
    if (memo === undefined) return authenticateNow(req, optional);
    let remembered = memo.get(req);
    if (remembered === undefined) {
      remembered = {};
      memo.set(req, remembered);
    }
    // A principal found in either mode serves both; "no credentials" and failures stay with their mode
    // (no credentials is fine for an optional route, a 401 for a required one).
    const other = optional ? remembered.required : remembered.optional;
    const own = (): AuthOutcome | Promise<AuthOutcome> => {
      const slot = remembered as RememberedAuth;
      if (optional) {
        slot.optional ??= authenticateNow(req, true);
        return slot.optional;
      }
      slot.required ??= authenticateNow(req, false);
      return slot.required;
    };
    if (other === undefined || isAuthError(other)) return own();
    if (isThenable(other)) return other.then((o) => (o === undefined || isAuthError(o) ? own() : o));
    return other;
  }

  function authorize(
    req: Req,
    principal: Principal | undefined,
    policy: Policy,
  ): AuthOutcome | Promise<AuthOutcome> {
    if (principal === undefined) return missing; // a requirement needs someone to authorize
    // Policy denials carry their own challenge (not the authenticator's profile): the same answer as
    // an adapter's separate authorization middleware (`authorizePrincipal`) gives.
    return authorizePrincipal(principal, policy, () => contextOf(req), realm, events);
  }

  const afterAuthentication = (
    req: Req,
    route: RouteRequirement,
    outcome: AuthOutcome,
  ): AuthOutcome | Promise<AuthOutcome> =>
    route.policy === undefined || outcome === undefined || isAuthError(outcome)
      ? outcome
      : authorize(req, outcome, route.policy);

  return Object.freeze({
    authenticator,
    realm,
    owned,
    readsBody,
    resourceMetadata: resourceMetadataOf(authenticator),
    events,
    run(req: Req, route: RouteRequirement): AuthOutcome | Promise<AuthOutcome> {
      if (route.mode === 'public') return undefined;
      const outcome = authenticate(req, route.mode === 'optional');
      if (route.policy === undefined) return outcome;
      return isThenable(outcome)
        ? outcome.then((o) => afterAuthentication(req, route, o))
        : afterAuthentication(req, route, outcome);
    },
    authenticate,
    authorize,
    fail,
    render: (error: AuthError): RenderedAuthError => renderAuthError(error, realm),
    close(): void {
      if (owned) authenticator.close();
    },
  });
}

const missingByRealm = new Map<string, AuthError>();

/**
 * Applies `policy` to `principal` (undefined → 401 `MissingTokenError`): the principal when allowed,
 * else the AuthError to render in `realm` (403, or 503 when the policy throws or rejects). Synchronous
 * when the policy is. Decisions are reported to `events` when given and listened to (`auth.authorized`,
 * or `auth.failure` with the policy's name). For adapters whose authorization step runs apart from
 * authentication (Express and Hono middleware after `requireAuth`), with the hub of the binding that
 * authenticated the request.
 *
 * @example
 * ```ts
 * const outcome = authorizePrincipal(req.auth, requireScopes('read:items'), () => contextOf(req), 'api');
 * ```
 */
export function authorizePrincipal(
  principal: Principal | undefined,
  policy: Policy,
  contextOf: () => PolicyContext,
  realm: string = DEFAULT_REALM,
  events?: EventHub,
): AuthOutcome | Promise<AuthOutcome> {
  if (principal === undefined || principal === null) {
    let missing = missingByRealm.get(realm);
    if (missing === undefined) {
      missing = Object.freeze(new MissingTokenError().withRealm(realm));
      // Realms are fixed at setup (validated, a handful per app), so this map stays small.
      if (missingByRealm.size < 64) missingByRealm.set(realm, missing);
    }
    return missing;
  }
  const startedAt = events?.active === true ? now() : undefined;
  const fail = (cause: unknown): AuthError => {
    const error = toAuthError(cause).withRealm(realm);
    if (events?.active === true) emitDenial(events, error, startedAt, policy);
    return error;
  };
  let decision: Decision | PromiseLike<Decision>;
  try {
    decision = policy(principal, contextOf());
  } catch (cause) {
    return fail(policyFailed(cause));
  }
  const settle = (d: unknown): AuthOutcome => {
    const normalized = normalizeDecision(d);
    if (normalized.allowed !== true) return fail(decisionToError(normalized));
    if (events?.active === true) emitAuthorized(events, principal, policy, startedAt);
    return principal;
  };
  if (isThenable(decision)) {
    return Promise.resolve(decision).then(settle, (cause: unknown) => fail(policyFailed(cause)));
  }
  return settle(decision);
}

function weakMemo<Req>(): RequestMemo<Req> {
  const map = new WeakMap<object, RememberedAuth>();
  return {
    get: (req) => map.get(req as object),
    set: (req, remembered) => void map.set(req as object, remembered),
  };
}
