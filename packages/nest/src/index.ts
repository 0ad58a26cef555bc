// @auth/nest: Nest glue for @auth/core. Authentication and authorization logic lives in core.
export { AuthModule } from './auth-module.ts';
export type {
  AuthModuleAsyncOptions,
  AuthModuleExtras,
  AuthModuleOptions,
  AuthOptionsFactory,
} from './auth-module-definition.ts';
export { AUTH_AUTHENTICATOR, AUTH_MODULE_OPTIONS } from './tokens.ts';
export { AuthGuard } from './auth-guard.ts';
export { AuthHealthIndicator } from './auth-health-indicator.ts';
export type { AuthHealthResult } from './auth-health-indicator.ts';
// What `app.init()` rejects with when `startup: 'fail'` cannot fetch the keys.
export { StartupError } from '@auth/core';
export { ScopeGuard } from './scope-guard.ts';
export { AuthExceptionFilter } from './auth-exception-filter.ts';
export {
  Acr,
  AnyGroup,
  AnyScope,
  AuthenticateWith,
  AuthTime,
  DpopBound,
  Authorize,
  Claim,
  Groups,
  OptionalAuth,
  OrgPermission,
  OrgRole,
  Permission,
  Public,
  Scopes,
} from './decorators.ts';
export type { OrgPermissionOptions } from './decorators.ts';
export { Principal } from './principal.ts';
export type { NestRequest } from './request.ts';
export {
  LoginGuard,
  LoginRequiredException,
  StepUpLogin,
  WEB_LOGIN_OPTIONS,
  WEB_LOGIN_ROUTES,
  WebLoginExceptionFilter,
  WebLoginModule,
  WebUser,
} from './web-login.ts';
export type {
  WebLoginModuleAsyncOptions,
  WebLoginModuleExtras,
  WebLoginModuleOptions,
  WebLoginOptionsFactory,
  WebLoginState,
} from './web-login.ts';
export { protectedResourceMetadata } from './metadata.ts';
