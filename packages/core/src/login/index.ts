// @auth/core/login: web login (OpenID Connect relying party) with sessions that refresh themselves.
export { createWebLogin } from './web-login.ts';
export type { FinishedLogin, StartLoginOptions, WebLogin, WebLoginConfig } from './web-login.ts';
export type { WebLoginOptions } from './login-context.ts';
export type { AuthorizationRequest, AuthorizationUrlOptions } from './authorization-url.ts';
export type { SavedAuthorization } from './callback.ts';
export { LoginSession } from './session.ts';
export type { SessionData, SessionHooks } from './session.ts';
export type { Identity } from './identity.ts';
export type { UserInfo } from './userinfo.ts';
export type { LogoutUrlOptions } from './logout-url.ts';
export { BACKCHANNEL_LOGOUT_EVENT } from './logout-token.ts';
export type { LogoutRequest } from './logout-token.ts';
export { cookieSessionStore } from './session-store.ts';
export type {
  CookieSessionStoreOptions,
  SessionLifetimes,
  SessionMatch,
  SessionStore,
} from './session-store.ts';
export { memorySessionStore } from './memory-session-store.ts';
export type { MemorySessionStore, MemorySessionStoreOptions } from './memory-session-store.ts';
export { cookieName, cookieSettings, isLoopbackHttp, parseCookies, serializeCookie } from './cookies.ts';
export type { CookieOptions, CookieSettings } from './cookies.ts';
export { createSealer } from './seal.ts';
export type { SealKey, Sealer } from './seal.ts';
export { safeReturnTo } from './return-to.ts';
export type { WebLoginState } from './web-login-state.ts';
export type { LoginRequirementOptions } from '../binding/login-requirement.ts';
export {
  AccessDeniedError,
  AcrNotSatisfiedError,
  AuthorizationResponseError,
  CallbackError,
  CsrfError,
  IdTokenError,
  InteractionRequiredError,
  LogoutTokenError,
  NoSessionError,
  NonceMismatchError,
  SessionExpiredError,
  SessionTooLargeError,
  StateMismatchError,
} from './errors.ts';
export type { AuthorizationErrorCode } from './errors.ts';
