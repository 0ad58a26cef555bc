/**
 * Web login on Nest (platform-express and platform-fastify): `WebLoginModule.forRoot(options)` adds a
 * controller answering core's web-login routes (`/login`, `/callback`, `/logout`, `/session`),
 * `LoginGuard` guards a page and sets `request.webLogin`, `@WebUser()` injects it. The routes and every
 * decision are core's (`createWebLoginRoutes`); this file only converts Nest's request and writes
 * core's response through the HTTP adapter.
 */
import { ConfigurationError } from '@auth/core';
import {
  assertKnownKeys,
  bothLoginRequirements,
  createWebLoginRoutes,
  type LoginRequirement,
  loginRequirement,
  webLoginState,
  type WebLoginPaths,
  type WebLoginRoutes,
  type WebLoginRoutesOptions,
  type WebRequest,
  type WebResponse,
} from '@auth/core/internal';
import type { LoginRequirementOptions, LoginSession, WebLoginState } from '@auth/core/login';
import {
  All,
  type ArgumentsHost,
  type CustomDecorator,
  type CanActivate,
  Catch,
  ConfigurableModuleBuilder,
  Controller,
  createParamDecorator,
  type DynamicModule,
  type ExceptionFilter,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  type Type,
  Req,
  Res,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, Reflector } from '@nestjs/core';
import { Public } from './decorators.ts';
import { httpRequest, type NestRequest } from './request.ts';

export type { WebLoginState };

/**
 * `WebLoginModule` options: core's `WebLoginRoutesOptions` (`login` with the OpenID client and cookie
 * keys, `paths`, `defaultReturnTo`, `postLogoutRedirectUri`, `afterLogoutPath`, `renderPage`, `sessionJson`).
 *
 * @example
 * const options: WebLoginModuleOptions = { login: { issuer, clientId, clientSecret, redirectUri, cookieKeys } };
 */
export type WebLoginModuleOptions = Omit<WebLoginRoutesOptions, 'where'>;

/** Module-level settings that are not login options (given to `forRoot` and `forRootAsync` alike). */
export interface WebLoginModuleExtras {
  /** Register the module globally, so `LoginGuard` works in every module. Default false. */
  isGlobal?: boolean;
  /**
   * `forRootAsync` only: the routes' paths, needed when the controller is declared (before the
   * factory runs); they must equal the factory's (`paths`, and the path of `login.redirectUri`).
   * Default `/login`, `/callback`, `/logout`, `/session`.
   */
  paths?: WebLoginPaths;
}

/** For `forRootAsync({ useClass })`. */
export interface WebLoginOptionsFactory {
  createWebLoginOptions(): WebLoginModuleOptions | Promise<WebLoginModuleOptions>;
}

/** Core's bound routes: `@Inject(WEB_LOGIN_ROUTES) routes: WebLoginRoutes` (`routes.login` is the WebLogin). */
export const WEB_LOGIN_ROUTES: unique symbol = Symbol.for('@auth/nest.webLoginRoutes');
/** The options given to `WebLoginModule.forRoot` / returned by `forRootAsync`. */
export const WEB_LOGIN_OPTIONS = '@auth/nest.web-login-options';

const WHERE = '@auth/nest WebLoginModule';
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const FORM_LIMIT = 16 * 1024;
const DEFAULT_PATHS: Required<WebLoginPaths> = {
  login: '/login',
  callback: '/callback',
  logout: '/logout',
  session: '/session',
};

type WebNestRequest = NestRequest & { webLogin?: WebLoginState };

function webRequest(req: NestRequest, body?: unknown): WebRequest {
  const url = String(req.originalUrl ?? req.url ?? req.raw?.url ?? '/');
  return {
    method: String(req.method ?? 'GET'),
    url,
    headers: req.headers as WebRequest['headers'],
    ...(body === undefined ? {} : { body }),
  };
}

