/**
 * `createWebLogin()`: an OpenID Connect relying party for server-rendered apps, framework-neutral.
 * Every method takes and returns plain values (URLs, `Cookie` header in, `Set-Cookie` values out),
 * so any framework (or the adapters) can wire it into routes.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { renamedTo } from '../options/renamed-options.ts';
import {
  type AuthorizationRequest,
  type AuthorizationUrlOptions,
  createAuthorizationUrl,
} from './authorization-url.ts';
import { handleCallback, type SavedAuthorization } from './callback.ts';
import { type CookieOptions, cookieName, cookieSettings } from './cookies.ts';
import { LogoutTokenError, StateMismatchError } from './errors.ts';
import { createLoginContext, type WebLoginOptions } from './login-context.ts';
import { loginStateCookies } from './login-state.ts';
import { createLogoutTokenVerifier, type LogoutRequest } from './logout-token.ts';
import { createLogoutUrl, type LogoutUrlOptions } from './logout-url.ts';
import { memorySessionStore } from './memory-session-store.ts';
import { safeReturnTo } from './return-to.ts';
import { createSealer, type SealKey } from './seal.ts';
import { LoginSession, type SessionData, type SessionHooks } from './session.ts';
import { cookieSessionStore, type SessionLifetimes, type SessionStore } from './session-store.ts';
import { fetchUserInfo, type UserInfo } from './userinfo.ts';
import { CRYPTO_BACKEND } from '../verify/verifier-settings.ts';

/**
 * @example
 * const config: WebLoginConfig = { issuer, clientId: 'web', redirectUri, cookieKeys: [{ id: 'k1', secret }], idleLifetimeSeconds: 3600 };
 * const login = createWebLogin(config);
 */
export interface WebLoginConfig extends WebLoginOptions, SessionLifetimes {
  /** Cookie sealing keys, newest first: the first seals, all unseal (rotation without logging everyone out). */
  cookieKeys: readonly SealKey[];
  /** `'cookie'` (default: the session sealed in the cookie), `'memory'` (server-side, opaque id), or your own store. */
  store?: 'cookie' | 'memory' | SessionStore;
  /** Cookie name without prefix (default `session`; `__Host-` is added where allowed). */
  cookieName?: string;
  cookie?: CookieOptions;
  /** Seconds a login attempt may take (default 600). */
  loginTimeoutSeconds?: number;
  /** Where to go after login when no (safe) return-to was given (default `/`). */
  defaultReturnTo?: string;
  /** Session hooks: persist refreshed tokens, react to a dead refresh token. */
  onRefresh?: SessionHooks['onRefresh'];
  onRefreshError?: SessionHooks['onRefreshError'];
}

/**
 * @example
 * const { url, setCookie } = await login.startLogin({ returnTo: '/orders', prompt: 'login' } satisfies StartLoginOptions);
 */
export interface StartLoginOptions extends AuthorizationUrlOptions {
  /** Where to send the user after login: same-origin paths only (anything else becomes `defaultReturnTo`). */
  returnTo?: string;
}

/**
 * @example
 * const { session, returnTo, setCookie }: FinishedLogin = await login.finishLogin(req.url, req.headers.cookie);
 */
export interface FinishedLogin {
  session: LoginSession;
  /** The safe return-to path saved when the login started. */
  returnTo: string;
  /** `Set-Cookie` values: the session cookie(s) and the cleared login-state cookie. */
  setCookie: string[];
}

/**
 * @example
 * const login: WebLogin = createWebLogin(config);
 * const session = await login.getSession(req.headers.cookie);
 */
