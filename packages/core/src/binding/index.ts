// binding: what an adapter needs to bind core to a framework (internal entry `@auth/core/internal`).
export { authorizePrincipal, createAuthBinding } from './auth-binding.ts';
export type {
  AuthBinding,
  AuthOutcome,
  BindingOptions,
  RememberedAuth,
  RequestMemo,
} from './auth-binding.ts';
export { resolveAuthenticator } from './auth-source.ts';
export type { AuthSource, ResolveOptions, ResolvedAuthenticator } from './auth-source.ts';
export { bindPolicyMakers, POLICY_MAKERS } from './policy-makers.ts';
export type { BoundPolicyMakers } from './policy-makers.ts';
export { compileRouteRequirement, OPTIONAL, PUBLIC, REQUIRED } from './route-requirement.ts';
export type { AuthMode, RouteRequirement, RouteSpec } from './route-requirement.ts';
export {
  createWebLoginRoutes,
  defaultPage,
  escapeHtml,
  MAX_REFRESH_MEMO,
  sessionJson,
  webLoginState,
} from './web-login-routes.ts';
export { bothLoginRequirements, loginRequirement } from './login-requirement.ts';
export type { LoginRequirement, LoginRequirementOptions } from './login-requirement.ts';
export type {
  LoadedSession,
  LoginDecision,
  WebHeaders,
  WebLoginPaths,
  WebLoginRoutes,
  WebLoginRoutesOptions,
  WebPage,
  WebRequest,
  WebResponse,
  WebResponseHeaders,
} from './web-login-routes.ts';
export { metadataRoute } from './metadata-route.ts';
export type { MetadataRoute } from './metadata-route.ts';
export {
  readinessResponse,
  readinessSources,
  readStartupOptions,
  STARTUP_KEYS,
  startAuthentication,
  startupLog,
} from './startup.ts';
export type {
  AdapterStartup,
  AuthStartupOptions,
  ReadinessSource,
  StartupFields,
  StartupLog,
  StartupSettings,
} from './startup.ts';