/**
 * POST /logout's form: the platform's parsed body when it has one, else read here (a form only, as
 * a body parser would; `null` when over the limit).
 */
async function formBody(req: NestRequest): Promise<unknown> {
  if (String(req.method).toUpperCase() !== 'POST') return undefined;
  if (req.body !== undefined) return req.body;
  const type = (req.headers as Record<string, unknown>)['content-type'];
  if (typeof type !== 'string' || !FORM.test(type)) return undefined;
  // platform-express without a urlencoded parser: the request is Node's stream, unread.
  const stream = req as unknown as AsyncIterable<Uint8Array> & { readableEnded?: boolean };
  if (typeof stream[Symbol.asyncIterator] !== 'function' || stream.readableEnded) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > FORM_LIMIT) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function appendCookies(adapter: HttpAdapterHost['httpAdapter'], res: unknown, setCookie: readonly string[]) {
  if (adapter.isHeadersSent(res)) return;
  for (const line of setCookie) adapter.appendHeader(res, 'set-cookie', line);
}

/** Writes core's response through the platform's adapter (Set-Cookie appended to any already set). */
function send(adapter: HttpAdapterHost['httpAdapter'], res: unknown, response: WebResponse): void {
  if (adapter.isHeadersSent(res)) return;
  const { 'set-cookie': setCookie = [], ...headers } = response.headers;
  appendCookies(adapter, res, setCookie);
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) adapter.setHeader(res, name, value);
  adapter.reply(res, response.body === '' ? undefined : response.body, response.status);
}

const stateOf = (
  routes: WebLoginRoutes,
  adapter: HttpAdapterHost['httpAdapter'],
  req: NestRequest,
  res: unknown,
  session: LoginSession,
) => webLoginState(routes, session, webRequest(req), (lines) => appendCookies(adapter, res, lines));

const StepUpMetadata = Reflector.createDecorator<LoginRequirement>({ key: '@auth/nest:login-requirement' });
const reflector = new Reflector();
// Per (controller, route handler): bounded by the code. Keyed by both: a subclass controller shares
// its parent's handlers but not its class decorator.
const requirements = new WeakMap<object, WeakMap<object, LoginRequirement | null>>();

/** The step-up requirement of a route: its own and its controller's together (a route never loosens it). */
function requirementOf(handler: object, controller: object): LoginRequirement | undefined {
  let byHandler = requirements.get(controller);
  if (byHandler === undefined) {
    byHandler = new WeakMap();
    requirements.set(controller, byHandler);
  }
  let found = byHandler.get(handler);
  if (found === undefined) {
    const own = reflector.get(StepUpMetadata, handler as () => void);
    const inherited = reflector.get(StepUpMetadata, controller as () => void);
    found =
      own && inherited
        ? bothLoginRequirements(inherited, own, '@auth/nest @StepUpLogin()')
        : (own ?? inherited ?? null);
    byHandler.set(handler, found);
  }
  return found ?? undefined;
}

/**
 * Step-up on a `LoginGuard` route or controller (on both, both apply: the `acr` values both accept, the shorter `maxAgeSeconds`): the session's ID token `acr`
 * must be one of `acr` and its `auth_time` at most `maxAgeSeconds` old. A browser whose session falls
 * short is sent back through login with `acr_values` / `max_age`; any other request gets 401
 * `insufficient_user_authentication`. Options are checked when the class is defined (TypeError).
 *
 * @example
 * ```ts
 * @Get('payments') @Public() @UseGuards(LoginGuard) @StepUpLogin({ acr: ['urn:example:mfa'] }) payments() {}
 * ```
 */
