/**
 * The web-login routes every adapter mounts, written once: a neutral request in (method, URL, headers,
 * the form body of POST /logout), a neutral response out (status, headers, body). An adapter only
 * converts its request and writes the response back; the contract's rows ("Web login" in
 * docs/contract.md) live here.
 */
import { ConfigurationError } from '../configuration-error.ts';
import {
  type CookieSettings,
  cookieName,
  cookieSettings,
  parseCookies,
  serializeCookie,
} from '../login/cookies.ts';
import { CallbackError, CsrfError, NoSessionError } from '../login/errors.ts';
import { acrList } from '../login/authorization-url.ts';
import type { WebLoginState } from '../login/web-login-state.ts';
import { InsufficientUserAuthenticationError } from '../errors.ts';
import type { LoginRequirement } from './login-requirement.ts';
import type { Identity } from '../login/identity.ts';
import { safeReturnTo } from '../login/return-to.ts';
import type { LoginSession, SessionData } from '../login/session.ts';
import {
  createWebLogin,
  type StartLoginOptions,
  type WebLogin,
  type WebLoginConfig,
} from '../login/web-login.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { isAuthError } from '../errors.ts';
import { isAuthClientError } from '../client/client-error-brand.ts';
import type { Principal } from '../types.ts';

/** A header bag as Node (`IncomingHttpHeaders`) or fetch (`Headers`) has it. */
export type WebHeaders =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

/**
 * The request as the web-login routes read it.
 *
 * @example
 * const request: WebRequest = { method: req.method, url: req.originalUrl, headers: req.headers, body: req.body };
 */
export interface WebRequest {
  method: string;
  /** The request target: a path with its query (`/login?returnTo=%2Fa`), or an absolute URL. */
  url: string;
  /** `cookie`, `accept`, `origin`, `sec-fetch-site` are read. */
  headers: WebHeaders;
  /** POST /logout only: the form body (text, URLSearchParams, or a body parser's object). */
  body?: unknown;
}

/**
 * Response headers: `cache-control: no-store` always; `set-cookie` is a list (one header line each).
 *
 * @example
 * for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
 */
export interface WebResponseHeaders {
  'cache-control': string;
  'content-type'?: string;
  location?: string;
  allow?: string;
  'retry-after'?: string;
  'set-cookie'?: string[];
  /** A step-up refusal of a non-browser request: `Bearer error="insufficient_user_authentication", acr_values=…`. */
  'www-authenticate'?: string;
}

/**
 * What to send back.
 *
 * @example
 * res.writeHead(response.status, response.headers).end(response.body);
 */
export interface WebResponse {
  status: number;
  headers: WebResponseHeaders;
  /** HTML or JSON text; empty for a redirect. */
  body: string;
}

/**
 * Route paths (defaults: `/login`, `/callback`, `/logout`, `/session`).
 *
 * @example
 * const paths: WebLoginPaths = { login: '/auth/login', callback: '/auth/callback' };
 */
export interface WebLoginPaths {
  login?: string;
  /** Must be the path of `login.redirectUri` (checked at setup). */
  callback?: string;
  logout?: string;
  session?: string;
}

/**
 * A page to render: `title` is plain text, `body` is HTML already escaped.
 *
 * @example
 * const renderPage = ({ title, body }: WebPage) => `<!doctype html><title>${escapeHtml(title)}</title><main>${body}</main>`;
 */
export interface WebPage {
  title: string;
  body: string;
}

/**
 * Options of `createWebLoginRoutes`.
 *
 * @example
 * const options: WebLoginRoutesOptions = { login: { issuer, clientId, clientSecret, redirectUri, cookieKeys } };
 */
