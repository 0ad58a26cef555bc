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
export type { AuthSource, AuthorizeMiddleware } from './middleware.ts';
export { toHTTPException } from './exception.ts';
// Convenience re-export: the org id from the route parameters for requireOrgPermission / requireOrgRole.
export { orgParam } from '@auth/core';
export { requireLogin, webAuth } from './web-auth.ts';
export type { WebAuthMiddleware, WebAuthOptions, WebLoginEnv, WebLoginState } from './web-auth.ts';
export { protectedResourceMetadata } from './metadata.ts';
