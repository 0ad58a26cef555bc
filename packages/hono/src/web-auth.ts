/**
 * Web login on Hono: `app.use(webAuth(options))` answers core's web-login routes (`/login`,
 * `/callback`, `/logout`, `/session`) and sets `c.var.webLogin` on every other request that has a
 * session; `requireLogin()` guards a page. The routes and every decision are core's
 * (`createWebLoginRoutes`); this file only converts Hono's request and builds core's response.
 * Web-standard only (fetch `Request`/`Response`, WebCrypto): it runs wherever Hono does.
 */
import { ConfigurationError } from '@auth/core';
import {
  createWebLoginRoutes,
  loginRequirement,
  webLoginState,
  type WebLoginRoutes,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '@auth/core/internal';
import type { LoginRequirementOptions, LoginSession, WebLoginState } from '@auth/core/login';
import type { Context, MiddlewareHandler } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';

export type { WebLoginState };

/**
 * Variables after `requireLogin()`: `c.var.webLogin` is set. Compose with your own:
 * `WebLoginEnv<{ tenant: string }>`.
 *
 * @example
 * const pages = new Hono<WebLoginEnv>();
 * pages.use(requireLogin());
 * pages.get('/profile', (c) => c.json(c.var.webLogin.identity));
 */
export type WebLoginEnv<V extends object = {}> = { Variables: { webLogin: WebLoginState } & V };

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `webAuth()` when the request has a session (always after `requireLogin()`). */
    webLogin: WebLoginState | undefined;
  }
}

/**
 * `webAuth()` options: core's `WebLoginRoutesOptions` (`login` with the OpenID client and cookie keys,
 * `paths`, `defaultReturnTo`, `postLogoutRedirectUri`, `afterLogoutPath`, `renderPage`, `sessionJson`).
 *
 * @example
 * const options: WebAuthOptions = { login: { issuer, clientId, clientSecret, redirectUri, cookieKeys } };
 */
export type WebAuthOptions = Omit<WebLoginRoutesOptions, 'where'>;

/**
 * The middleware `webAuth()` returns, with core's bound routes (`routes.login` is the WebLogin).
 *
 * @example
 * const web: WebAuthMiddleware = webAuth(options);
 * app.post('/backchannel-logout', async (c) => {
 *   await web.routes.login.handleBackchannelLogout(await c.req.text());
 *   return c.body(null, 200);
 * });
 */
export interface WebAuthMiddleware extends MiddlewareHandler {
  readonly routes: WebLoginRoutes;
}

const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const FORM_LIMIT = 16 * 1024;
// The routes that loaded a request's session, for requireLogin() (not a context variable: not API).
const bound = new WeakMap<Context, WebLoginRoutes>();

/** Core's request: the path and query (as Express's `originalUrl`), the fetch headers, a form body. */
function webRequest(c: Context, body?: string): WebRequest {
  const url = new URL(c.req.url);
  return {
    method: c.req.method,
    url: `${url.pathname}${url.search}`,
    headers: c.req.raw.headers,
    ...(body === undefined ? {} : { body }),
  };
}

function appendCookies(c: Context, setCookie: readonly string[]): void {
  for (const line of setCookie) c.header('set-cookie', line, { append: true });
}

/**
 * Core's response through the context, so cookies set earlier in the request (`c.header`) go along
 * (one `Set-Cookie` line per cookie).
 */
function send(c: Context, response: WebResponse): Response {
  const { 'set-cookie': setCookie = [], ...headers } = response.headers;
  appendCookies(c, setCookie);
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) c.header(name, value);
  c.status(response.status as StatusCode);
  return response.body === '' ? c.body(null) : c.body(response.body);
}

/**
 * POST /logout's form (the CSRF token), read only when it is a form, as a form body parser would;
 * `null` when it is over the limit (413).
 */