export interface WebLogin {
  /**
   * Redirect the browser to `url` and send `setCookie` (the attempt's sealed state). Pass the
   * request's `Cookie` header so a browser sent here again and again keeps a bounded number of
   * pending attempts (all are dropped once 3 are pending).
   */
  startLogin(
    options?: StartLoginOptions,
    cookieHeader?: string | readonly string[] | null,
  ): Promise<{ url: URL; setCookie: string[] }>;
  /** On the callback route: checks everything, creates the session, returns its cookies. */
  finishLogin(
    currentUrl: string | URL,
    cookieHeader: string | readonly string[] | null | undefined,
  ): Promise<FinishedLogin>;
  /** The request's session, or undefined (not logged in, expired, tampered, ended). */
  getSession(cookieHeader: string | readonly string[] | null | undefined): Promise<LoginSession | undefined>;
  /** `Set-Cookie` values storing the session (after a refresh, or to slide the idle lifetime). */
  saveSession(session: LoginSession, cookieHeader?: string | readonly string[] | null): Promise<string[]>;
  /** Ends the local session; `url` is the provider's logout URL when it supports RP-initiated logout. */
  logout(
    cookieHeader: string | readonly string[] | null | undefined,
    options?: LogoutUrlOptions,
  ): Promise<{ url: URL | undefined; setCookie: string[] }>;
  /**
   * Back-channel logout endpoint body (`application/x-www-form-urlencoded` with `logout_token`):
   * verifies the token and ends the matching server-side sessions. Rejects with LogoutTokenError.
   */
  handleBackchannelLogout(body: string | URLSearchParams): Promise<{ request: LogoutRequest; ended: number }>;

  // Lower-level steps, for apps that keep the login state themselves.
  createAuthorizationUrl(options?: AuthorizationUrlOptions): Promise<AuthorizationRequest>;
  handleCallback(currentUrl: string | URL, saved: SavedAuthorization | undefined): Promise<LoginSession>;
  restore(data: SessionData): LoginSession;
  userinfo(session: LoginSession): Promise<UserInfo>;
  createLogoutUrl(session: LoginSession | undefined, options?: LogoutUrlOptions): Promise<URL>;
  verifyLogoutToken(token: string): Promise<LogoutRequest>;
  readonly store: SessionStore;
}

const OWN_KEYS = [
  'cookieKeys',
  'store',
  'cookieName',
  'cookie',
  'loginTimeoutSeconds',
  'defaultReturnTo',
  'onRefresh',
  'onRefreshError',
  'absoluteLifetimeSeconds',
  'idleLifetimeSeconds',
] as const;

/**
 * @example
 * ```ts
 * const login = createWebLogin({
 *   issuer: 'https://id.example.com',
 *   clientId: 'my-app',
 *   clientSecret: process.env.CLIENT_SECRET,
 *   redirectUri: 'https://app.example.com/callback',
 *   cookieKeys: [{ id: 'k1', secret: process.env.COOKIE_SECRET! }],
 * });
 * ```
 */