export function StepUpLogin(options: LoginRequirementOptions): CustomDecorator {
  const where = '@auth/nest @StepUpLogin()';
  const requirement = loginRequirement(options ?? {}, where) as LoginRequirement;
  const decorate = StepUpMetadata(requirement);
  const decorator = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    // On a controller: its routes' own requirements are already there (member decorators run
    // first); one that no login can meet together with this one is refused now, not per request.
    if (key === undefined && typeof target === 'function') {
      for (const name of Object.getOwnPropertyNames(target.prototype)) {
        const method = Object.getOwnPropertyDescriptor(target.prototype, name)?.value;
        const own = typeof method === 'function' ? reflector.get(StepUpMetadata, method) : undefined;
        if (own) bothLoginRequirements(requirement, own, `${where} on ${target.name}.${name}`);
      }
    }
    return (decorate as (t: object, k?: string | symbol, d?: PropertyDescriptor) => unknown)(
      target,
      key,
      descriptor,
    );
  };
  return Object.assign(decorator, { KEY: decorate.KEY }) as CustomDecorator;
}

/**
 * What `LoginGuard` throws for a request without a session; `WebLoginModule`'s filter sends its
 * response (302 to the login for a browser, 401 JSON `ERR_AUTH_NO_SESSION` otherwise). An
 * `HttpException`, so another filter that catches it first still answers with its status.
 *
 * @example
 * if (error instanceof LoginRequiredException) console.log(error.response.status);
 */
export class LoginRequiredException extends HttpException {
  constructor(readonly webResponse: WebResponse) {
    let body: string | object = 'Login required';
    try {
      if (webResponse.body !== '') body = JSON.parse(webResponse.body) as object;
    } catch {}
    super(body, webResponse.status);
  }
}

/**
 * Sends a `LoginRequiredException`'s response with its headers (Location, Set-Cookie, Cache-Control).
 * `WebLoginModule` registers it as an `APP_FILTER`.
 */
export class WebLoginExceptionFilter implements ExceptionFilter<LoginRequiredException> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: LoginRequiredException, host: ArgumentsHost): void {
    send(this.adapterHost.httpAdapter, host.switchToHttp().getResponse(), error.webResponse);
  }
}
Catch(LoginRequiredException)(WebLoginExceptionFilter);
Inject(HttpAdapterHost)(WebLoginExceptionFilter, undefined, 0);

/**
 * Guards a page: loads the request's session (refreshed and written back when due) into
 * `request.webLogin`; without one a browser asking for HTML is sent to `/login?returnTo=<this path>`
 * (302), any other request gets 401 JSON `ERR_AUTH_NO_SESSION`. Needs `WebLoginModule` (global, or
 * imported by the module of the controller).
 *
 * @example
 * ```ts
 * @Get('profile') @Public() @UseGuards(LoginGuard) profile(@WebUser() user: WebLoginState) { return user.identity; }
 * ```
 */
export class LoginGuard implements CanActivate {
  constructor(
    private readonly routes: WebLoginRoutes,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = httpRequest(context) as WebNestRequest | undefined;
    if (req === undefined) return false; // no HTTP request, no login cookie
    const requirement = requirementOf(context.getHandler(), context.getClass());
    if (req.webLogin && !requirement) return true;
    const res = context.switchToHttp().getResponse();
    const adapter = this.adapterHost.httpAdapter;
    const request = webRequest(req);
    let session = req.webLogin?.session;
    if (!session) {
      const loaded = await this.routes.loadSession(request);
      appendCookies(adapter, res, loaded.setCookie);
      session = loaded.session;
    }
    const decision = await this.routes.requireLogin(request, { session, setCookie: [] }, requirement);
    if (!decision.ok) throw new LoginRequiredException(decision.response);
    req.webLogin ??= stateOf(this.routes, adapter, req, res, decision.session);
    return true;
  }
}
Injectable()(LoginGuard);
Inject(WEB_LOGIN_ROUTES)(LoginGuard, undefined, 0);
Inject(HttpAdapterHost)(LoginGuard, undefined, 1);

