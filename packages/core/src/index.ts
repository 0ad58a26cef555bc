// @auth/core: explicit public surface. Each area keeps its own explicit barrel.
export {
  AuthError,
  DEFAULT_REALM,
  DpopNonceError,
  ForbiddenError,
  InsufficientScopeError,
  InsufficientUserAuthenticationError,
  InvalidApiKeyError,
  InvalidDpopProofError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
  isAuthError,
  toAuthError,
} from './errors.ts';
export type {
  AuthErrorBody,
  AuthErrorCode,
  AuthErrorDetail,
  AuthErrorOptions,
  AuthErrorResponse,
  BearerErrorCode,
  ChallengeScheme,
} from './errors.ts';
// metadata: RFC 9728 protected-resource metadata
export type { ResourceMetadataOptions } from './metadata/protected-resource.ts';
// dpop: sender-constrained tokens on the resource server (RFC 9449)
export { dpopNonces, memoryReplayStore } from './dpop/index.ts';
export type {
  DpopNonceSource,
  DpopNoncesOptions,
  DpopOptions,
  MemoryReplayStore,
  MemoryReplayStoreOptions,
  ReplayStore,
} from './dpop/index.ts';
export type {
  Claims,
  Clock,
  Decision,
  HeadersLike,
  JwtClaims,
  Organization,
  Policy,
  PolicyContext,
  Principal,
  PrincipalIdentity,
  Register,
  RequestLike,
  TokenUse,
} from './types.ts';
// start-up mistakes (a TypeError with a stable code)
export { ConfigurationError } from './configuration-error.ts';
// extract: RFC 6750 bearer-token extraction
export { extractToken } from './extract/index.ts';
export type { TokenLocations } from './extract/index.ts';
// authenticate: extract + verify, and one-of-several credential kinds
export { oneOfAuthenticators, createAuthenticator } from './authenticate.ts';
export type { AuthenticatorOptions, AuthenticatorSettings } from './authenticate.ts';
export { isAuthenticator } from './authenticator.ts';
export { renderAuthError } from './rendered-error.ts';
export type { RenderedAuthError } from './rendered-error.ts';
export type { AuthenticateOptions, Authenticator } from './authenticator.ts';
// config: options from environment variables
export { NO_AUDIENCE, apiKeyOptionsFromEnv, verifierOptionsFromEnv } from './config/index.ts';
export type { EnvApiKeyOptions, EnvLike, EnvVerifierOptions, FromEnvOptions } from './config/index.ts';
export { COMPAT_ENV_TABLE, secretStoreOptionsFromEnv } from './config/index.ts';
export type { CompatEnvRow, SecretsManagerEnvOptions } from './config/index.ts';
// authorize: policies, hierarchical scopes, organizations, combinators, remote decisions
export {
  allOf,
  anyOf,
  assertAllowed,
  deny,
  evaluatePolicy,
  hasAccess,
  hasRole,
  not,
  orgParam,
  parseScope,
  remotePolicy,
  requireAcr,
  requireAnyGroup,
  requireAnyScope,
  requireAuthTime,
  requireClaim,
  requireDpopBound,
  requireGroups,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from './authorize/index.ts';
export type {
  ClaimMatcher,
  ClaimPrimitive,
  Denial,
  MatchOptions,
  OrgIdSource,
  OrgRole,
  ParsedScope,
  PermissionScope,
  RemotePolicyCallOptions,
  RemotePolicyFunction,
  RemotePolicyOptions,
  RoleScope,
} from './authorize/index.ts';

// authzen: remote decisions over OpenID AuthZEN 1.0 (policy, client, discovery, search)
export { authress, authzen, createAuthZenClient, discoverPdp } from './authzen/index.ts';
export type {
  AuthressOptions,
  AuthressPolicy,
  AuthZenAction,
  AuthZenActionSearch,
  AuthZenClient,
  AuthZenClientOptions,
  AuthZenDecision,
  AuthZenEndpoints,
  AuthZenEvaluationItem,
  AuthZenEvaluationRequest,
  AuthZenEvaluationsRequest,
  AuthZenEvent,
  AuthZenManyItem,
  AuthZenMetadata,
  AuthZenPage,
  AuthZenPolicy,
  AuthZenPolicyOptions,
  AuthZenResource,
  AuthZenResourceSearch,
  AuthZenSearchResult,
  AuthZenSubject,
  AuthZenSubjectSearch,
  CircuitBreakerOptions,
  DecisionCacheOptions,
  EvaluationsSemantic,
} from './authzen/index.ts';
// verify: token verification, Cognito preset, JWKS key source types
export { cognito, createVerifier, isVerifier } from './verify/index.ts';
export type {
  Algorithm,
  AsymmetricAlgorithm,
  CognitoOptions,
  FetchLike,
  IssuerConfig,
  IssuerResolver,
  JoseHeader,
  Jwk,
  JwksCacheEntry,
  JwksCacheStore,
  JwksOptions,
  SymmetricAlgorithm,
  TokenUseOption,
  Verifier,
  VerifierOptions,
  VerifyOverrides,
} from './verify/index.ts';
// apikey: service principals / API keys and secret stores
export {
  API_KEY_ID,
  API_KEY_ISSUER,
  SECRETS_MANAGER_NAME,
  apiKeyPairAuth,
  apiKeyHeaderAuth,
  envSecretStore,
  fileSecretStore,
  generateApiKey,
  memorySecretStore,
} from './apikey/index.ts';
export type {
  ApiKeyPairAuthOptions,
  ApiKeyCommonOptions,
  ApiKeyHeaderAuthOptions,
  ApiKeyRecord,
  EnvSecretStoreOptions,
  FileSecretStore,
  FileSecretStoreOptions,
  GenerateApiKeyOptions,
  GeneratedApiKey,
  MemorySecretStore,
  SecretStore,
} from './apikey/index.ts';
// Observability: the typed event stream, its log levels and formatting.
export {
  AUTH_EVENT_TYPES,
  debugListener,
  eventLevel,
  eventMessage,
  formatEvent,
  loggerListener,
} from './observe/index.ts';
export type {
  ApiKeyRejectedEvent,
  AuthEvent,
  AuthEventListener,
  AuthAuthorizedEvent,
  AuthFailureEvent,
  AuthLogger,
  AuthLogLevel,
  AuthSuccessEvent,
  KeysRefreshedEvent,
  KeysRotatedEvent,
  KeysUnavailableEvent,
  ObserveOptions,
  PolicyUnavailableEvent,
  TokenRefreshedEvent,
  TokenRefreshFailedEvent,
} from './observe/index.ts';
export { isReady, readiness, warmUp } from './observe/readiness.ts';
export { StartupError } from './observe/startup-error.ts';
export type { WarmUpMode } from './observe/readiness.ts';
export { openTelemetryListener } from './observe/open-telemetry.ts';
export type { OpenTelemetryApi } from './observe/open-telemetry.ts';
