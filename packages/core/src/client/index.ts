// @auth/core/client: tokens for outgoing calls. Browser- and edge-safe (no node: imports, no timers at import).
export { authFetch } from './auth-fetch.ts';
export type { AuthFetch, AuthFetchOptions } from './auth-fetch.ts';
export { clientCredentials } from './client-credentials.ts';
export { createDpopProver, DpopProofError, generateDpopKeyPair } from './dpop.ts';
export type { DpopAlgorithm, DpopProver, DpopProverOptions } from './dpop.ts';
export type { DpopOption } from './dpop-source.ts';
export { authressAccessKey, selfSignedTokens } from './self-signed-tokens.ts';
export type { SelfSignedTokensOptions } from './self-signed-tokens.ts';
export type { ClientCredentialsOptions } from './client-credentials.ts';
export type { ClientAuthMethod, ClientAuthOptions, PrivateKeyInput } from './client-auth.ts';
export { DiscoveryCache, defaultDiscoveryCache, discover } from './discovery.ts';
export type { AuthorizationServerMetadata, DiscoverOptions, DiscoveryCacheOptions } from './discovery.ts';
export { AuthClientError } from './auth-client-error.ts';
export type { AuthClientErrorCode } from './auth-client-error.ts';
export { isAuthClientError } from './client-error-brand.ts';
export { ConfigurationError } from '../configuration-error.ts';
export {
  DiscoveryError,
  OriginNotAllowedError,
  RefreshError,
  SubjectMismatchError,
  TokenEndpointError,
} from './errors.ts';
export type { OAuthEndpoint, TokenEndpointErrorDetails } from './errors.ts';
export { InvalidClientError, InvalidCredentialsError } from './credential-errors.ts';
export { introspectToken } from './introspect-token.ts';
export type { IntrospectionResponse, IntrospectTokenOptions } from './introspect-token.ts';
export type { EndpointOptions } from './oauth-context.ts';
export { refreshTokens } from './refresh-tokens.ts';
export type { InitialTokens, RefreshTokensOptions } from './refresh-tokens.ts';
export { revokeToken } from './revoke-token.ts';
export type { RevokeTokenOptions } from './revoke-token.ts';
export type { TokenManagerOptions } from './token-manager.ts';
export { createTokenSource } from './token-source.ts';
export type { FetchedToken, FetchTokenContext, TokenSourceOptions } from './token-source.ts';
export { MemoryTokenStore } from './token-store.ts';
export type {
  ClientClock,
  FetchLike,
  GetTokenOptions,
  ManagedTokenSource,
  RandomSource,
  RetryOptions,
  Sleep,
  TokenSet,
  TokenSource,
  TokenSourceStats,
  TokenStore,
  TokenStoreAcquired,
  TokenStoreLease,
} from './types.ts';
export type {
  AuthEvent,
  AuthEventListener,
  TokenRefreshedEvent,
  TokenRefreshFailedEvent,
} from '../observe/events.ts';
