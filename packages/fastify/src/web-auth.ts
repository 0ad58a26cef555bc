/**
 * Web login on Fastify: `app.register(fastifyWebAuth, options)` adds core's web-login routes (`/login`,
 * `/callback`, `/logout`, `/session`) and fills `request.webLogin` on every other request that has a
 * session; `requireLogin` (or `app.requireLogin`) is a `preHandler` guarding a page. The routes and
 * every decision are core's (`createWebLoginRoutes`); this file only converts Fastify's request and
 * writes core's response.
 */
import { ConfigurationError } from '@auth/core';
import {
  createWebLoginRoutes,
  type LoginRequirement,
  loginRequirement,
  webLoginState,
  type WebLoginRoutes,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '@auth/core/internal';
import type { LoginRequirementOptions, LoginSession, WebLoginState } from '@auth/core/login';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export type { WebLoginState };

/**
 * A `preHandler` (or `onRequest` after the plugin's own hook) that lets a request with a session through.
 *
 * @example
 * const guard: LoginHook = app.requireLogin;
 */
export type LoginHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The web-login session, set by `fastifyWebAuth` when the request has one. */
    webLogin: WebLoginState | undefined;
  }
  interface FastifyInstance {
    /** Core's bound web-login routes (`webLoginRoutes.login` is the WebLogin), once `fastifyWebAuth` is registered. */
    webLoginRoutes: WebLoginRoutes;
    /** preHandler: continue with a session; else 302 to login (a browser) or 401 JSON. */
    requireLogin: LoginHook;
  }
}

/**
 * `fastifyWebAuth` options: core's `WebLoginRoutesOptions` (`login` with the OpenID client and cookie
 * keys, `paths`, `defaultReturnTo`, `postLogoutRedirectUri`, `afterLogoutPath`, `renderPage`, `sessionJson`).
 *
 * @example
 * const options: FastifyWebAuthOptions = { login: { issuer, clientId, clientSecret, redirectUri, cookieKeys } };
 */
export type FastifyWebAuthOptions = Omit<WebLoginRoutesOptions, 'where'>;

const BOUND = Symbol('@auth/fastify.webLogin');
type WithRoutes = FastifyRequest & { [BOUND]?: WebLoginRoutes };
const FORM = 'application/x-www-form-urlencoded';
const FORM_LIMIT = 16 * 1024;

function webRequest(request: FastifyRequest): WebRequest {
  return { method: request.method, url: request.url, headers: request.headers, body: request.body };
}

function appendCookies(reply: FastifyReply, setCookie: readonly string[]): void {
  if (setCookie.length > 0 && !reply.sent) reply.header('set-cookie', [...setCookie]);
}

/** Writes core's response: status, headers (Set-Cookie appended to any already set), body. */
function send(reply: FastifyReply, response: WebResponse): FastifyReply {
  const { 'set-cookie': setCookie = [], ...headers } = response.headers;
  appendCookies(reply, setCookie);
  reply.code(response.status);
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) reply.header(name, value);
  // An empty body (a redirect) is sent without one, so Fastify adds no content type of its own.
  return response.body === '' ? reply.send() : reply.send(response.body);
}

const stateOf = (
  routes: WebLoginRoutes,
  request: FastifyRequest,
  reply: FastifyReply,
  session: LoginSession,
) => webLoginState(routes, session, webRequest(request), (lines) => appendCookies(reply, lines));

function guard(requirement: LoginRequirement | undefined): LoginHook {
  return async function requireLogin(request, reply) {
    if (request.webLogin && !requirement) return undefined;
    const routes = (request as WithRoutes)[BOUND];
    if (!routes)
      throw new ConfigurationError('@auth/fastify requireLogin: register fastifyWebAuth before it');
    const loaded = { session: request.webLogin?.session, setCookie: [] };
    const decision = await routes.requireLogin(webRequest(request), loaded, requirement);
    if (decision.ok) {
      request.webLogin ??= stateOf(routes, request, reply, decision.session);
      return undefined;
    }
    return send(reply, decision.response);
  };
}

