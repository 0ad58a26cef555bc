import {
  type AuthError,
  extractToken,
  isAuthError,
  MissingTokenError,
  type PolicyContext,
  type RequestLike,
  renderAuthError,
} from '@auth/core';
import { type AuthOutcome, policyName, type RouteRequirement } from '@auth/core/internal';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendRendered } from './reply.ts';
import { type AuthState, getState } from './state.ts';

/**
 * A hook usable as `onRequest`, `preValidation` or `preHandler`. Fastify calls it with `done` (callback
 * style: with a cached token it finishes synchronously, no promise per request); called without `done`
 * from your own async hook, it returns a promise settled once the check has concluded.
 */
export interface AuthHook {
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
  (request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** What core reads of a Fastify request. */
export function requestOf(request: FastifyRequest): RequestLike {
  return {
    headers: request.headers,
    rawHeaders: request.raw.rawHeaders,
    url: request.url,
    body: request.body,
    method: request.method,
    // DPoP's htu: Fastify's protocol follows its own trustProxy setting.
    protocol: request.protocol,
  };
}

/** The policy context: route params (`orgId`), method, path. */
export function contextOf(request: FastifyRequest): PolicyContext {
  const query = request.url.indexOf('?');
  return {
    params: request.params as Record<string, string | undefined>,
    method: request.method,
    path: query === -1 ? request.url : request.url.slice(0, query),
  };
}

/**
 * One log line per failure, named after what failed: a 403 is an authorization denial (with the
 * route's policy and the scopes it required), not an authentication failure. Client mistakes are
 * `info`; a 503 (keys, stores or a decision point out of reach) is the server's problem and `warn`.
 * Code, status and the server-side detail: never the token.
 */
function logFailure(reply: FastifyReply, error: AuthError, route: RouteRequirement | undefined): void {
  // The server-side detail (claim, issuer seen vs configured, kid, JWKS URL) names what did not match.
  const fields: Record<string, unknown> =
    error.detail === undefined
      ? { code: error.code, status: error.status }
      : { code: error.code, status: error.status, detail: error.detail };
  if (error.status === 403) {
    if (route?.policy !== undefined) fields.policy = policyName(route.policy);
    if (error.requiredScopes.length > 0) fields.required = error.requiredScopes;
    reply.log.info(fields, 'authorization denied');
  } else if (error.status >= 500) reply.log.warn(fields, 'authentication unavailable');
  else reply.log.info(fields, 'authentication failed');
}

// The hook answered the request itself: `done` must not run the next hooks.
const SENT = Symbol('sent');

/**
 * Applies an outcome: `request.auth`, or the failure answered from the hook (so the contract's body
 * survives any app error handler) or handed on with `throwErrors`. Returns what `done` gets.
 */
function conclude(
  state: AuthState | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: AuthOutcome,
  route?: RouteRequirement,
): AuthError | undefined | typeof SENT {
  if (!isAuthError(outcome)) {
    // Optional and no credentials: undefined, so no other registration's principal stays behind.
    request.auth = outcome;
    return undefined;
  }
  if (state?.throwErrors) return outcome;
  logFailure(reply, outcome, route);
  sendRendered(reply, state === undefined ? renderAuthError(outcome) : state.binding.render(outcome));
  return SENT;
}

function finish(result: AuthError | undefined | typeof SENT, done: HookHandlerDoneFunction): void {
  if (result !== SENT) done(result);
}

const asPromise = (result: AuthError | undefined | typeof SENT): Promise<void> =>
  result === undefined || result === SENT ? Promise.resolve() : Promise.reject(result);

// No registration in the route's scope (a decorator taken elsewhere): fail closed.
const NO_REGISTRATION = new MissingTokenError();

/**
 * One hook for one route requirement. `fixed` is the registration that added a route's declarative
 * hook; the decorator hooks use the registration of the route's scope. The binding remembers each
 * mode's outcome per request and registration: a second hook does not authenticate again, and never
 * inherits another registration's principal.
 */
export function authHook(route: RouteRequirement, fixed?: AuthState): AuthHook {
  function authenticate(request: FastifyRequest, reply: FastifyReply, done?: HookHandlerDoneFunction) {
    const state = fixed ?? getState(request.server);
    const outcome = state === undefined ? NO_REGISTRATION : state.binding.run(request, route);
    if (outcome instanceof Promise) {
      const settled = outcome.then((o: AuthOutcome) => conclude(state, request, reply, o, route));
      if (done === undefined) return settled.then(asPromise);
      settled.then((result) => finish(result, done), done);
      return undefined;
    }
    const result = conclude(state, request, reply, outcome, route);
    if (done === undefined) return asPromise(result);
    finish(result, done);
    return undefined;
  }
  return authenticate as AuthHook;
}

/**
 * `preValidation` companion of a hook that ran in `onRequest` (before the body was parsed): a header
 * token beside an `access_token` form parameter is a 400 even when body tokens are off (RFC 6750 §2).
 * Only form bodies that a content-type parser turned into something are looked at.
 */
export function secondTokenHook(state: AuthState): AuthHook {
  function checkBodyToken(request: FastifyRequest, reply: FastifyReply, done?: HookHandlerDoneFunction) {
    let result: AuthError | undefined | typeof SENT;
    const type = request.headers['content-type'];
    if (
      request.body !== undefined &&
      request.body !== null &&
      typeof type === 'string' &&
      /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)
    ) {
      try {
        extractToken(requestOf(request));
      } catch (cause) {
        result = conclude(state, request, reply, state.binding.fail(cause));
      }
    }
    if (done === undefined) return asPromise(result);
    finish(result, done);
    return undefined;
  }
  return checkBodyToken as AuthHook;
}