export interface WebLoginRoutesOptions {
  /** The OpenID Connect client and its sessions (`createWebLogin` options). */
  login: WebLoginConfig;
  paths?: WebLoginPaths;
  /** Where to go after login without a (safe) `returnTo` (default `/profile`; `login.defaultReturnTo` is used when set). */
  defaultReturnTo?: string;
  /** Sent to the provider's end-session endpoint (default: the app's origin + `/`). Must be registered there. */
  postLogoutRedirectUri?: string;
  /** Where POST /logout goes when the provider has no end-session endpoint or there was no session (default `/`). */
  afterLogoutPath?: string;
  /** Wraps each page (logout confirmation, login error) in the app's own HTML; default: a plain styled page. */
  renderPage?: (page: WebPage) => string;
  /** The JSON of GET /session (default `sessionJson(session)`: subject, name, email, groups, organizations). */
  sessionJson?: (session: LoginSession) => unknown;
  /** Refresh the access token when it expires within this many seconds, on `loadSession` (default 60; a finite number >= 0). */
  refreshAheadSeconds?: number;
  /** Names the caller in setup TypeErrors (e.g. `@auth/express webAuth()`). */
  where?: string;
}

/**
 * The session of one request, and the `Set-Cookie` values to send with whatever the request answers
 * (a refreshed session written back, or a dead one cleared).
 *
 * @example
 * const { session, setCookie }: LoadedSession = await routes.loadSession(request);
 */
export interface LoadedSession {
  session: LoginSession | undefined;
  setCookie: string[];
}

/**
 * `requireLogin`'s answer: go on with the session, or send `response` (302 to login for a page, 401 JSON otherwise).
 *
 * @example
 * const decision: LoginDecision = await routes.requireLogin(request);
 * if (!decision.ok) return send(decision.response);
 */
export type LoginDecision =
  | {
      ok: true;
      session: LoginSession;
      principal: Principal;
      identity: Identity;
      setCookie: string[];
    }
  | { ok: false; response: WebResponse; setCookie: string[] };

/**
 * The bound routes.
 *
 * @example
 * const response = await routes.handle(request);
 * if (response) return send(response); // one of the login routes answered
 */
export interface WebLoginRoutes {
  /** The login itself (for `userinfo`, `handleBackchannelLogout`, …). */
  readonly login: WebLogin;
  readonly paths: Readonly<Required<WebLoginPaths>>;
  /** Whether the request's path is one of the four routes (cheap: no I/O). */
  matches(request: Pick<WebRequest, 'url'>): boolean;
  /** Answers one of the four routes; `undefined` for any other path. Never rejects. */
  handle(request: WebRequest): Promise<WebResponse | undefined>;
  /** The request's session (refreshed when due), or none. Never rejects. */
  loadSession(request: WebRequest): Promise<LoadedSession>;
  /**
   * A page that needs a login: the session, or the response that sends the user to log in. With a
   * `requirement` (step-up, `loginRequirement()`), a session whose ID token does not meet it is sent
   * back through login with `acr_values` / `max_age` (a browser), or gets 401
   * `insufficient_user_authentication` (any other request).
   */
  requireLogin(
    request: WebRequest,
    loaded?: LoadedSession,
    requirement?: LoginRequirement,
  ): Promise<LoginDecision>;
  /** `Set-Cookie` values writing `session` back when it changed (a refresh during the request), else `[]`. */
  saveIfChanged(session: LoginSession, request: WebRequest): Promise<string[]>;
}

const OPTION_KEYS = [
  'login',
  'paths',
  'defaultReturnTo',
  'postLogoutRedirectUri',
  'afterLogoutPath',
  'renderPage',
  'sessionJson',
  'refreshAheadSeconds',
  'where',
] as const;
const PATH_KEYS = ['login', 'callback', 'logout', 'session'] as const;
const NO_STORE = 'no-store';
const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const CSRF_FIELD = 'csrf';
const PROMPTS = new Set(['login', 'consent', 'select_account', 'none']);
// A refreshed session is remembered this long, so a request that raced the refresh with the old
// cookie gets the new tokens instead of spending the rotated refresh token a second time.
const REFRESH_MEMO_MS = 30_000;
/**
 * At most this many refreshes are remembered (one per refresh token); past it the oldest is dropped.
 *
 * @example
 * MAX_REFRESH_MEMO; // 1000
 */
export const MAX_REFRESH_MEMO = 1000;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe for HTML element content and quoted attribute values.
 *
 * @example
 * `<p>Hello ${escapeHtml(identity.name ?? identity.subject)}</p>`
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/**
 * The default JSON of GET /session: who is logged in (no token).
 *
 * @example
 * sessionJson(session); // { subject: 'alice', name: 'Alice Admin', email: 'alice@example.test', groups: ['admin'], organizations: [...] }
 */