const webUserParam = createParamDecorator((field: keyof WebLoginState | undefined, ctx: ExecutionContext) => {
  const user = (httpRequest(ctx) as WebNestRequest | undefined)?.webLogin;
  return field === undefined ? user : user?.[field];
});

/**
 * `@WebUser()` injects the request's `WebLoginState` (set by `LoginGuard`; `undefined` without it);
 * `@WebUser('identity')` one field.
 *
 * @example
 * profile(@WebUser('identity') who: Identity) { return who.name; }
 */
export function WebUser(field?: keyof WebLoginState): ParameterDecorator {
  return webUserParam(field);
}

/** The controller of the four routes at `paths`: public (no bearer guard), answered by core. */
function webLoginController(paths: Required<WebLoginPaths>): Type {
  class WebLoginController {
    constructor(
      private readonly routes: WebLoginRoutes,
      private readonly adapterHost: HttpAdapterHost,
    ) {}

    async handle(req: NestRequest, res: unknown): Promise<void> {
      const adapter = this.adapterHost.httpAdapter;
      const body = await formBody(req);
      if (body === null) {
        send(adapter, res, {
          status: 413,
          headers: { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({
            status: 413,
            code: 'ERR_BODY_TOO_LARGE',
            message: 'The request body is too large',
          }),
        });
        return;
      }
      // Never undefined: the path is one of core's (a 405 for another method comes from core).
      send(adapter, res, (await this.routes.handle(webRequest(req, body))) as WebResponse);
    }
  }
  Controller()(WebLoginController);
  Public()(WebLoginController);
  Inject(WEB_LOGIN_ROUTES)(WebLoginController, undefined, 0);
  Inject(HttpAdapterHost)(WebLoginController, undefined, 1);
  const proto = WebLoginController.prototype as unknown as Record<string, unknown>;
  for (const [name, path] of Object.entries(paths)) {
    // One handler per route (Nest routes by method + path), all answering through core.
    const key = `${name}Route`;
    proto[key] = function (this: WebLoginController, req: NestRequest, res: unknown) {
      return this.handle(req, res);
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    All(path)(proto, key, descriptor);
    Req()(proto, key, 0);
    Res()(proto, key, 1);
  }
  return WebLoginController;
}

function pathsOf(options: WebLoginModuleOptions | undefined, extras: WebLoginPaths | undefined) {
  const redirect = options?.login?.redirectUri;
  const callback =
    typeof redirect === 'string' && URL.canParse(redirect) ? new URL(redirect).pathname : undefined;
  return {
    ...DEFAULT_PATHS,
    ...(callback ? { callback } : {}),
    ...extras,
    ...options?.paths,
  } as Required<WebLoginPaths>;
}

const {
  ConfigurableModuleClass,
  OPTIONS_TYPE: WEB_LOGIN_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEB_LOGIN_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebLoginModuleOptions>({ optionsInjectionToken: WEB_LOGIN_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createWebLoginOptions')
  .setExtras<WebLoginModuleExtras>({ isGlobal: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal === true,
    controllers: [webLoginController(pathsOf(undefined, extras.paths))],
    providers: [
      ...(definition.providers ?? []),
      {
        provide: WEB_LOGIN_ROUTES,
        inject: [WEB_LOGIN_OPTIONS],
        useFactory: (options: WebLoginModuleOptions) => {
          const routes = createWebLoginRoutes({ ...options, where: WHERE });
          const declared = pathsOf(undefined, extras.paths);
          for (const key of Object.keys(declared) as (keyof WebLoginPaths)[]) {
            if (routes.paths[key] !== declared[key]) {
              throw new ConfigurationError(
                `${WHERE}.forRootAsync: paths.${key} is ${routes.paths[key]} but the controller was declared at ${declared[key]}: give the same paths in forRootAsync({ paths })`,
              );
            }
          }
          return routes;
        },
      },
      { provide: APP_FILTER, useClass: WebLoginExceptionFilter },
      LoginGuard,
    ],
    exports: [WEB_LOGIN_ROUTES, LoginGuard],
  }))
  .build();

/** `WebLoginModule.forRootAsync(...)` options: `imports`, `inject`, `useFactory` | `useClass` | `useExisting`, plus extras. */
export type WebLoginModuleAsyncOptions = typeof WEB_LOGIN_ASYNC_OPTIONS_TYPE;

const EXTRAS_KEYS = ['isGlobal', 'paths'];
const OPTION_KEYS = [
  'login',
  'paths',
  'defaultReturnTo',
  'postLogoutRedirectUri',
  'afterLogoutPath',
  'renderPage',
  'sessionJson',
  'refreshAheadSeconds',
];
const ASYNC_KEYS = [
  'imports',
  'inject',
  'useFactory',
  'useClass',
  'useExisting',
  'provideInjectionTokensFrom',
  ...EXTRAS_KEYS,
];

/**
 * `WebLoginModule.forRoot(options)` / `forRootAsync({ imports, inject, useFactory | useClass })`: the
 * controller of the web-login routes, `LoginGuard` and `WEB_LOGIN_ROUTES`, and the filter that sends a
 * `LoginRequiredException`. On platform-fastify it adds a form parser (the logout form) when the app
 * has none. The API routes keep their bearer guard: the session cookie is never an access token.
 *
 * @example
 * ```ts
 * @Module({ imports: [WebLoginModule.forRoot({ login: { issuer, clientId, clientSecret, redirectUri, cookieKeys }, isGlobal: true })] })
 * export class AppModule {}
 * ```
 */
export class WebLoginModule extends ConfigurableModuleClass implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {
    super();
  }

  /** Options plus `isGlobal`; checked here (a TypeError when the module is defined). */
  static override forRoot(options: typeof WEB_LOGIN_OPTIONS_TYPE): DynamicModule {
    if (typeof options !== 'object' || options === null)
      throw new ConfigurationError(`${WHERE}.forRoot: options are required`);
    assertKnownKeys(options, [...OPTION_KEYS, 'isGlobal'], `${WHERE}.forRoot`);
    const { isGlobal, ...login } = options;
    // Checked now (a typo must not wait for the application to start); built again by the provider.
    createWebLoginRoutes({ ...login, where: `${WHERE}.forRoot` });
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = WebLoginModule, the module the builder returns
    return super.forRoot({ ...options, paths: pathsOf(login, undefined) } as typeof WEB_LOGIN_OPTIONS_TYPE);
  }

  /** `{ imports, inject, useFactory | useClass | useExisting, isGlobal?, paths? }`. */
  static override forRootAsync(options: typeof WEB_LOGIN_ASYNC_OPTIONS_TYPE): DynamicModule {
    assertKnownKeys(options, ASYNC_KEYS, `${WHERE}.forRootAsync`);
    const { useFactory, useClass, useExisting } = options;
    if ([useFactory, useClass, useExisting].filter((v) => v !== undefined).length !== 1) {
      throw new ConfigurationError(
        `${WHERE}.forRootAsync: give exactly one of useFactory, useClass or useExisting`,
      );
    }
    // biome-ignore lint/complexity/noThisInStatic: `super` keeps `this` = WebLoginModule, the module the builder returns
    return super.forRootAsync(options);
  }

  onModuleInit(): void {
    // platform-fastify parses no form by default (a 415 before the controller): the logout form needs one.
    const adapter = this.adapterHost.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    const fastify = adapter.getInstance() as {
      hasContentTypeParser(type: string): boolean;
      addContentTypeParser(
        type: string,
        options: { parseAs: 'string'; bodyLimit: number },
        parser: (req: unknown, body: string, done: (err: null, body: string) => void) => void,
      ): void;
    };
    if (fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, body),
    );
  }
}
Module({})(WebLoginModule);
Inject(HttpAdapterHost)(WebLoginModule, undefined, 0);
