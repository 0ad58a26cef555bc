// @auth/core: explicit public surface. Each area keeps its own explicit barrel.
export {
  AuthError,
  DEFAULT_REALM,
  ForbiddenError,
  InsufficientScopeError,
  InvalidApiKeyError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
  isAuthError,
  quote,
  toAuthError,
} from './errors.ts';
export type {
  AuthErrorBody,
  AuthErrorCode,
  AuthErrorOptions,
  AuthErrorResponse,
  BearerErrorCode,
} from './errors.ts';
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
