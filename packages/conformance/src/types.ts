import type { Authenticator, AuthenticatorOptions, Policy } from '@auth/core';
import type { WebLoginConfig } from '@auth/core/login';

/** What a demo app needs to be built: `createApp(config)` in every `apps/<x>-demo/src/app.ts`. */
export interface DemoConfig {
  /** Bearer-token authentication: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
  /** `GET|DELETE /documents/:id`: the AuthZEN decision point's URL (the suite's dev PDP). */
  pdp?: string;
}

/** A running demo app. */
export interface DemoServer {
  /** `http://127.0.0.1:<port>` without a trailing slash. */
  baseUrl: string;
  close(): Promise<void> | void;
}

/** A one-route app for rows the demo API cannot express (e.g. a denial with a non-ASCII reason). */
export interface GuardedAppConfig {
  /** Bearer-token authentication of the route. */
  auth: AuthenticatorOptions;
  /** Applied after authentication with the adapter's own authorization idiom. */
  policy: Policy;
}

/**
 * A one-route app whose route authenticates twice on one request: optionally first, then required
 * (rows on a memo of "already authenticated" wider than the authenticator and mode it remembers).
 */
export interface StackedAppConfig {
  /** Runs first, optionally: no credentials → continue without a principal. */
  optional: AuthenticatorOptions;
  /** Runs second, required. Omitted: the same authenticator (one instance) as `optional`. */
  required?: AuthenticatorOptions;
}

/**
 * A one-route app whose route is declared with a route spec (core's `RouteSpec`: `optional`, `scopes`,
 * …) in the adapter's idiom: Express/Hono `optionalAuth()` or `requireAuth()` then `requireScopes(…)`,
 * Fastify `config.auth`, Nest `@OptionalAuth()` and `@Scopes(…)`.
 */
export interface DeclaredAppConfig {
  auth: AuthenticatorOptions;
  /** Only `optional` and `scopes` are used by the suite. */
  route: { optional?: boolean; scopes?: readonly string[] };
}

/**
 * What `startWebLogin` gets: the demo app's bearer configuration plus its web login, on a port chosen
 * in advance (the redirect URI registered at the dev IdP names it).
 */
export interface WebLoginAppConfig {
  /** Bearer-token authentication of the API routes (as `DemoConfig.auth`). */
  auth: AuthenticatorOptions;
  /** Listen on 127.0.0.1 at this port: `web.redirectUri` is `http://127.0.0.1:<port>/callback`. */
  port: number;
  /** The web login (`createWebLogin` options) for the dev IdP's `demo-web` client. */
  web: WebLoginConfig;
}

/** How the suite starts one adapter's demo app. */
export interface ConformanceHarness {
  /** Shown in the test names (`express`, `fastify`, …). */
  name: string;
  start(config: DemoConfig): Promise<DemoServer>;
  /**
   * Serves an app of this adapter with one route, `GET /guarded` → 200 `{"ok":true}`, behind
   * authentication with `config.auth` and then `config.policy` (Express `authorize`, Fastify
   * `fastify.authorize`, Hono `authorize`, Nest `@Authorize`). Every in-process harness has one; a
   * harness that runs the app elsewhere (another runtime) may leave it out, and those rows with it.
   */
  startGuarded?(config: GuardedAppConfig): Promise<DemoServer>;
  /**
   * Serves an app of this adapter with one route, `GET /stacked` → 200 `{"sub": <principal's subject>}`,
   * behind optional authentication with `config.optional` and then required authentication with
   * `config.required` (Express/Hono `optionalAuth` then `requireAuth`, Fastify an optional route hook
   * then `authenticate`, Nest an `@OptionalAuth()` route's guard then the route's own on one request).
   * Optional like `startGuarded`, and its rows with it.
   */
  startStacked?(config: StackedAppConfig): Promise<DemoServer>;
  /**
   * Serves an app of this adapter with one route, `GET /declared` → 200 `{"sub": <subject or null>}`,
   * declared with `config.route` in the adapter's idiom. Optional like `startGuarded`, and its rows with it.
   */
  startDeclared?(config: DeclaredAppConfig): Promise<DemoServer>;
  /**
   * Declares a protected route whose route-level auth options are `options`, in this adapter's idiom
   * (Fastify `config.auth`; the options of Express/Hono `requireAuth`; Nest's module options), with
   * `auth` as the rest of the configuration. The contract: an unknown key throws a TypeError naming
   * it, synchronously or as a rejection, when the route is declared. Cleans up after itself.
   */
  declareRoute?(options: Record<string, unknown>, auth: AuthenticatorOptions): void | Promise<void>;
  /**
   * Serves the demo app (API routes as `start`) with the contract's web login mounted (`/login`,
   * `/callback`, `/logout`, `/session`, `/profile`) from `config.web`, on 127.0.0.1 at `config.port`.
   * Needed by `webLoginConformance(harness)` only.
   */
  startWebLogin?(config: WebLoginAppConfig): Promise<DemoServer>;
}
