/**
 * The OpenID AuthZEN Authorization API 1.0 JSON, field for field: entities (subject, resource,
 * action, context), evaluation(s) requests and responses, search requests and responses, PDP metadata.
 */

/**
 * An AuthZEN Subject: `type` and `id` (required; `id` is omitted in a subject search), `properties`.
 *
 * @example
 * const subject: AuthZenSubject = { type: 'user', id: 'alice@example.com', properties: { department: 'Sales' } };
 */
export interface AuthZenSubject {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}

/**
 * An AuthZEN Resource: `type`, `id` (omitted in a resource search), `properties`.
 *
 * @example
 * const resource: AuthZenResource = { type: 'document', id: 'doc_1', properties: { ownerID: 'alice' } };
 */
export interface AuthZenResource {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}

/**
 * An AuthZEN Action: `name` and `properties`.
 *
 * @example
 * const action: AuthZenAction = { name: 'can_read', properties: { method: 'GET' } };
 */
export interface AuthZenAction {
  name: string;
  properties?: Record<string, unknown>;
}

/**
 * An Access Evaluation request (`POST /access/v1/evaluation`).
 *
 * @example
 * const request: AuthZenEvaluationRequest = {
 *   subject: { type: 'user', id: 'alice' }, action: { name: 'can_read' }, resource: { type: 'todo', id: '1' },
 * };
 */
export interface AuthZenEvaluationRequest {
  subject: AuthZenSubject;
  action: AuthZenAction;
  resource: AuthZenResource;
  context?: Record<string, unknown>;
}

/**
 * A Decision: `decision` (boolean) and an optional free-form `context` (reasons, advice, …).
 *
 * @example
 * const answer: AuthZenDecision = { decision: false, context: { reason_user: { '403': 'Not yours' } } };
 */
export interface AuthZenDecision {
  decision: boolean;
  context?: Record<string, unknown>;
}

/**
 * `options.evaluations_semantic` of the Access Evaluations API.
 *
 * @example
 * const semantic: EvaluationsSemantic = 'deny_on_first_deny';
 */
export type EvaluationsSemantic = 'execute_all' | 'deny_on_first_deny' | 'permit_on_first_permit';

/**
 * One entry of `evaluations`: any of the four keys overrides the top-level default.
 *
 * @example
 * const item: AuthZenEvaluationItem = { resource: { type: 'document', id: '2' } };
 */
export interface AuthZenEvaluationItem {
  subject?: AuthZenSubject;
  action?: AuthZenAction;
  resource?: AuthZenResource;
  context?: Record<string, unknown>;
}

/**
 * An Access Evaluations request (`POST /access/v1/evaluations`): defaults at the top, `evaluations`, `options`.
 *
 * @example
 * const request: AuthZenEvaluationsRequest = {
 *   subject: { type: 'user', id: 'alice' }, action: { name: 'can_read' },
 *   evaluations: [{ resource: { type: 'document', id: '1' } }, { resource: { type: 'document', id: '2' } }],
 *   options: { evaluations_semantic: 'execute_all' },
 * };
 */
export interface AuthZenEvaluationsRequest {
  subject?: AuthZenSubject;
  action?: AuthZenAction;
  resource?: AuthZenResource;
  context?: Record<string, unknown>;
  evaluations: AuthZenEvaluationItem[];
  options?: { evaluations_semantic?: EvaluationsSemantic; [option: string]: unknown };
}

/**
 * A search page token (`page.next_token`; empty or absent on the last page).
 *
 * @example
 * const page: AuthZenPage = { next_token: 'alsehrq3495u8' };
 */
export interface AuthZenPage {
  next_token?: string;
  [key: string]: unknown;
}

/**
 * A Subject Search request (`POST /access/v1/search/subject`): the subject's `type` only.
 *
 * @example
 * const q: AuthZenSubjectSearch = { subject: { type: 'user' }, action: { name: 'can_read' }, resource: { type: 'account', id: '123' } };
 */
export interface AuthZenSubjectSearch {
  subject: { type: string; properties?: Record<string, unknown> };
  action: AuthZenAction;
  resource: AuthZenResource;
  context?: Record<string, unknown>;
  page?: AuthZenPage;
}

/**
 * A Resource Search request (`POST /access/v1/search/resource`): the resource's `type` only.
 *
 * @example
 * const q: AuthZenResourceSearch = { subject: { type: 'user', id: 'alice' }, action: { name: 'can_read' }, resource: { type: 'account' } };
 */
export interface AuthZenResourceSearch {
  subject: AuthZenSubject;
  action: AuthZenAction;
  resource: { type: string; properties?: Record<string, unknown> };
  context?: Record<string, unknown>;
  page?: AuthZenPage;
}

/**
 * An Action Search request (`POST /access/v1/search/action`): no `action` key.
 *
 * @example
 * const q: AuthZenActionSearch = { subject: { type: 'user', id: 'alice' }, resource: { type: 'account', id: '123' } };
 */
export interface AuthZenActionSearch {
  subject: AuthZenSubject;
  resource: AuthZenResource;
  context?: Record<string, unknown>;
  page?: AuthZenPage;
}

/**
 * A search response: `results` and the `page` to ask for next (absent or empty `next_token` = last page).
 *
 * @example
 * const { results, page } = await pdp.searchResources(query);
 * if (page?.next_token) await pdp.searchResources({ ...query, page: { next_token: page.next_token } });
 */
export interface AuthZenSearchResult<T> {
  results: T[];
  page?: AuthZenPage;
  context?: Record<string, unknown>;
}

/**
 * The PDP metadata document (`/.well-known/authzen-configuration`).
 *
 * @example
 * const metadata: AuthZenMetadata = await discoverPdp('https://pdp.example.com');
 * metadata.access_evaluations_endpoint; // undefined when the PDP has no boxcarring
 */
export interface AuthZenMetadata {
  policy_decision_point: string;
  access_evaluation_endpoint: string;
  access_evaluations_endpoint?: string;
  search_subject_endpoint?: string;
  search_resource_endpoint?: string;
  search_action_endpoint?: string;
  capabilities?: string[];
  signed_metadata?: string;
  [parameter: string]: unknown;
}