export function sessionJson(session: LoginSession): Record<string, unknown> {
  const id = session.identity;
  return {
    subject: id.subject,
    issuer: session.data.issuer,
    name: id.name ?? null,
    email: id.email ?? null,
    groups: [...id.groups],
    organizations: id.organizations,
    scopes: [...session.principal.scopes],
    expiresAt: new Date(session.data.tokens.expiresAtMs).toISOString(),
  };
}

/**
 * The default page: plain HTML with a little CSS, so it does not look broken.
 *
 * @example
 * const html = defaultPage({ title: 'Signed out', body: '<p>See you soon.</p>' });
 */
export function defaultPage({ title, body }: WebPage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222;background:#fafafa}
h1{font-size:1.5rem}main{background:#fff;border:1px solid #ddd;border-radius:8px;padding:1.5rem 2rem}
button{font:inherit;padding:.4rem 1.2rem;border-radius:6px;border:1px solid #888;background:#eee;cursor:pointer}
code{background:#f0f0f0;padding:0 .3rem;border-radius:4px}dt{font-weight:600}dd{margin:0 0 .6rem}
</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>
`;
}

function header(headers: WebHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | readonly string[] | undefined>)[name];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(name === 'cookie' ? '; ' : ', ');
}

/** True when the client lists `text/html` in `Accept` (a browser navigating), false for an API client. */
function wantsHtml(request: WebRequest): boolean {
  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(header(request.headers, 'accept') ?? '');
}

function formOf(body: unknown): URLSearchParams {
  if (typeof body === 'string') return new URLSearchParams(body);
  if (body instanceof URLSearchParams) return body;
  const form = new URLSearchParams();
  if (body instanceof Uint8Array) return new URLSearchParams(new TextDecoder().decode(body));
  if (typeof body === 'object' && body !== null) {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') form.set(k, v);
  }
  return form;
}

function checkPath(value: unknown, where: string, name: string): string {
  if (typeof value !== 'string' || !/^\/[^\s?#]*$/.test(value) || value.startsWith('//')) {
    throw new ConfigurationError(
      `${where}: paths.${name} must be a path starting with / (no query, no spaces)`,
    );
  }
  return value;
}

/** Constant-time comparison of two strings (the double-submit token). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Binds web login to four routes and a `requireLogin` decision, framework-neutral. Options are
 * checked here (TypeError); per request nothing throws: every failure is a response.
 *
 * | route | answer |
 * | --- | --- |
 * | `GET /login?returnTo=/path` (`prompt`, `max_age`, `acr_values` optional) | 302 to the provider; `returnTo` same-origin only; the callback checks the returned `acr` is one of `acr_values` |
 * | `GET /callback` | 302 to `returnTo` with the session cookie; a failure is a 400 page or JSON by `Accept` |
 * | `GET /session` | 200 JSON of the user; 401 `ERR_AUTH_NO_SESSION` |
 * | `GET /logout` | a confirmation page with a POST form (double-submit token) |
 * | `POST /logout` | CSRF-checked (403 `ERR_AUTH_CSRF_REJECTED`), ends the session, 302 to the provider's end-session URL or `/` |
 *
 * @example
 * ```ts
 * const routes = createWebLoginRoutes({
 *   login: { issuer, clientId: 'web', clientSecret, redirectUri: 'http://127.0.0.1:3001/callback', cookieKeys },
 * });
 * // in a framework's catch-all handler:
 * const request = { method: req.method, url: req.url, headers: req.headers, body: req.body };
 * const response = await routes.handle(request);
 * if (response) return res.writeHead(response.status, response.headers).end(response.body);
 * const decision = await routes.requireLogin(request); // on a page that needs a login
 * if (!decision.ok) return res.writeHead(decision.response.status, decision.response.headers).end(decision.response.body);
 * ```
 */
export function createWebLoginRoutes(options: WebLoginRoutesOptions): WebLoginRoutes {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('web login routes: options are required');
  const where = typeof options.where === 'string' ? options.where : 'createWebLoginRoutes()';
  assertKnownKeys(options, OPTION_KEYS, where);
  const config = options.login;
  if (typeof config !== 'object' || config === null)
    throw new ConfigurationError(`${where}: login options are required`);
  if (typeof config.redirectUri !== 'string' || !URL.canParse(config.redirectUri)) {
    throw new ConfigurationError(`${where}: login.redirectUri must be an absolute URL`);
  }
  assertKnownKeys(options.paths ?? {}, PATH_KEYS, `${where} paths`);
  const redirect = new URL(config.redirectUri);
  const appOrigin = redirect.origin;
  const paths = {
    login: checkPath(options.paths?.login ?? '/login', where, 'login'),
    callback: checkPath(options.paths?.callback ?? redirect.pathname, where, 'callback'),
    logout: checkPath(options.paths?.logout ?? '/logout', where, 'logout'),
    session: checkPath(options.paths?.session ?? '/session', where, 'session'),
  };
  if (paths.callback !== redirect.pathname) {
    throw new ConfigurationError(
      `${where}: paths.callback must be the path of login.redirectUri (${redirect.pathname})`,
    );
  }
  for (const k of ['renderPage', 'sessionJson'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') {
      throw new ConfigurationError(`${where}: ${k} must be a function`);
    }
  }
  const refreshAhead = options.refreshAheadSeconds ?? 60;
  if (!(typeof refreshAhead === 'number' && Number.isFinite(refreshAhead) && refreshAhead >= 0)) {
    throw new ConfigurationError(`${where}: refreshAheadSeconds must be a finite number >= 0`);
  }
  const defaultReturnTo = safeReturnTo(
    options.defaultReturnTo ?? config.defaultReturnTo ?? '/profile',
    appOrigin,
    '/',
  );
  const afterLogout = safeReturnTo(options.afterLogoutPath ?? '/', appOrigin, '/');
  const postLogoutRedirectUri = options.postLogoutRedirectUri ?? `${appOrigin}/`;
  if (!URL.canParse(postLogoutRedirectUri)) {
    throw new ConfigurationError(`${where}: postLogoutRedirectUri must be an absolute URL`);
  }
  const login = createWebLogin({ ...config, defaultReturnTo });
  const render = options.renderPage ?? defaultPage;
  const toJson = options.sessionJson ?? sessionJson;
  const settings: CookieSettings = cookieSettings(config.redirectUri, config.cookie);
  const csrfCookie = cookieName(`${config.cookieName ?? 'session'}-csrf`, settings);
  const routePaths = new Set(Object.values(paths));
  const refreshed = new Map<string, { data: Promise<SessionData | undefined>; at: number }>();
  const clock = config.clock ?? Date.now;

  const pathOf = (url: string): string => {
    try {
      return new URL(url, appOrigin).pathname;
    } catch {
      return '';
    }
  };
  const urlOf = (url: string): URL => {
    try {
      return new URL(url, appOrigin);
    } catch {
      return new URL('/', appOrigin);
    }
  };
  const cookieOf = (request: WebRequest) => header(request.headers, 'cookie');

  // An app's renderPage that throws falls back to the default page: handle() never rejects (a
  // rejection reaches the framework's error handler: a 500, a stack trace in Express's default one).
  const renderSafely = (p: WebPage): string => {
    try {
      return render(p);
    } catch {
      return defaultPage(p);
    }
  };
  const page = (status: number, title: string, body: string, setCookie: string[] = []): WebResponse => ({
    status,
    headers: {
      'cache-control': NO_STORE,
      'content-type': HTML,
      ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}),
    },
    body: renderSafely({ title, body }),
  });
  const json = (status: number, value: unknown, setCookie: string[] = []): WebResponse => ({
    status,
    headers: {
      'cache-control': NO_STORE,
      'content-type': JSON_TYPE,
      ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}),
    },
    body: JSON.stringify(value),
  });
  const redirectTo = (location: string, setCookie: string[] = []): WebResponse => ({
    status: 302,
    headers: {
      'cache-control': NO_STORE,
      location,
      ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}),
    },
    body: '',
  });
  /** An error as a page (a browser) or `{status, code, message}` (anything else). */
  const failure = (
    request: WebRequest,
    status: number,
    code: string,
    message: string,
    setCookie: string[] = [],
    extra: Partial<WebResponseHeaders> = {},
  ): WebResponse => {
    const response = wantsHtml(request)
      ? page(
          status,
          status === 403 ? 'Request refused' : 'Login failed',
          `<p>${escapeHtml(message)}</p>\n<p><code>${escapeHtml(code)}</code></p>\n<p><a href="${escapeHtml(paths.login)}">Log in again</a> · <a href="/">Home</a></p>`,
          setCookie,
        )
      : json(status, { status, code, message }, setCookie);
    Object.assign(response.headers, extra);
    return response;
  };
  const loginUrl = (request: WebRequest, requirement?: LoginRequirement): string => {
    const url = urlOf(request.url);
    const returnTo = safeReturnTo(`${url.pathname}${url.search}`, appOrigin, defaultReturnTo);
    let location = `${paths.login}?returnTo=${encodeURIComponent(returnTo)}`;
    if (requirement?.acrValues)
      location += `&acr_values=${encodeURIComponent(requirement.acrValues.join(' '))}`;
    if (requirement?.maxAgeSeconds !== undefined) location += `&max_age=${requirement.maxAgeSeconds}`;
    return location;
  };

  /** Refreshes `session` when due; the result is shared for a while by requests carrying the same refresh token. */
  async function refreshIfDue(session: LoginSession): Promise<LoginSession | undefined> {
    if (!session.isExpired(refreshAhead)) return session;
    const refreshToken = session.tokens.refreshToken;
    if (!refreshToken) return session.isExpired() ? undefined : session;
    const now = clock();
    for (const [key, entry] of refreshed) if (now - entry.at > REFRESH_MEMO_MS) refreshed.delete(key);
    let entry = refreshed.get(refreshToken);
    if (!entry) {
      // Full: the oldest goes (a request racing it then refreshes on its own, as without the memo).
      while (refreshed.size >= MAX_REFRESH_MEMO) refreshed.delete(refreshed.keys().next().value as string);
      const data = session.refresh().then(
        () => session.data,
        (error: unknown) => {
          // A dead refresh token ends the session; a provider that cannot be reached does not.
          const oauth = (error as { oauthError?: unknown }).oauthError;
          if (
            oauth === 'invalid_grant' ||
            (isAuthError(error) && error.code === 'ERR_AUTH_SESSION_EXPIRED')
          ) {
            return undefined;
          }
          refreshed.delete(refreshToken);
          throw error;
        },
      );
      entry = { data, at: now };
      refreshed.set(refreshToken, entry);
    }
    try {
      const data = await entry.data;
      if (data === undefined) return undefined;
      if (data === session.data) return session;
      const fresh = login.restore(data);
      fresh.changed = true;
      return fresh;
    } catch {
      // Keep the identity; the access token is refreshed on a later request (or by session.getAccessToken()).
      return session;
    }
  }

  async function loadSession(request: WebRequest): Promise<LoadedSession> {
    const cookie = cookieOf(request);
    try {
      const stored = await login.getSession(cookie);
      if (!stored) return { session: undefined, setCookie: [] };
      const session = await refreshIfDue(stored);
      if (!session) return { session: undefined, setCookie: await login.store.destroy(cookie) };
      return { session, setCookie: session.changed ? await login.saveSession(session, cookie) : [] };
    } catch {
      // A store that cannot be read is no session (never a 500 for the visitor).
      return { session: undefined, setCookie: [] };
    }
  }

  async function startLogin(request: WebRequest): Promise<WebResponse> {
    const query = urlOf(request.url).searchParams;
    const start: StartLoginOptions = { returnTo: query.get('returnTo') ?? undefined };
    const prompt = query.get('prompt');
    if (prompt !== null && PROMPTS.has(prompt)) start.prompt = prompt;
    const maxAge = query.get('max_age');
    if (maxAge !== null && /^\d{1,9}$/.test(maxAge)) start.maxAge = Number(maxAge);
    // Step-up (requireLogin with acr): the levels asked for go to the provider, and the callback
    // checks the ID token's acr is one of them. Malformed values are ignored, like a malformed max_age.
    const acrValues = query.get('acr_values');
    if (acrValues !== null) {
      try {
        start.acrValues = acrList(acrValues);
      } catch {}
    }
    try {
      const { url, setCookie } = await login.startLogin(start, cookieOf(request));
      return redirectTo(url.href, setCookie);
    } catch (error) {
      return providerDown(request, error);
    }
  }

  function providerDown(request: WebRequest, error: unknown): WebResponse {
    if (isAuthClientError(error) && error.code === 'ERR_AUTH_DISCOVERY_FAILED') {
      return failure(
        request,
        503,
        error.code,
        'The identity provider cannot be reached; try again shortly',
        [],
        {
          'retry-after': '5',
        },
      );
    }
    return failure(request, 400, 'ERR_AUTH_LOGIN_INVALID_RESPONSE', 'The login could not be completed');
  }

  async function finishLogin(request: WebRequest): Promise<WebResponse> {
    const current = urlOf(request.url);
    try {
      const { returnTo, setCookie } = await login.finishLogin(current, cookieOf(request));
      return redirectTo(returnTo, setCookie);
    } catch (error) {
      // The contract: a failed callback is a 400 (whatever the error's own status), never a 500.
      if (isAuthError(error)) return failure(request, 400, error.code, error.message);
      if (isAuthClientError(error)) {
        if (error.code === 'ERR_AUTH_DISCOVERY_FAILED') return providerDown(request, error);
        return failure(request, 400, error.code, 'The login could not be completed');
      }
      const fallback = new CallbackError('The login could not be completed');
      return failure(request, 400, fallback.code, fallback.message);
    }
  }

  async function session(request: WebRequest): Promise<WebResponse> {
    const loaded = await loadSession(request);
    if (!loaded.session) {
      const error = new NoSessionError();
      return json(401, error.toBody(), loaded.setCookie);
    }
    return json(200, toJson(loaded.session), loaded.setCookie);
  }

  async function confirmLogout(request: WebRequest): Promise<WebResponse> {
    const loaded = await loadSession(request);
    const token = randomToken();
    const who = loaded.session?.identity;
    const name = who ? (who.name ?? who.subject) : undefined;
    const body = `${
      name === undefined
        ? '<p>You are not logged in.</p>'
        : `<p>You are logged in as <strong>${escapeHtml(name)}</strong>.</p>`
    }
<form method="post" action="${escapeHtml(paths.logout)}">
<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(token)}">
<button type="submit">Log out</button>
</form>
<p><a href="/">Cancel</a></p>`;
    const setCookie = [...loaded.setCookie, serializeCookie(csrfCookie, token, settings, 600)];
    return page(200, 'Log out?', body, setCookie);
  }

  /**
   * CSRF defence of POST /logout: a cross-site signal (another `Origin`, `Sec-Fetch-Site` other than
   * same-origin) is refused outright; otherwise the request needs a same-origin signal or the
   * double-submit token (the confirmation form's field equal to its cookie).
   */
  function csrfProven(request: WebRequest): boolean {
    const site = header(request.headers, 'sec-fetch-site')?.trim().toLowerCase();
    const origin = header(request.headers, 'origin')?.trim();
    if (site !== undefined && site !== 'same-origin') return false;
    if (origin !== undefined && origin !== appOrigin) return false;
    if (site === 'same-origin' || origin === appOrigin) return true;
    const expected = parseCookies(cookieOf(request)).get(csrfCookie);
    const sent = formOf(request.body).get(CSRF_FIELD);
    return (
      typeof expected === 'string' &&
      expected.length >= 32 &&
      typeof sent === 'string' &&
      sameText(sent, expected)
    );
  }

  async function logout(request: WebRequest): Promise<WebResponse> {
    if (!csrfProven(request)) {
      const error = new CsrfError();
      return failure(request, 403, error.code, error.message);
    }
    const cookie = cookieOf(request);
    const clearCsrf = serializeCookie(csrfCookie, '', settings, 0);
    try {
      const hadSession = (await login.getSession(cookie)) !== undefined;
      const { url, setCookie } = await login.logout(cookie, { postLogoutRedirectUri });
      const to = hadSession && url ? url.href : afterLogout;
      return redirectTo(to, [...setCookie, clearCsrf]);
    } catch {
      // The provider's metadata is out of reach: the local session still ends.
      const setCookie = await login.store.destroy(cookie).catch(() => [] as string[]);
      return redirectTo(afterLogout, [...setCookie, clearCsrf]);
    }
  }

  function notAllowed(request: WebRequest, allow: string): WebResponse {
    const response = failure(request, 405, 'ERR_METHOD_NOT_ALLOWED', 'Method not allowed');
    response.headers.allow = allow;
    return response;
  }

  return {
    login,
    paths: Object.freeze({ ...paths }),
    matches: (request) => routePaths.has(pathOf(request.url)),
    async handle(request) {
      const path = pathOf(request.url);
      if (!routePaths.has(path)) return undefined;
      const method = String(request.method).toUpperCase();
      const read = method === 'GET' || method === 'HEAD';
      try {
        if (path === paths.logout) {
          if (method === 'POST') return await logout(request);
          return read ? await confirmLogout(request) : notAllowed(request, 'GET, HEAD, POST');
        }
        if (!read) return notAllowed(request, 'GET, HEAD');
        if (path === paths.login) return await startLogin(request);
        if (path === paths.callback) return await finishLogin(request);
        return await session(request);
      } catch {
        return failure(request, 400, 'ERR_AUTH_LOGIN_INVALID_RESPONSE', 'The request could not be processed');
      }
    },
    loadSession,
    async requireLogin(request, loaded, requirement) {
      const current = loaded ?? (await loadSession(request));
      const s = current.session;
      const method = String(request.method).toUpperCase();
      const browser = (method === 'GET' || method === 'HEAD') && wantsHtml(request);
      if (s && requirement && !requirement.satisfiedBy(s.data.claims, clock())) {
        // Step-up: a browser logs in again at the level asked for (the session stays until then);
        // an API client is told what is missing (RFC 9470 §3).
        if (browser) {
          return {
            ok: false,
            response: redirectTo(loginUrl(request, requirement), current.setCookie),
            setCookie: current.setCookie,
          };
        }
        const error = new InsufficientUserAuthenticationError({
          ...(requirement.acrValues ? { acrValues: requirement.acrValues } : {}),
          ...(requirement.maxAgeSeconds === undefined ? {} : { maxAge: requirement.maxAgeSeconds }),
        });
        const response = json(401, error.toBody(), current.setCookie);
        const challenge = error.wwwAuthenticate();
        if (challenge !== undefined) response.headers['www-authenticate'] = challenge;
        return { ok: false, response, setCookie: current.setCookie };
      }
      if (s) {
        return {
          ok: true,
          session: s,
          principal: s.principal,
          identity: s.identity,
          setCookie: current.setCookie,
        };
      }
      if (browser) {
        return {
          ok: false,
          response: redirectTo(loginUrl(request, requirement), current.setCookie),
          setCookie: current.setCookie,
        };
      }
      return {
        ok: false,
        response: json(401, new NoSessionError().toBody(), current.setCookie),
        setCookie: current.setCookie,
      };
    },
    async saveIfChanged(s, request) {
      return s.changed ? login.saveSession(s, cookieOf(request)) : [];
    },
  };
}

/**
 * The `WebLoginState` an adapter hands the app (`req.webLogin`, …): the adapter gives only how it
 * appends `Set-Cookie` lines to its response; `save()` writes a refreshed session back through it.
 *
 * @example
 * req.webLogin = webLoginState(routes, session, request, (lines) => res.append('Set-Cookie', lines));
 */
export function webLoginState(
  routes: Pick<WebLoginRoutes, 'saveIfChanged'>,
  session: LoginSession,
  request: WebRequest,
  appendCookies: (setCookie: string[]) => void,
): WebLoginState {
  return {
    session,
    identity: session.identity,
    principal: session.principal,
    async save() {
      appendCookies(await routes.saveIfChanged(session, request));
    },
  };
}
