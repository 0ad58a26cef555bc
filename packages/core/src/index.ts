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
  Register,
  RequestLike,
  TokenUse,
} from './types.ts';
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
