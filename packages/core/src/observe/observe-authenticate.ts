/**
 * The events of one authentication: `auth.success` with the principal's subject and issuer, or
 * `auth.failure` / `apikey.rejected` with the AuthError's code, status, message and server-side detail
 * (never its cause). Only runs while someone listens.
 */
import { toAuthError } from '../errors.ts';
import { type AuthenticateOptions, type Authenticator, brandAuthenticator } from '../authenticator.ts';
import type { Principal, RequestLike } from '../types.ts';
import { type EventHub, failureEvent, now, registerEventHub } from './event-hub.ts';
import type { AuthSuccessEvent } from './events.ts';

type Method = AuthSuccessEvent['method'];

/** Emits `auth.success` for a principal. */
export function emitSuccess(
  hub: EventHub,
  principal: Principal,
  method: Method,
  cached: boolean,
  startedAt?: number,
): void {
  // No spread: a cached hit builds this object on every request while someone listens.
  const event: { -readonly [K in keyof AuthSuccessEvent]: AuthSuccessEvent[K] } = {
    type: 'auth.success',
    at: Date.now(),
    method,
    subject: principal.subject,
    issuer: principal.issuer,
    cached,
  };
  if (startedAt !== undefined) event.durationMs = now() - startedAt;
  hub.emit(event);
}

/** Emits the failure event of anything an authenticator threw. */
export function emitFailure(hub: EventHub, thrown: unknown, method: Method, startedAt?: number): void {
  const error = toAuthError(thrown);
  if (method === 'api_key' && error.code !== 'ERR_AUTH_MISSING_TOKEN') {
    hub.emit({
      type: 'apikey.rejected',
      at: Date.now(),
      code: error.code,
      status: error.status,
      reason: error.message,
      ...(startedAt === undefined ? {} : { durationMs: now() - startedAt }),
    });
    return;
  }
  hub.emit(failureEvent(error, 'authenticate', method, startedAt));
}

/**
 * Runs one `authenticate()` and reports its outcome; the outcome itself is unchanged.
 *
 * @example
 * return hub.active ? observeAuthenticate(hub, 'bearer', () => plain(req, opts), () => lastWasCached) : plain(req, opts);
 */
export function observeAuthenticate(
  hub: EventHub,
  method: Method,
  run: () => Promise<Principal | undefined>,
  wasCached: () => boolean = () => false,
): Promise<Principal | undefined> {
  const startedAt = now();
  const outcome = run();
  const cached = wasCached();
  return outcome.then(
    (principal) => {
      if (principal !== undefined && principal !== null)
        emitSuccess(hub, principal, method, cached, cached ? undefined : startedAt);
      return principal;
    },
    (thrown: unknown) => {
      emitFailure(hub, thrown, method, startedAt);
      throw thrown;
    },
  );
}

/**
 * An API-key authenticator, branded, with its outcomes reported to `hub` (while someone listens) and
 * the hub registered for it so adapters can add their logger.
 *
 * @example
 * return apiKeyAuthenticator(hub, { realm, hasCredentials, authenticate, close });
 */
export function apiKeyAuthenticator(hub: EventHub, authenticator: Authenticator): Authenticator {
  const plain = authenticator.authenticate.bind(authenticator);
  const observed = brandAuthenticator({
    ...authenticator,
    authenticate: (req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> =>
      hub.active ? observeAuthenticate(hub, 'api_key', () => plain(req, opts)) : plain(req, opts),
  });
  registerEventHub(observed, hub);
  return observed;
}

/**
 * The binding's cache peek, reporting each hit as a cached `auth.success` (or, when a `customCheck`
 * still answers, its outcome) while someone listens.
 *
 * @example
 * registerPeek(bearer, (req) => observePeek(hub, cachedPrincipal(req)));
 */
export function observePeek(
  hub: EventHub,
  hit: Principal | Promise<Principal> | undefined,
): Principal | Promise<Principal> | undefined {
  if (hit === undefined || !hub.active) return hit;
  if (!(hit instanceof Promise)) {
    emitSuccess(hub, hit, 'bearer', true);
    return hit;
  }
  return hit.then(
    (principal) => {
      emitSuccess(hub, principal, 'bearer', true);
      return principal;
    },
    (thrown: unknown) => {
      emitFailure(hub, thrown, 'bearer');
      throw thrown;
    },
  );
}
