// Remote authorization over OpenID AuthZEN 1.0: the policy, the client, discovery, wire types.
export { authzen } from './authzen-policy.ts';
export type { AuthZenEvent, AuthZenManyItem, AuthZenPolicy, AuthZenPolicyOptions } from './authzen-policy.ts';
export { createAuthZenClient, discoverPdp } from './authzen-client.ts';
export { authress } from './authress.ts';
export type { AuthressOptions, AuthressPolicy } from './authress.ts';
export type { AuthZenClient, AuthZenClientOptions, AuthZenEndpoints } from './authzen-client.ts';
export type { CircuitBreakerOptions, DecisionCacheOptions } from './remote-decisions.ts';
export type {
  AuthZenAction,
  AuthZenActionSearch,
  AuthZenDecision,
  AuthZenEvaluationItem,
  AuthZenEvaluationRequest,
  AuthZenEvaluationsRequest,
  AuthZenMetadata,
  AuthZenPage,
  AuthZenResource,
  AuthZenResourceSearch,
  AuthZenSearchResult,
  AuthZenSubject,
  AuthZenSubjectSearch,
  EvaluationsSemantic,
} from './wire.ts';