/**
 * The page guard as a `preHandler`: with a session it continues (`request.webLogin` is set); without
 * one a browser asking for HTML is sent to `/login?returnTo=<this path>` (302), any other request gets
 * 401 JSON `ERR_AUTH_NO_SESSION`. Needs `fastifyWebAuth` registered in the route's scope or above.
 *
 * @example
 * app.get('/profile', { preHandler: requireLogin }, async (request) => request.webLogin!.identity);
 */
export const requireLogin: LoginHook = guard(undefined);

/**
 * Step-up as a `preHandler`: like `requireLogin`, and the session's ID token `acr` must be one of
 * `acr` and its `auth_time` at most `maxAgeSeconds` old. A browser whose session falls short is sent
 * back through login with `acr_values` / `max_age`; any other request gets 401
 * `insufficient_user_authentication`. Options are checked here (TypeError).
 *
 * @example
 * app.get('/payments', { preHandler: requireLoginWith({ acr: ['urn:example:mfa'] }) }, payments);
 */
export function requireLoginWith(options: LoginRequirementOptions): LoginHook {
  const requirement = loginRequirement(options ?? {}, '@auth/fastify requireLoginWith()');
  return guard(requirement);
}

const webAuthPlugin: FastifyPluginAsync<FastifyWebAuthOptions> = async (fastify, options) => {
  const routes = createWebLoginRoutes({ ...options, where: '@auth/fastify fastifyWebAuth' });
  // The property exists on every request from the start (stable shape); the hook only assigns it.
  if (!fastify.hasRequestDecorator('webLogin')) fastify.decorateRequest('webLogin', undefined);
  if (!fastify.hasRequestDecorator(BOUND as never))
    fastify.decorateRequest(BOUND as never, undefined as never);
  fastify.decorate('webLoginRoutes', routes);
  if (!fastify.hasDecorator('requireLogin')) fastify.decorate('requireLogin', requireLogin);

  fastify.addHook('onRequest', async function loadWebLogin(request, reply) {
    if (routes.matches({ url: request.url })) return;
    const loaded = await routes.loadSession(webRequest(request));
    (request as WithRoutes)[BOUND] = routes;
    appendCookies(reply, loaded.setCookie);
    request.webLogin = loaded.session ? stateOf(routes, request, reply, loaded.session) : undefined;
  });

  // The routes in a scope of their own: its body parsers (the logout form only) stay out of the app's.
  await fastify.register(async function webLoginRoutes(scope) {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_r, body, done) =>
      done(null, body),
    );
    // Any other body is not read as a form (as a body parser that only parses forms would leave it).
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FORM_LIMIT }, (_r, _body, done) =>
      done(null, undefined),
    );
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const response = await routes.handle(webRequest(request));
      // Never undefined: the route's path is one of core's (a 405 for another method comes from core).
      return send(reply, response as WebResponse);
    };
    for (const url of new Set(Object.values(routes.paths))) {
      // Public also under fastifyAuth's `defaultAuth: 'required'`: these pages are how one logs in.
      scope.all(url, { config: { auth: false } }, handler);
    }
  });
};

/**
 * The web-login plugin (named `@auth/fastify-web-login`): answers `GET /login`, `GET /callback`,
 * `GET /session`, `GET|POST /logout` (the contract's rows, see @auth/core's "Web login routes"), and
 * sets `request.webLogin` on every other request of its scope that has a session (refreshed and
 * written back when due). API routes are not affected: bearer authentication never reads this
 * cookie. Option mistakes throw a TypeError at registration.
 *
 * @example
 * ```ts
 * await app.register(fastifyWebAuth, { login: { issuer, clientId: 'web', clientSecret, redirectUri: 'http://127.0.0.1:3002/callback', cookieKeys } });
 * app.get('/profile', { preHandler: app.requireLogin }, async (request) => `Hello ${request.webLogin!.identity.subject}`);
 * ```
 */
export const fastifyWebAuth = fp(webAuthPlugin, { name: '@auth/fastify-web-login', fastify: '5.x' });
