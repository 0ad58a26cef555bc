import {
  type AuthError,
  type Authenticator,
  assertAllowed,
  extractToken,
  MissingTokenError,
  missingTokenResponse,
  OPTIONAL_AUTH,
  type Policy,
  type PolicyContext,
  type RequestLike,
  reportsMissingAsUndefined,
  toAuthError,
} from '@auth/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendAuthError, sendRendered } from './reply.ts';
import { type AuthState, getState } from './state.ts';

/** A hook usable as `onRequest`, `preValidation` or `preHandler`. */
export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

function toRequestLike(request: FastifyRequest): RequestLike {
  return {
    headers: request.headers,
    rawHeaders: request.raw.rawHeaders,
    url: request.url,
    body: request.body,
    method: request.method,
  };
}

function policyContext(request: FastifyRequest): PolicyContext {
  const query = request.url.indexOf('?');
  return {
    params: request.params as Record<string, string | undefined>,
    method: request.method,
    path: query === -1 ? request.url : request.url.slice(0, query),
  };
}

/**
 * One log line per failure, named after what failed: a 403 is an authorization denial, not an
 * authentication failure. Client mistakes are `info`; a 503 (keys, stores or a decision point out of
 * reach) is the server's problem and `warn`. Code and status only: never the token or the message.
 */
function logFailure(reply: FastifyReply, error: AuthError): void {
  const fields = { code: error.code, status: error.status };
  if (error.status === 403) reply.log.info(fields, 'authorization denied');
  else if (error.status >= 500) reply.log.warn(fields, 'authentication unavailable');
  else reply.log.info(fields, 'authentication failed');
}

// Answer from the hook so the contract's body survives any app error handler; or hand the error on.
function fail(state: AuthState | undefined, reply: FastifyReply, cause: unknown): FastifyReply {
  const error = toAuthError(cause);
  const realm = state?.authenticator.realm ?? error.realm;
  error.realm = realm;
  if (state?.throwErrors) throw error;
  logFailure(reply, error);
  return sendAuthError(reply, error, realm);
}

function sendMissing(state: AuthState, reply: FastifyReply): FastifyReply {
  const rendered = missingTokenResponse(state.authenticator.realm);
  reply.log.info({ code: 'ERR_AUTH_MISSING_TOKEN', status: rendered.status }, 'authentication failed');
  return sendRendered(reply, rendered);
}

// Which authenticator set `request.auth`: a hook skips authenticating only when its own authenticator
// did, so another registration's principal (or anything else that set `request.auth`) never satisfies
// it. Kept off the request object: nothing a client or another hook sets can look like an entry.
const authenticatedBy = new WeakMap<FastifyRequest, Authenticator>();

/**
 * One hook: authenticate (unless an earlier hook already did with the same authenticator) and apply a
 * policy. `fixed` is the state of the registration that added a route's declarative hook; decorator
 * hooks use the route's scope.
 */
export function authHook(optional: boolean, policy: Policy | undefined, fixed?: AuthState): AuthHook {
  const settings = optional ? { optional: true } : undefined;
  return async function authenticate(request, reply) {
    const state = fixed ?? getState(request.server);
    try {
      if (!state) throw new MissingTokenError(); // no registration in this scope: fail closed
      let principal = authenticatedBy.get(request) === state.authenticator ? request.auth : undefined;
      if (!principal) {
        // Our authenticators report "no credentials" as undefined when asked optionally: a required
        // route answering itself then sends the pre-rendered 401 without building a MissingTokenError.
        const quiet = !optional && !state.throwErrors && reportsMissingAsUndefined(state.authenticator);
        const found = await state.authenticator.authenticate(
          toRequestLike(request),
          quiet ? OPTIONAL_AUTH : settings,
        );
        if (found) {
          request.auth = principal = found;
          authenticatedBy.set(request, state.authenticator);
        } else if (quiet) return sendMissing(state, reply);
        // A required hook never lets a request through without a principal, whatever the authenticator
        // (a custom one may resolve undefined) or an earlier hook concluded.
        else if (!optional) throw new MissingTokenError();
        // Optional and no credentials: no other authenticator's principal stays behind.
        else request.auth = undefined;
      }
      if (policy) await assertAllowed(policy, principal, policyContext(request));
    } catch (cause) {
      return fail(state, reply, cause);
    }
  };
}

/**
 * `preValidation` companion of a hook that ran in `onRequest` (before the body was parsed): a header
 * token beside an `access_token` form parameter is a 400 even when body tokens are off (RFC 6750 §2).
 * Only form bodies that a content-type parser turned into something are looked at.
 */
export function secondTokenHook(state: AuthState): AuthHook {
  return async function checkBodyToken(request, reply) {
    if (request.body === undefined || request.body === null) return;
    const type = request.headers['content-type'];
    if (typeof type !== 'string' || !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) return;
    try {
      extractToken(toRequestLike(request));
    } catch (cause) {
      return fail(state, reply, cause);
    }
  };
}