async function formBody(c: Context): Promise<string | undefined | null> {
  if (c.req.method !== 'POST' || !FORM.test(c.req.header('content-type') ?? '')) return undefined;
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > FORM_LIMIT) return null;
  const text = await c.req.text();
  return new TextEncoder().encode(text).byteLength > FORM_LIMIT ? null : text;
}

const stateOf = (routes: WebLoginRoutes, c: Context, session: LoginSession) =>
  webLoginState(routes, session, webRequest(c), (lines) => appendCookies(c, lines));

/**
 * Mounts web login: answers `GET /login`, `GET /callback`, `GET /session`, `GET|POST /logout` (the
 * contract's rows, see @auth/core's "Web login routes"), and sets `c.var.webLogin` on every other
 * request that has a session (refreshed and written back when due). API routes are not affected:
 * `requireAuth` reads bearer tokens only, never this cookie. Option mistakes throw a TypeError here.
 *
 * @example
 * ```ts
 * app.use(webAuth({ login: { issuer, clientId: 'web', clientSecret, redirectUri: 'http://127.0.0.1:3004/callback', cookieKeys } }));
 * app.get('/profile', requireLogin(), (c) => c.text(`Hello ${c.var.webLogin.identity.subject}`));
 * ```
 */
export function webAuth(options: WebAuthOptions): WebAuthMiddleware {
  const routes = createWebLoginRoutes({ ...options, where: '@auth/hono webAuth()' });
  const middleware: MiddlewareHandler = async function webAuth(c, next) {
    const path = new URL(c.req.url).pathname;
    if (routes.matches({ url: path })) {
      const body = await formBody(c);
      if (body === null) {
        return c.json(
          { status: 413, code: 'ERR_BODY_TOO_LARGE', message: 'The request body is too large' },
          413,
        );
      }
      // Never undefined: the path is one of core's (a 405 for another method comes from core).
      return send(c, (await routes.handle(webRequest(c, body))) as WebResponse);
    }
    const loaded = await routes.loadSession(webRequest(c));
    bound.set(c, routes);
    c.set('webLogin', loaded.session ? stateOf(routes, c, loaded.session) : undefined);
    await next();
    // After the handler: whatever it answered (c.html, a Response of its own, an error), the refreshed
    // or cleared session cookie goes with it.
    appendCookies(c, loaded.setCookie);
  };
  return Object.assign(middleware, { routes }) as WebAuthMiddleware;
}

/**
 * Guards a page: with a session it continues (`c.var.webLogin` is set); without one a browser asking
 * for HTML is sent to `/login?returnTo=<this path>` (302), any other request gets 401 JSON
 * `ERR_AUTH_NO_SESSION`. Needs `app.use(webAuth(...))` before it (else a TypeError: `app.onError`).
 *
 * Step-up: `requireLogin({ acr, maxAgeSeconds })` also demands the session's ID token `acr` be one of
 * `acr` and its `auth_time` be at most `maxAgeSeconds` old; a browser whose session falls short is
 * sent back through login with `acr_values` / `max_age`, any other request gets 401
 * `insufficient_user_authentication`. Options are checked here (TypeError).
 *
 * @example
 * app.get('/profile', requireLogin(), (c) => c.json(c.var.webLogin.identity));
 * app.get('/payments', requireLogin({ acr: ['urn:example:mfa'], maxAgeSeconds: 600 }), payments);
 */
export function requireLogin(options?: LoginRequirementOptions): MiddlewareHandler<WebLoginEnv> {
  const requirement = loginRequirement(options, '@auth/hono requireLogin()');
  return async function requireLogin(c, next) {
    const current = c.get('webLogin');
    if (current && !requirement) return next();
    const routes = bound.get(c);
    if (!routes)
      throw new ConfigurationError('@auth/hono requireLogin(): mount app.use(webAuth(...)) before it');
    const loaded = { session: current?.session, setCookie: [] };
    const decision = await routes.requireLogin(webRequest(c), loaded, requirement);
    if (!decision.ok) return send(c, decision.response);
    if (!current) c.set('webLogin', stateOf(routes, c, decision.session));
    return next();
  };
}
