/**
 * `authress({ apiUrl, serviceClientAccessKey })`: Authress's user authorization
 * (`GET /v1/users/{userId}/resources/{resourceUri}/permissions/{permission}`) as a Policy and as a
 * plain call. 200 allows, 404 or 403 denies, anything else (5xx, 401, a redirect, a timeout) is a 503
 * `ERR_AUTH_POLICY_UNAVAILABLE`; same cache, single flight and breaker as `authzen()`.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { ALLOW, POLICY_UNAVAILABLE, deny } from '../authorize/decision.ts';
import { authressAccessKey, selfSignedTokens } from '../client/self-signed-tokens.ts';
import type { FetchLike, TokenSource } from '../client/types.ts';
import type { AuthErrorCode } from '../errors.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import type { Clock, Decision, Policy, PolicyContext, Principal } from '../types.ts';
import { checkUrl, unavailable } from './authzen-client.ts';
import { PdpCallError, type PdpFailureKind, callForStatus, randomRequestId } from './pdp-http.ts';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpen,
  type DecisionCacheOptions,
  RemoteDecisions,
  breakerSettings,
  cacheSettings,
} from './remote-decisions.ts';

/**
 * Options of `authress()`.
 *
 * @example
 * const canRead = authress({
 *   apiUrl: 'https://auth.example.com',
 *   serviceClientAccessKey: authressKey,
 *   resourceUri: (_p, ctx) => `documents/${ctx?.params?.id}`,
 *   permission: 'documents:read',
 * } satisfies AuthressOptions);
 */
export interface AuthressOptions {
  /** The Authress API host (`https://<domain>.api-<region>.authress.io` or a custom domain). */
  apiUrl: string;
  /** A service-client access key: calls carry a self-signed EdDSA token minted from it. */
  serviceClientAccessKey?: string;
  /** Or any token source (or a static token). */
  credentials?: TokenSource | string;
  /** route → resource URI (for the Policy). */
  resourceUri?: (principal: Principal, context: PolicyContext | undefined) => string;
  /** The permission (for the Policy), or route → permission. */
  permission?: string | ((principal: Principal, context: PolicyContext | undefined) => string);
  /** principal → Authress user id (default `principal.subject`). */
  userId?: (principal: Principal) => string;
  /** Milliseconds for one call. Default 1000. */
  timeoutMs?: number;
  cache?: DecisionCacheOptions | false;
  breaker?: CircuitBreakerOptions | false;
  /** Code of a denial (default ERR_AUTH_FORBIDDEN). */
  code?: AuthErrorCode;
  reason?: string;
  allowInsecureRequests?: boolean;
  fetch?: FetchLike;
  clock?: Clock;
  /** Failures, for logs (never a token). */
  onEvent?: (event: { type: 'unavailable'; kind: PdpFailureKind | 'mapping'; status?: number }) => void;
}

/**
 * The Authress policy, plus the plain call.
 *
 * @example
 * const allowed = await documents.authorizeUser('user-1', 'documents/doc_1', 'documents:read'); // true / false, or throws 503
 */
export interface AuthressPolicy extends Policy {
  /** true (200), false (404 or 403); rejects with a 503 AuthError otherwise. */
  authorizeUser(userId: string, resourceUri: string, permission: string): Promise<boolean>;
}

const KEYS = [
  'apiUrl',
  'serviceClientAccessKey',
  'credentials',
  'resourceUri',
  'permission',
  'userId',
  'timeoutMs',
  'cache',
  'breaker',
  'code',
  'reason',
  'allowInsecureRequests',
  'fetch',
  'clock',
  'onEvent',
] as const satisfies readonly (keyof AuthressOptions)[];

/**
 * Authress user authorization as a Policy (`resourceUri` and `permission` from the route) and as
 * `authorizeUser(userId, resourceUri, permission)`.
 *
 * @example
 * const documents = authress({
 *   apiUrl: 'https://auth.example.com',
 *   serviceClientAccessKey: authressKey,
 *   resourceUri: (_p, ctx) => `documents/${ctx?.params?.id}`,
 *   permission: (_p, ctx) => (ctx?.method === 'DELETE' ? 'documents:delete' : 'documents:read'),
 *   cache: { ttlMs: 10_000 },
 * });
 * app.get('/documents/:id', requireAuth(auth), authorize(documents), handler);
 */
