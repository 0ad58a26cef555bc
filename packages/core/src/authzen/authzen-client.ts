/**
 * An AuthZEN 1.0 client: Access Evaluation, Access Evaluations (boxcarred), the three Search APIs and
 * PDP metadata discovery, each validating the PDP's answer. A failed call rejects with a 503
 * `ERR_AUTH_POLICY_UNAVAILABLE` AuthError (never a crash, never an allow).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { UnavailableError } from '../errors.ts';
import type { FetchLike, TokenSource } from '../client/types.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { type PdpCallOptions, PdpCallError, callPdp, randomRequestId } from './pdp-http.ts';
import type {
  AuthZenAction,
  AuthZenActionSearch,
  AuthZenDecision,
  AuthZenEvaluationRequest,
  AuthZenEvaluationsRequest,
  AuthZenMetadata,
  AuthZenResource,
  AuthZenResourceSearch,
  AuthZenSearchResult,
  AuthZenSubject,
  AuthZenSubjectSearch,
  EvaluationsSemantic,
} from './wire.ts';

/**
 * Where the PDP is and how to reach it.
 *
 * @example
 * const pdp = createAuthZenClient({
 *   pdp: 'https://pdp.example.com',
 *   discovery: true,
 *   credentials: clientCredentials({ issuer, clientId, clientSecret }),
 *   timeoutMs: 300,
 * } satisfies AuthZenClientOptions);
 */
export interface AuthZenClientOptions {
  /** The PDP identifier (base URL, `https://…`; `http://` only on loopback or with `allowInsecureRequests`). */
  pdp: string;
  /** Read the endpoints from `<pdp>/.well-known/authzen-configuration` (checked against `pdp`) on first use. */
  discovery?: boolean;
  /** Endpoint URLs that override the defaults (`<pdp>/access/v1/evaluation`, …) or the metadata. */
  endpoints?: Partial<AuthZenEndpoints>;
  /** A token source (`@auth/core/client`) or a static key, sent as `Authorization: Bearer …`. */
  credentials?: TokenSource | string;
  /** Extra headers on every call (a vendor's key header). */
  headers?: Record<string, string>;
  /** Milliseconds for one call (token, headers and body). Default 1000. */
  timeoutMs?: number;
  /** Largest accepted answer in bytes. Default 65 536 (1 MiB for searches). */
  maxResponseBytes?: number;
  /** Allow `http://` to a host that is not loopback. */
  allowInsecureRequests?: boolean;
  fetch?: FetchLike;
  /** `X-Request-ID` generator (default `crypto.randomUUID`). */
  requestId?: () => string;
}

/**
 * The endpoint URLs in use.
 *
 * @example
 * const { evaluation } = await pdp.endpoints();
 */
export interface AuthZenEndpoints {
  evaluation: string;
  evaluations?: string;
  searchSubject?: string;
  searchResource?: string;
  searchAction?: string;
}

/**
 * The client: each method is a plain async function (safe to pass around detached).
 *
 * @example
 * const { decision } = await pdp.evaluate({ subject, action: { name: 'can_read' }, resource });
 */
export interface AuthZenClient {
  /** `POST /access/v1/evaluation`. */
  evaluate(request: AuthZenEvaluationRequest): Promise<AuthZenDecision>;
  /** `POST /access/v1/evaluations`; `evaluations` in request order (shorter after a short-circuit). */
  evaluations(request: AuthZenEvaluationsRequest): Promise<{ evaluations: AuthZenDecision[] }>;
  /** `POST /access/v1/search/subject`. */
  searchSubjects(request: AuthZenSubjectSearch): Promise<AuthZenSearchResult<AuthZenSubject>>;
  /** `POST /access/v1/search/resource`. */
  searchResources(request: AuthZenResourceSearch): Promise<AuthZenSearchResult<AuthZenResource>>;
  /** `POST /access/v1/search/action`. */
  searchActions(request: AuthZenActionSearch): Promise<AuthZenSearchResult<AuthZenAction>>;
  /** The endpoints in use (discovering them first when `discovery` is on). */
  endpoints(): Promise<AuthZenEndpoints>;
}

