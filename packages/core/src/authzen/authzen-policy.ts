/**
 * `authzen(options)`: a Policy decided by an AuthZEN 1.0 PDP. Maps principal → subject, route →
 * resource and action, asks `POST /access/v1/evaluation`, and fails closed: a slow, dead or confused
 * PDP is a 503 `ERR_AUTH_POLICY_UNAVAILABLE`, never an allow and never a 500.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { ALLOW, POLICY_UNAVAILABLE, deny } from '../authorize/decision.ts';
import type { AuthErrorCode } from '../errors.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import type { Clock, Decision, Policy, PolicyContext, Principal } from '../types.ts';
import {
  type AuthZenClient,
  type AuthZenClientOptions,
  createAuthZenClient,
  unavailable,
} from './authzen-client.ts';
import { PdpCallError, type PdpFailureKind } from './pdp-http.ts';
import {
  CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpen,
  type DecisionCacheOptions,
  RemoteDecisions,
  breakerSettings,
  cacheSettings,
  stableKey,
} from './remote-decisions.ts';
import type {
  AuthZenAction,
  AuthZenDecision,
  AuthZenEvaluationRequest,
  AuthZenResource,
  AuthZenSubject,
  EvaluationsSemantic,
} from './wire.ts';

/**
 * What the policy reports for logs and metrics. `reasonAdmin` is the PDP's `context.reason_admin`,
 * for logs only (it never reaches the response).
 *
 * @example
 * const policy = authzen({ pdp, onEvent: (e: AuthZenEvent) => e.type === 'unavailable' && logger.warn(e) });
 */
export type AuthZenEvent =
  | { type: 'decision'; allowed: boolean; action: string; resourceType: string; reasonAdmin?: unknown }
  | { type: 'unavailable'; kind: PdpFailureKind | 'mapping'; status?: number };

/**
 * Options of `authzen()`: the client's (where the PDP is, credentials, timeout) plus the mapping and
 * the decision cache and breaker.
 *
 * @example
 * const canRead = authzen({
 *   pdp: 'https://pdp.example.com',
 *   credentials: pdpKey,
 *   resourceType: 'document',
 *   action: 'can_read',
 *   cache: { ttlMs: 5_000 },
 * } satisfies AuthZenPolicyOptions);
 */
export interface AuthZenPolicyOptions extends AuthZenClientOptions {
  /** principal → Subject. Default `{ type: 'user', id: subject, properties: { issuer, scopes, groups, organizations } }`. */
  subject?: (principal: Principal, context: PolicyContext | undefined) => AuthZenSubject;
  /** route → Resource. Default `{ type: resourceType, id: params.id (or the only param), properties: params }`. */
  resource?: (principal: Principal, context: PolicyContext | undefined) => AuthZenResource;
  /** Resource type for the default mapping (default: the path's first segment). */
  resourceType?: string;
  /** An action name, or route → Action. Default by method: `can_read` (GET/HEAD), `can_create` (POST), `can_update` (PUT/PATCH), `can_delete` (DELETE). */
  action?: string | ((principal: Principal, context: PolicyContext | undefined) => AuthZenAction | string);
  /** route → the request's `context` (omitted by default). */
  context?: (principal: Principal, context: PolicyContext | undefined) => Record<string, unknown> | undefined;
  /** Decision cache (off by default). */
  cache?: DecisionCacheOptions | false;
  /** Circuit breaker (on by default: 3 failures, 5 s). */
  breaker?: CircuitBreakerOptions | false;
  /** Code of a PDP "no" (default ERR_AUTH_FORBIDDEN). */
  code?: AuthErrorCode;
  /** Reason of a PDP "no" when it gives no `reason_user` (default "Forbidden by policy"). */
  reason?: string;
  /** Show the PDP's `context.reason_user` as the 403 reason (default true). */
  userReason?: boolean;
  /** Decisions and failures, for logs (exceptions from it are ignored). */
  onEvent?: (event: AuthZenEvent) => void;
  clock?: Clock;
}

