/**
 * Web login on Express: `app.use(webAuth(options))` mounts core's web-login routes (`/login`,
 * `/callback`, `/logout`, `/session`) and puts the session of every other request on `req.webLogin`;
 * `requireLogin()` guards a page. The routes and every decision are core's (`createWebLoginRoutes`);
 * this file only converts Express's request and writes core's response.
 */
import { ConfigurationError } from '@auth/core';
import {
  createWebLoginRoutes,
  type LoadedSession,
  loginRequirement,
  webLoginState,
  type WebLoginRoutes,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '@auth/core/internal';
import type { LoginRequirementOptions, LoginSession, WebLoginState } from '@auth/core/login';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

export type { WebLoginState };

declare global {
  namespace Express {
    interface Request {
      /** The web-login session (named so as not to collide with express-session's `req.session`), set by `webAuth()` when the request has one. */
      webLogin?: WebLoginState;
    }
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
 * app.post('/backchannel-logout', express.text({ type: 'application/x-www-form-urlencoded' }), async (req, res) => {
 *   await web.routes.login.handleBackchannelLogout(req.body);
 *   res.end();
 * });
 */
export interface WebAuthMiddleware extends RequestHandler {
  readonly routes: WebLoginRoutes;
}

const ROUTES = Symbol('@auth/express.webLogin');
type WithRoutes = Request & { [ROUTES]?: { routes: WebLoginRoutes; request: WebRequest } };
const formParser = express.urlencoded({ extended: false, limit: '16kb' });

function webRequest(req: Request): WebRequest {
  return { method: req.method, url: req.originalUrl, headers: req.headers, body: req.body };
}

function appendCookies(res: Response, setCookie: readonly string[]): void {
  if (setCookie.length > 0 && !res.headersSent) res.append('Set-Cookie', [...setCookie]);
}

/** Writes core's response: status, headers (Set-Cookie appended to any already set), body. */
function send(res: Response, response: WebResponse): void {
  const { 'set-cookie': setCookie = [], ...headers } = response.headers;
  appendCookies(res, setCookie);
  res.status(response.status);
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  res.end(response.body);
}

function bodyError(res: Response, error: unknown): void {
  const raw = (error as { status?: unknown }).status;
  const status = typeof raw === 'number' && raw >= 400 && raw < 500 ? raw : 400;
  const [code, message] =
    status === 413
      ? ['ERR_BODY_TOO_LARGE', 'The request body is too large']
      : ['ERR_BODY_INVALID', 'The request body could not be read'];
  res.status(status).setHeader('cache-control', 'no-store');
  res.json({ status, code, message });
}

const stateOf = (routes: WebLoginRoutes, req: Request, res: Response, session: LoginSession) =>
  webLoginState(routes, session, webRequest(req), (lines) => appendCookies(res, lines));

/**
 * Mounts web login: answers `GET /login`, `GET /callback`, `GET /session`, `GET|POST /logout` (the
 * contract's rows, see @auth/core's "Web login routes"), and sets `req.webLogin` on every other
 * request that has a session (refreshed and written back when due). API routes are not affected:
 * `requireAuth` reads bearer tokens only, never this cookie. Option mistakes throw a TypeError here.
 *
 * @example
 * ```ts
 * app.use(webAuth({ login: { issuer, clientId: 'web', clientSecret, redirectUri: 'http://127.0.0.1:3001/callback', cookieKeys } }));
 * app.get('/profile', requireLogin(), (req, res) => res.send(`Hello ${req.webLogin?.identity.subject}`));
 * ```
 */
export function webAuth(options: WebAuthOptions): WebAuthMiddleware {
  const routes = createWebLoginRoutes({ ...options, where: '@auth/express webAuth()' });
  const middleware = function webAuth(req: Request, res: Response, next: NextFunction): void {
    const answer = () => {
      routes.handle(webRequest(req)).then((response) => {
        if (response) send(res, response);
        else next();
      }, next);
    };
    if (routes.matches({ url: req.originalUrl })) {
      // POST /logout carries a small form (the CSRF token). The parser skips a body another parser
      // already read; Express 4's JSON parser leaves `{}` on a form request, so `undefined` is no test.
      // A parser error (too large, bad charset) is answered here as JSON, like Hono and Nest: Express's
      // default error handler would show an HTML stack trace outside production.
      if (req.method === 'POST') formParser(req, res, (e?: unknown) => (e ? bodyError(res, e) : answer()));
      else answer();
      return;
    }
    const request = webRequest(req);
    routes.loadSession(request).then((loaded: LoadedSession) => {
      (req as WithRoutes)[ROUTES] = { routes, request };
      appendCookies(res, loaded.setCookie);
      if (loaded.session) req.webLogin = stateOf(routes, req, res, loaded.session);
      else delete req.webLogin;
      next();
    }, next);
  };
  return Object.assign(middleware, { routes }) as WebAuthMiddleware;
}

/**
 * Guards a page: with a session it continues (`req.webLogin` is set); without one a browser asking
 * for HTML is sent to `/login?returnTo=<this path>` (302), any other request gets 401 JSON
 * `ERR_AUTH_NO_SESSION`. Needs `app.use(webAuth(...))` before it.
 *
 * Step-up: `requireLogin({ acr, maxAgeSeconds })` also demands the session's ID token `acr` be one of
 * `acr` and its `auth_time` be at most `maxAgeSeconds` old; a browser whose session falls short is
 * sent back through login with `acr_values` / `max_age`, any other request gets 401
 * `insufficient_user_authentication`. Options are checked here (TypeError).
 *
 * @example
 * app.get('/profile', requireLogin(), (req, res) => res.json(req.webLogin?.identity));
 * app.get('/payments', requireLogin({ acr: ['urn:example:mfa'], maxAgeSeconds: 600 }), payments);
 */
export function requireLogin(options?: LoginRequirementOptions): RequestHandler {
  const requirement = loginRequirement(options, '@auth/express requireLogin()');
  return function requireLogin(req: Request, res: Response, next: NextFunction): void {
    if (req.webLogin && !requirement) {
      next();
      return;
    }
    const bound = (req as WithRoutes)[ROUTES];
    if (!bound) {
      next(new ConfigurationError('@auth/express requireLogin(): mount app.use(webAuth(...)) before it'));
      return;
    }
    const loaded = { session: req.webLogin?.session, setCookie: [] };
    bound.routes.requireLogin(bound.request, loaded, requirement).then((decision) => {
      if (decision.ok) {
        req.webLogin ??= stateOf(bound.routes, req, res, decision.session);
        next();
      } else send(res, decision.response);
    }, next);
  };
}