export function authress(options: AuthressOptions): AuthressPolicy {
  const where = 'authress';
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(`${where}: options must be an object`);
  assertKnownKeys(options, KEYS, where);
  const base = checkUrl(options.apiUrl, `${where}: option "apiUrl"`, options.allowInsecureRequests === true);
  const root = base.href.replace(/\/+$/, '');
  if (options.serviceClientAccessKey !== undefined && options.credentials !== undefined) {
    throw new ConfigurationError(`${where}: give "serviceClientAccessKey" or "credentials", not both`);
  }
  const credentials: TokenSource | string | undefined =
    options.serviceClientAccessKey !== undefined
      ? selfSignedTokens({
          ...authressAccessKey(options.serviceClientAccessKey, { apiUrl: root }),
          clock: options.clock,
        })
      : options.credentials;
  if (
    credentials !== undefined &&
    !(typeof credentials === 'string' && /^[\x21-\x7e]+$/.test(credentials)) &&
    typeof (credentials as TokenSource).getToken !== 'function'
  ) {
    throw new ConfigurationError(
      `${where}: option "credentials" must be a token source or a token (value not shown)`,
    );
  }
  for (const name of ['resourceUri', 'userId', 'fetch', 'clock', 'onEvent'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigurationError(`${where}: option "${name}" must be a function`);
    }
  }
  const { permission } = options;
  if (
    permission !== undefined &&
    typeof permission !== 'function' &&
    (typeof permission !== 'string' || permission === '')
  ) {
    throw new ConfigurationError(`${where}: option "permission" must be a non-empty string or a function`);
  }
  const timeoutMs = options.timeoutMs ?? 1000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new ConfigurationError(`${where}: option "timeoutMs" must be a positive integer of milliseconds`);
  }
  const code = options.code ?? 'ERR_AUTH_FORBIDDEN';
  if (typeof code !== 'string' || !code.startsWith('ERR_AUTH_'))
    throw new ConfigurationError(`${where}: option "code" must be an ERR_AUTH_… code`);
  const denial = deny(code, options.reason ?? 'Forbidden by policy');
  const clock = options.clock ?? Date.now;
  const breakerConfig = breakerSettings(options.breaker, where);
  const answers = new RemoteDecisions<boolean>({
    cache: cacheSettings(options.cache, where),
    breaker: breakerConfig ? new CircuitBreaker(breakerConfig, clock) : undefined,
    clock,
  });
  const call = {
    fetch:
      options.fetch ?? ((input: string | URL | Request, init?: RequestInit) => globalThis.fetch(input, init)),
    credentials,
    timeoutMs,
    maxResponseBytes: 65_536,
    newRequestId: randomRequestId,
  };
  const emit = (kind: PdpFailureKind | 'mapping', status?: number) => {
    try {
      options.onEvent?.({ type: 'unavailable', kind, ...(status === undefined ? {} : { status }) });
    } catch {
      // A logging hook never changes a decision.
    }
  };

  const authorizeUser = async (userId: string, resourceUri: string, perm: string): Promise<boolean> => {
    for (const value of [userId, resourceUri, perm]) {
      if (typeof value !== 'string' || value === '')
        throw new TypeError('authorizeUser: userId, resourceUri and permission must be non-empty strings');
    }
    const url = `${root}/v1/users/${encodeURIComponent(userId)}/resources/${encodeURIComponent(resourceUri)}/permissions/${encodeURIComponent(perm)}`;
    try {
      // The key separates users: one user's answer never serves another.
      return await answers.run(JSON.stringify([userId, resourceUri, perm]), async () => {
        const status = await callForStatus(url, call, [200, 403, 404]);
        return status === 200;
      });
    } catch (error) {
      if (error instanceof CircuitOpen) emit('circuit-open');
      else if (error instanceof PdpCallError) emit(error.kind, error.status);
      else emit('network');
      throw unavailable(error instanceof CircuitOpen ? undefined : error);
    }
  };

  const policy = async function decideByAuthress(
    principal: Principal,
    ctx?: PolicyContext,
  ): Promise<Decision> {
    let args: [string, string, string];
    try {
      if (!options.resourceUri || permission === undefined) throw new PdpCallError('invalid-response');
      const perm = typeof permission === 'function' ? permission(principal, ctx) : permission;
      args = [
        options.userId ? options.userId(principal) : principal.subject,
        options.resourceUri(principal, ctx),
        perm,
      ];
      if (args.some((a) => typeof a !== 'string' || a === '')) throw new PdpCallError('invalid-response');
    } catch {
      emit('mapping');
      return POLICY_UNAVAILABLE;
    }
    try {
      return (await authorizeUser(...args)) ? ALLOW : denial;
    } catch {
      return POLICY_UNAVAILABLE;
    }
  } as AuthressPolicy;
  Object.defineProperty(policy, 'authorizeUser', { value: authorizeUser, enumerable: true });
  return policy;
}