const CLIENT_KEYS = [
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
] as const satisfies readonly (keyof AuthZenClientOptions)[];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SEMANTICS: readonly EvaluationsSemantic[] = [
  'execute_all',
  'deny_on_first_deny',
  'permit_on_first_permit',
];

export const unavailable = (cause?: unknown): UnavailableError =>
  new UnavailableError('ERR_AUTH_POLICY_UNAVAILABLE', 'The authorization decision point is unavailable', {
    retryAfterSeconds: 5,
    cause,
  });

/** A URL the client may call: http(s), no credentials in it, http only to loopback unless allowed. */
export function checkUrl(value: unknown, where: string, allowInsecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigurationError(`${where} must be an absolute URL`);
  }
  if (typeof value !== 'string') throw new ConfigurationError(`${where} must be an absolute URL`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigurationError(`${where} must be an https URL`);
  if (url.protocol === 'http:' && !allowInsecure && !LOOPBACK.has(url.hostname)) {
    throw new ConfigurationError(
      `${where} must be https (http only on loopback, or with allowInsecureRequests)`,
    );
  }
  if (url.username || url.password) throw new ConfigurationError(`${where} must not contain credentials`);
  return url;
}

/**
 * Fetches and checks a PDP's metadata: `policy_decision_point` must equal `pdp` exactly (mix-up
 * defence) and every endpoint must be a URL the client may call.
 *
 * @example
 * const metadata = await discoverPdp('https://pdp.example.com');
 * metadata.access_evaluation_endpoint; // 'https://pdp.example.com/access/v1/evaluation'
 */
