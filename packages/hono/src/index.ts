export type { AuthEnv, OptionalAuthEnv } from './env.ts';
export {
  authorize,
  optionalAuth,
  requireAnyGroup,
  requireAnyScope,
  requireAuth,
  requireAcr,
  requireAuthTime,
  requireClaim,
  requireDpopBound,
  requireGroups,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from './middleware.ts';
export type { AuthControl, AuthSource, AuthorizeMiddleware } from './middleware.ts';
export { toHTTPException } from './exception.ts';
// Convenience re-export: the org id from the route parameters for requireOrgPermission / requireOrgRole.
export { orgParam } from '@auth/core';
export { requireLogin, webAuth } from './web-auth.ts';
export type { WebAuthMiddleware, WebAuthOptions, WebLoginEnv, WebLoginState } from './web-auth.ts';
export { protectedResourceMetadata } from './metadata.ts';
export { readinessHandler } from './readiness.ts';
// Thrown by `ready()` with `startup: 'fail'` when the keys cannot be fetched.
export { StartupError } from '@auth/core';