/**
 * One resource of `authorizeMany`, with an optional action (else the policy's action for the context).
 *
 * @example
 * const items: AuthZenManyItem[] = [{ resource: { type: 'document', id: '1' } }, { resource: { type: 'document', id: '2' }, action: 'can_delete' }];
 */
export interface AuthZenManyItem {
  resource: AuthZenResource;
  action?: AuthZenAction | string;
}

/**
 * The policy, plus `authorizeMany` (one boxcarred Evaluations call) and the underlying client.
 *
 * @example
 * const docs = authzen({ pdp: 'https://pdp.example.com', resourceType: 'document' });
 * app.get('/documents/:id', requireAuth(auth), authorize(docs), handler);
 * const decisions = await docs.authorizeMany(principal, ids.map((id) => ({ resource: { type: 'document', id } })));
 */
export interface AuthZenPolicy extends Policy {
  /**
   * Several resources in one `POST /access/v1/evaluations`: one Decision per item, in order. Items
   * left unevaluated by a short-circuit semantic are denials. Rejects with a 503 AuthError when the
   * PDP fails.
   */
  authorizeMany(
    principal: Principal,
    items: readonly AuthZenManyItem[],
    options?: { semantic?: EvaluationsSemantic; context?: PolicyContext },
  ): Promise<Decision[]>;
  readonly client: AuthZenClient;
}

const POLICY_KEYS = [
  'pdp',
  'discovery',
  'endpoints',
  'credentials',
  'headers',
  'timeoutMs',
  'maxResponseBytes',
  'allowInsecureRequests',
  'fetch',
  'requestId',
  'subject',
  'resource',
  'resourceType',
  'action',
  'context',
  'cache',
  'breaker',
  'code',
  'reason',
  'userReason',
  'onEvent',
  'clock',
] as const satisfies readonly (keyof AuthZenPolicyOptions)[];

const METHOD_ACTIONS: Record<string, string> = {
  GET: 'can_read',
  HEAD: 'can_read',
  POST: 'can_create',
  PUT: 'can_update',
  PATCH: 'can_update',
  DELETE: 'can_delete',
};

const NOT_EVALUATED = deny('ERR_AUTH_FORBIDDEN', 'Not evaluated by the decision point');
const MAX_REASON = 200;

/** The default subject: who, and what the token says about them (for scope and org rules). */
export function defaultSubject(principal: Principal): AuthZenSubject {
  return {
    type: 'user',
    id: principal.subject,
    properties: {
      issuer: principal.issuer,
      scopes: [...principal.scopes],
      groups: [...principal.groups],
      organizations: principal.organizations.map((o) => ({ id: o.id, scopes: [...o.scopes] })),
    },
  };
}

function defaultResource(type: string | undefined, context: PolicyContext | undefined): AuthZenResource {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(context?.params ?? {})) if (typeof v === 'string') params[k] = v;
  const resourceType = type ?? context?.path?.split('/').find((s) => s !== '');
  const values = Object.values(params);
  const id = params.id ?? (values.length === 1 ? values[0] : undefined);
  if (!resourceType || id === undefined) throw new PdpCallError('invalid-response');
  return Object.keys(params).length > 0
    ? { type: resourceType, id, properties: params }
    : { type: resourceType, id };
}

function defaultAction(context: PolicyContext | undefined): AuthZenAction {
  const method = typeof context?.method === 'string' ? context.method.toUpperCase() : undefined;
  if (!method) throw new PdpCallError('invalid-response');
  return { name: METHOD_ACTIONS[method] ?? `can_${method.toLowerCase()}` };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A mapped entity the wire format accepts (else the mapping is broken: fail closed). */
function checkEntity(value: unknown, key: 'type' | 'name', withId: boolean): boolean {
  if (!isRecord(value)) return false;
  if (typeof value[key] !== 'string' || value[key] === '') return false;
  if (withId && typeof value.id !== 'string') return false;
  return value.properties === undefined || isRecord(value.properties);
}

/** `reason_user`: a string, or a map keyed by status or locale (`403`, `en-403`, `en`); cleaned and capped. */
export function readUserReason(context: Record<string, unknown> | undefined): string | undefined {
  const raw = context?.reason_user;
  let text: unknown = raw;
  if (isRecord(raw)) {
    text = raw['403'] ?? raw['en-403'] ?? raw.en ?? Object.values(raw).find((v) => typeof v === 'string');
  }
  if (typeof text !== 'string') return undefined;
  // Control characters and the like never reach a response body.
  const clean = text.replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, '').trim();
  if (clean === '') return undefined;
  return clean.length > MAX_REASON ? `${clean.slice(0, MAX_REASON - 1)}…` : clean;
}