export async function discoverPdp(
  pdp: string,
  options: Pick<
    AuthZenClientOptions,
    'fetch' | 'timeoutMs' | 'allowInsecureRequests' | 'credentials' | 'headers'
  > = {},
): Promise<AuthZenMetadata> {
  const base = checkUrl(pdp, 'discoverPdp: pdp', options.allowInsecureRequests === true);
  if (base.search || base.hash)
    throw new ConfigurationError('discoverPdp: pdp must have no query or fragment');
  const path = base.pathname === '/' ? '' : base.pathname.replace(/\/$/, '');
  const wellKnown = `${base.origin}/.well-known/authzen-configuration${path}`;
  let doc: Record<string, unknown>;
  try {
    doc = await callPdp(
      wellKnown,
      undefined,
      {
        fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
        credentials: undefined,
        headers: options.headers,
        timeoutMs: options.timeoutMs ?? 1000,
        maxResponseBytes: 65_536,
        newRequestId: randomRequestId,
      },
      'GET',
    );
  } catch (error) {
    throw unavailable(error);
  }
  if (doc.policy_decision_point !== pdp) throw unavailable(new PdpCallError('invalid-response'));
  const allowInsecure = options.allowInsecureRequests === true;
  const endpointKeys = [
    'access_evaluation_endpoint',
    'access_evaluations_endpoint',
    'search_subject_endpoint',
    'search_resource_endpoint',
    'search_action_endpoint',
  ];
  for (const key of endpointKeys) {
    const value = doc[key];
    if (value === undefined && key !== 'access_evaluation_endpoint') continue;
    try {
      checkUrl(value, key, allowInsecure);
    } catch {
      throw unavailable(new PdpCallError('invalid-response'));
    }
  }
  return doc as AuthZenMetadata;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Decision object of the wire format, or a PdpCallError. */
export function readDecision(value: unknown): AuthZenDecision {
  if (!isObject(value) || typeof value.decision !== 'boolean') throw new PdpCallError('invalid-response');
  if (value.context !== undefined && !isObject(value.context)) throw new PdpCallError('invalid-response');
  return value.context === undefined
    ? { decision: value.decision }
    : { decision: value.decision, context: value.context };
}

function readSearch<T>(value: Record<string, unknown>, item: (v: unknown) => v is T): AuthZenSearchResult<T> {
  const { results, page, context } = value;
  if (!Array.isArray(results) || !results.every(item)) throw new PdpCallError('invalid-response');
  if (
    page !== undefined &&
    !(isObject(page) && (page.next_token === undefined || typeof page.next_token === 'string'))
  ) {
    throw new PdpCallError('invalid-response');
  }
  if (context !== undefined && !isObject(context)) throw new PdpCallError('invalid-response');
  const out: AuthZenSearchResult<T> = { results: results as T[] };
  if (page !== undefined) out.page = page as AuthZenSearchResult<T>['page'];
  if (context !== undefined) out.context = context;
  return out;
}

const isEntity = (v: unknown): v is { type: string; id: string } =>
  isObject(v) && typeof v.type === 'string' && typeof v.id === 'string';
const isAction = (v: unknown): v is AuthZenAction => isObject(v) && typeof v.name === 'string';

/**
 * Checks an `evaluations` answer against the request: one Decision per request under `execute_all`;
 * under a short-circuit semantic, a prefix that stops exactly at the first deny (or permit).
 */
export function readEvaluations(
  value: Record<string, unknown>,
  count: number,
  semantic: EvaluationsSemantic,
): AuthZenDecision[] {
  const list = value.evaluations;
  if (!Array.isArray(list) || list.length > count || (list.length === 0 && count > 0)) {
    throw new PdpCallError('invalid-response');
  }
  const decisions = list.map(readDecision);
  if (semantic === 'execute_all') {
    if (decisions.length !== count) throw new PdpCallError('invalid-response');
    return decisions;
  }
  const stop = semantic !== 'deny_on_first_deny';
  const first = decisions.findIndex((d) => d.decision === stop);
  // Answers after the short-circuit, or a short list that did not stop, are not this semantic.
  if (first === -1 ? decisions.length !== count : first !== decisions.length - 1) {
    throw new PdpCallError('invalid-response');
  }
  return decisions;
}

/**
 * An AuthZEN 1.0 client for one PDP.
 *
 * @example
 * const pdp = createAuthZenClient({ pdp: 'https://pdp.example.com', credentials: pdpKey });
 * const { decision } = await pdp.evaluate({
 *   subject: { type: 'user', id: 'alice' }, action: { name: 'can_read' }, resource: { type: 'todo', id: '1' },
 * });
 * const { results } = await pdp.searchResources({ subject: { type: 'user', id: 'alice' }, action: { name: 'can_read' }, resource: { type: 'todo' } });
 */
export function createAuthZenClient(options: AuthZenClientOptions): AuthZenClient {
  const where = 'createAuthZenClient';
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(`${where}: options must be an object`);
  assertKnownKeys(options, CLIENT_KEYS, where);
  const allowInsecure = options.allowInsecureRequests === true;
  const base = checkUrl(options.pdp, `${where}: option "pdp"`, allowInsecure);
  if (base.search || base.hash)
    throw new ConfigurationError(`${where}: option "pdp" must have no query or fragment`);
  const root = options.pdp.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 1000;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isInteger(timeoutMs) ||
    timeoutMs <= 0 ||
    timeoutMs > 2_147_483_647
  ) {
    throw new ConfigurationError(`${where}: option "timeoutMs" must be a positive integer of milliseconds`);
  }
  const maxBytes = options.maxResponseBytes;
  if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes <= 0)) {
    throw new ConfigurationError(`${where}: option "maxResponseBytes" must be a positive integer`);
  }
  const credentials = options.credentials;
  if (
    credentials !== undefined &&
    !(typeof credentials === 'string' && /^[\x21-\x7e]+$/.test(credentials)) &&
    typeof (credentials as TokenSource | undefined)?.getToken !== 'function'
  ) {
    throw new ConfigurationError(
      `${where}: option "credentials" must be a token source or a non-empty key of visible ASCII (value not shown)`,
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError(`${where}: option "fetch" must be a function`);
  }
  if (options.requestId !== undefined && typeof options.requestId !== 'function') {
    throw new ConfigurationError(`${where}: option "requestId" must be a function`);
  }
  const headers = options.headers;
  if (
    headers !== undefined &&
    (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string'))
  ) {
    throw new ConfigurationError(`${where}: option "headers" must be a record of strings`);
  }
  const configured: Partial<AuthZenEndpoints> = {};
  for (const [key, value] of Object.entries(options.endpoints ?? {})) {
    if (!['evaluation', 'evaluations', 'searchSubject', 'searchResource', 'searchAction'].includes(key)) {
      throw new ConfigurationError(`${where}: unknown option "endpoints.${key}"`);
    }
    checkUrl(value, `${where}: option "endpoints.${key}"`, allowInsecure);
    configured[key as keyof AuthZenEndpoints] = value as string;
  }
  const defaults: AuthZenEndpoints = {
    evaluation: `${root}/access/v1/evaluation`,
    evaluations: `${root}/access/v1/evaluations`,
    searchSubject: `${root}/access/v1/search/subject`,
    searchResource: `${root}/access/v1/search/resource`,
    searchAction: `${root}/access/v1/search/action`,
  };
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const call = (maxResponseBytes: number): PdpCallOptions => ({
    fetch: fetchFn,
    credentials,
    headers,
    timeoutMs,
    maxResponseBytes,
    newRequestId: options.requestId ?? randomRequestId,
  });
  const decisionCall = call(maxBytes ?? 65_536);
  const searchCall = call(maxBytes ?? 1_048_576);

  let discovered: Promise<AuthZenEndpoints> | undefined;
  const endpoints = (): Promise<AuthZenEndpoints> => {
    if (!options.discovery) return Promise.resolve({ ...defaults, ...configured });
    discovered ??= discoverPdp(options.pdp, {
      fetch: fetchFn,
      timeoutMs,
      allowInsecureRequests: allowInsecure,
    }).then(
      (m) => ({
        evaluation: m.access_evaluation_endpoint,
        evaluations: m.access_evaluations_endpoint,
        searchSubject: m.search_subject_endpoint,
        searchResource: m.search_resource_endpoint,
        searchAction: m.search_action_endpoint,
        ...configured,
      }),
      (error: unknown) => {
        discovered = undefined; // Try again on the next call.
        throw error;
      },
    );
    return discovered;
  };

  const post = async (
    endpoint: keyof AuthZenEndpoints,
    body: unknown,
    settings: PdpCallOptions,
  ): Promise<Record<string, unknown>> => {
    const url = (await endpoints())[endpoint];
    // The PDP does not offer this API (absent from its metadata).
    if (url === undefined) throw unavailable(new PdpCallError('invalid-response'));
    try {
      return await callPdp(url, body, settings);
    } catch (error) {
      throw unavailable(error);
    }
  };
  const checked = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      throw unavailable(error);
    }
  };

  return {
    endpoints,
    async evaluate(request) {
      const answer = await post('evaluation', request, decisionCall);
      return checked(() => readDecision(answer));
    },
    async evaluations(request) {
      const semantic = request.options?.evaluations_semantic ?? 'execute_all';
      if (!SEMANTICS.includes(semantic))
        throw new TypeError('evaluations: unknown options.evaluations_semantic');
      if (!Array.isArray(request.evaluations))
        throw new TypeError('evaluations: request.evaluations must be an array');
      const answer = await post('evaluations', request, decisionCall);
      return checked(() => ({ evaluations: readEvaluations(answer, request.evaluations.length, semantic) }));
    },
    async searchSubjects(request) {
      const answer = await post('searchSubject', request, searchCall);
      return checked(() => readSearch(answer, isEntity));
    },
    async searchResources(request) {
      const answer = await post('searchResource', request, searchCall);
      return checked(() => readSearch(answer, isEntity));
    },
    async searchActions(request) {
      const answer = await post('searchAction', request, searchCall);
      return checked(() => readSearch(answer, isAction));
    },
  };
}