export function createWebLogin(config: WebLoginConfig): WebLogin {
  if (typeof config !== 'object' || config === null) throw new ConfigurationError('options are required');
  const oidc: Record<string, unknown> = { ...config };
  for (const k of OWN_KEYS) delete oidc[k];
  // A renamed option of this layer (units in names) is refused here, naming the new one.
  for (const key of Object.keys(oidc)) {
    const renamed = renamedTo(key, OWN_KEYS);
    if (renamed !== undefined) {
      throw new ConfigurationError(`Unknown web login option "${key}" (did you mean "${renamed}"?)`);
    }
  }
  const ctx = createLoginContext(oidc as unknown as WebLoginOptions);
  const clock = config.clock ?? Date.now;
  const sealer = createSealer(config.cookieKeys);
  const settings = cookieSettings(config.redirectUri, config.cookie);
  const sessionCookie = cookieName(config.cookieName ?? 'session', settings);
  const loginTimeoutSeconds = config.loginTimeoutSeconds ?? 600;
  if (!(Number.isInteger(loginTimeoutSeconds) && loginTimeoutSeconds > 0))
    throw new ConfigurationError('loginTimeoutSeconds must be an integer > 0');
  for (const k of ['onRefresh', 'onRefreshError'] as const) {
    if (config[k] !== undefined && typeof config[k] !== 'function')
      throw new ConfigurationError(`${k} must be a function`);
  }
  const appOrigin = new URL(config.redirectUri).origin;
  const defaultReturnTo = safeReturnTo(config.defaultReturnTo ?? '/', appOrigin, '/');
  const states = loginStateCookies(
    sealer,
    settings,
    cookieName(`${config.cookieName ?? 'session'}-login`, settings),
    loginTimeoutSeconds,
    clock,
  );
  const lifetimes = {
    absoluteLifetimeSeconds: config.absoluteLifetimeSeconds,
    idleLifetimeSeconds: config.idleLifetimeSeconds,
    clock,
    settings,
    name: sessionCookie,
  };
  const store: SessionStore =
    config.store === undefined || config.store === 'cookie'
      ? cookieSessionStore({ ...lifetimes, sealer })
      : config.store === 'memory'
        ? memorySessionStore(lifetimes)
        : config.store;
  if (
    typeof store?.read !== 'function' ||
    typeof store.write !== 'function' ||
    typeof store.destroy !== 'function'
  ) {
    throw new ConfigurationError("store must be 'cookie', 'memory' or a SessionStore");
  }
  const hooks: SessionHooks = { onRefresh: config.onRefresh, onRefreshError: config.onRefreshError };
  const restore = (data: SessionData) => new LoginSession(ctx, data, hooks);
  // The signature backend of logout tokens can be forced like the verifier's (tests, WebCrypto runtimes).
  const backend = (config as unknown as Record<symbol, unknown>)[CRYPTO_BACKEND];
  const logoutTokens = createLogoutTokenVerifier(
    ctx,
    backend ? ({ [CRYPTO_BACKEND]: backend } as object) : {},
  );

  return {
    store,
    async startLogin(options = {}, cookieHeader = undefined) {
      const { returnTo, ...request } = options;
      const attempt = await createAuthorizationUrl(ctx, request);
      const { url, ...saved } = attempt;
      const cookie = await states.write({
        ...saved,
        returnTo: safeReturnTo(returnTo, appOrigin, defaultReturnTo),
      });
      return { url, setCookie: [...states.prune(cookieHeader), cookie] };
    },
    async finishLogin(currentUrl, cookieHeader) {
      const state = URL.canParse(currentUrl) ? new URL(currentUrl).searchParams.get('state') : null;
      const saved = await states.read(state, cookieHeader);
      const clear = states.clear(state);
      if (!saved) throw new StateMismatchError('No login attempt is pending for this response');
      const data = await handleCallback(ctx, currentUrl, saved);
      const session = restore(data);
      // A fresh session id / cookie: the previous session (if any) is dropped, never reused (fixation).
      const dropped = await store.destroy(cookieHeader);
      const written = await store.write(data, undefined);
      const names = new Set(written.map((c) => c.slice(0, c.indexOf('='))));
      const setCookie = [...dropped.filter((c) => !names.has(c.slice(0, c.indexOf('=')))), ...written];
      if (clear) setCookie.push(clear);
      return { session, returnTo: safeReturnTo(saved.returnTo, appOrigin, defaultReturnTo), setCookie };
    },
    async getSession(cookieHeader) {
      const data = await store.read(cookieHeader);
      return data ? restore(data) : undefined;
    },
    saveSession(session, cookieHeader) {
      return store.write(session.data, cookieHeader);
    },
    async logout(cookieHeader, options = {}) {
      const data = await store.read(cookieHeader);
      const setCookie = await store.destroy(cookieHeader);
      const as = await ctx.server();
      const url = as.end_session_endpoint
        ? await createLogoutUrl(ctx, data ? restore(data) : undefined, options)
        : undefined;
      return { url, setCookie };
    },
    async handleBackchannelLogout(body) {
      // Anything but the form text or URLSearchParams (a body parser's object, a Buffer, nothing) is
      // refused as a bad request, never a TypeError.
      if (typeof body !== 'string' && !(body instanceof URLSearchParams)) {
        throw new LogoutTokenError('The back-channel logout body must be the form text or URLSearchParams');
      }
      const form = typeof body === 'string' ? new URLSearchParams(body) : body;
      const request = await logoutTokens.verify(form.get('logout_token') ?? '');
      const { issuer, sub, sid } = request;
      const ended = store.endSessions ? await store.endSessions({ issuer, sub, sid }) : 0;
      return { request, ended };
    },
    createAuthorizationUrl: (options) => createAuthorizationUrl(ctx, options),
    async handleCallback(currentUrl, saved) {
      return restore(await handleCallback(ctx, currentUrl, saved));
    },
    restore,
    userinfo: (session) => fetchUserInfo(ctx, session),
    createLogoutUrl: (session, options) => createLogoutUrl(ctx, session, options),
    verifyLogoutToken: (token) => logoutTokens.verify(token),
  };
}