/**
 * A Policy decided by an AuthZEN 1.0 PDP (`POST /access/v1/evaluation`). Fails closed with 503
 * `ERR_AUTH_POLICY_UNAVAILABLE` on a timeout, an error status, a redirect, a body that is not an
 * AuthZEN Decision, a mismatched `X-Request-ID`, or while the circuit breaker is open.
 *
 * @example
 * const documents = authzen({
 *   pdp: 'https://pdp.example.com',
 *   credentials: clientCredentials({ issuer, clientId: 'api', clientSecret }),
 *   resourceType: 'document', // GET /documents/:id → { type: 'document', id }, action can_read
 *   timeoutMs: 300,
 *   cache: { ttlMs: 5_000, maxEntries: 10_000 },
 * });
 * app.get('/documents/:id', requireAuth(auth), authorize(documents), handler);
 */
export function authzen(options: AuthZenPolicyOptions): AuthZenPolicy {
  const where = 'authzen';
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(`${where}: options must be an object`);
  assertKnownKeys(options, POLICY_KEYS, where);
  const {
    subject,
    resource,
    resourceType,
    action,
    context,
    cache,
    breaker,
    code = 'ERR_AUTH_FORBIDDEN',
    reason = 'Forbidden by policy',
    userReason = true,
    onEvent,
    clock = Date.now,
    ...clientOptions
  } = options;
  for (const [name, fn] of [
    ['subject', subject],
    ['resource', resource],
    ['context', context],
    ['onEvent', onEvent],
    ['clock', clock],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function')
      throw new ConfigurationError(`${where}: option "${name}" must be a function`);
  }
  if (resourceType !== undefined && (typeof resourceType !== 'string' || resourceType === '')) {
    throw new ConfigurationError(`${where}: option "resourceType" must be a non-empty string`);
  }
  if (action !== undefined && typeof action !== 'function' && (typeof action !== 'string' || action === '')) {
    throw new ConfigurationError(`${where}: option "action" must be a non-empty string or a function`);
  }
  if (typeof code !== 'string' || !code.startsWith('ERR_AUTH_')) {
    throw new ConfigurationError(`${where}: option "code" must be an ERR_AUTH_… code`);
  }
  if (typeof reason !== 'string' || reason === '')
    throw new ConfigurationError(`${where}: option "reason" must be a string`);
  if (typeof userReason !== 'boolean')
    throw new ConfigurationError(`${where}: option "userReason" must be a boolean`);

  const client = createAuthZenClient(clientOptions);
  const breakerConfig = breakerSettings(breaker, where);
  const circuit = breakerConfig ? new CircuitBreaker(breakerConfig, clock) : undefined;
  const decisions = new RemoteDecisions<Decision>({
    cache: cacheSettings(cache, where),
    breaker: circuit,
    clock,
  });
  const batches = new RemoteDecisions<Decision[]>({ cache: undefined, breaker: circuit, clock });
  const plainDenial = deny(code, reason);

  const emit = (event: AuthZenEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // A logging hook never changes a decision.
    }
  };
  const failed = (error: unknown): void => {
    const cause = error instanceof PdpCallError ? error : (error as { cause?: unknown })?.cause;
    if (error instanceof CircuitOpen) emit({ type: 'unavailable', kind: 'circuit-open' });
    else if (cause instanceof PdpCallError)
      emit({ type: 'unavailable', kind: cause.kind, status: cause.status });
    else emit({ type: 'unavailable', kind: 'network' });
  };

  const toAction = (principal: Principal, ctx: PolicyContext | undefined, value = action): AuthZenAction => {
    const a =
      typeof value === 'function' ? value(principal, ctx) : value === undefined ? defaultAction(ctx) : value;
    return typeof a === 'string' ? { name: a } : a;
  };
  const toDecision = (
    answer: AuthZenDecision,
    request: { action: AuthZenAction; resource: AuthZenResource },
  ): Decision => {
    const reasonAdmin = answer.context?.reason_admin;
    emit({
      type: 'decision',
      allowed: answer.decision,
      action: request.action.name,
      resourceType: request.resource.type,
      ...(reasonAdmin === undefined ? {} : { reasonAdmin }),
    });
    if (answer.decision) return ALLOW;
    const shown = userReason ? readUserReason(answer.context) : undefined;
    return shown === undefined ? plainDenial : deny(code, shown);
  };

  /** The Evaluation request for this principal and route; throws when a mapping is broken. */
  const build = (principal: Principal, ctx: PolicyContext | undefined): AuthZenEvaluationRequest => {
    const request: AuthZenEvaluationRequest = {
      subject: subject ? subject(principal, ctx) : defaultSubject(principal),
      action: toAction(principal, ctx),
      resource: resource ? resource(principal, ctx) : defaultResource(resourceType, ctx),
    };
    const extra = context?.(principal, ctx);
    if (extra !== undefined) request.context = extra;
    if (
      !checkEntity(request.subject, 'type', true) ||
      !checkEntity(request.action, 'name', false) ||
      !checkEntity(request.resource, 'type', true) ||
      (request.context !== undefined && !isRecord(request.context))
    ) {
      throw new PdpCallError('invalid-response');
    }
    return request;
  };

  const policy = async function decideByAuthZen(
    principal: Principal,
    ctx?: PolicyContext,
  ): Promise<Decision> {
    let request: AuthZenEvaluationRequest;
    let key: string;
    try {
      request = build(principal, ctx);
      key = stableKey(request);
    } catch {
      emit({ type: 'unavailable', kind: 'mapping' });
      return POLICY_UNAVAILABLE;
    }
    try {
      return await decisions.run(key, async () => toDecision(await client.evaluate(request), request));
    } catch (error) {
      failed(error);
      return POLICY_UNAVAILABLE;
    }
  } as AuthZenPolicy;

  const authorizeMany: AuthZenPolicy['authorizeMany'] = async (principal, items, manyOptions = {}) => {
    if (!Array.isArray(items) || items.length === 0) {
      throw new TypeError('authorizeMany: items must be a non-empty array');
    }
    const semantic = manyOptions.semantic ?? 'execute_all';
    const ctx = manyOptions.context;
    let subjectValue: AuthZenSubject;
    let evaluations: { action: AuthZenAction; resource: AuthZenResource }[];
    let extra: Record<string, unknown> | undefined;
    try {
      subjectValue = subject ? subject(principal, ctx) : defaultSubject(principal);
      evaluations = items.map((item) => ({
        action: toAction(principal, ctx, item.action ?? action),
        resource: item.resource,
      }));
      extra = context?.(principal, ctx);
      if (
        !checkEntity(subjectValue, 'type', true) ||
        evaluations.some(
          (e) => !checkEntity(e.action, 'name', false) || !checkEntity(e.resource, 'type', true),
        )
      ) {
        throw new PdpCallError('invalid-response');
      }
    } catch {
      emit({ type: 'unavailable', kind: 'mapping' });
      throw unavailable();
    }
    const body = {
      subject: subjectValue,
      ...(extra === undefined ? {} : { context: extra }),
      evaluations,
      options: { evaluations_semantic: semantic },
    };
    try {
      return await batches.run(stableKey(body), async () => {
        const { evaluations: answers } = await client.evaluations(body);
        return evaluations.map((request, i) => {
          const answer = answers[i];
          return answer === undefined ? NOT_EVALUATED : toDecision(answer, request);
        });
      });
    } catch (error) {
      failed(error);
      throw unavailable(error instanceof CircuitOpen ? undefined : error);
    }
  };

  Object.defineProperty(policy, 'authorizeMany', { value: authorizeMany, enumerable: true });
  Object.defineProperty(policy, 'client', { value: client, enumerable: true });
  return policy;
}
