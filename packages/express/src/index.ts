// @auth/express: Express glue for @auth/core. Authentication and authorization logic lives in core.
export type { AuthenticatedRequest } from './augment.ts';
export { getAuth, optionalAuth, requireAuth } from './authenticate.ts';
export type { AuthMiddleware, AuthSource } from './authenticate.ts';
export {
  authorize,
  requireAnyGroup,
  requireAnyScope,
  requireAcr,
  requireAuthTime,
  requireClaim,
  requireDpopBound,
  requireGroups,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from './authorize.ts';
export type { AuthorizeMiddleware } from './authorize.ts';
// Not a middleware: reads the organization id from `req.params` for requireOrgPermission / requireOrgRole.
export { orgParam } from '@auth/core';
export { authErrorHandler } from './error-handler.ts';
export { withAuth } from './with-auth.ts';
export type { AuthErrorHandlerOptions } from './error-handler.ts';
export { requireLogin, webAuth } from './web-auth.ts';
export type { WebAuthMiddleware, WebAuthOptions, WebLoginState } from './web-auth.ts';
export { protectedResourceMetadata } from './metadata.ts';
export { readinessHandler } from './readiness.ts';
// Thrown by `ready()` with `startup: 'fail'` when the keys cannot be fetched.
export { StartupError } from '@auth/core';
