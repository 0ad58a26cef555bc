import {
  type AuthOutcome,
  attachEventLogging,
  authorizePrincipal,
  consoleLines,
  type AuthBinding,
  createAuthBinding,
  type EventHub,
  isBearerCredentials,
  LOGGING_KEYS,
  readStartupOptions,
  STARTUP_KEYS,
  startAuthentication,
  startupLog,
} from '@auth/core/internal';
import { DEFAULT_REALM, type Policy, type PolicyContext, type RequestLike } from '@auth/core';
import type { Context } from 'hono';

// The framework-specific pieces: how a Hono context reads for core (headers, the form body when one is
// read), its policy context, and where the realm of the authenticating middleware is kept.

const BODY = Symbol('@auth/hono.body');
const REALM = Symbol('@auth/hono.realm');
const EVENTS = Symbol('@auth/hono.events');
type AuthContext = Context & { [BODY]?: unknown; [REALM]?: string; [EVENTS]?: EventHub | undefined };

type NodeIncoming = {
  headers?: Record<string, string | string[] | undefined>;
  rawHeaders?: readonly string[];
};

function requestOf(c: Context): RequestLike {
  // On @hono/node-server the Node request is at c.env.incoming (duck-typed: no node import). Its parsed
  // headers spare building a Fetch `Headers` per request, and its rawHeaders reveal a repeated
  // Authorization header. Elsewhere the Fetch `Headers` joins repeats with ", ", which core also rejects.
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  const nodeHeaders = incoming?.headers;
  return {
    headers: typeof nodeHeaders === 'object' && nodeHeaders !== null ? nodeHeaders : c.req.raw.headers,
    rawHeaders: incoming?.rawHeaders,
    url: c.req.url,
    method: c.req.method,
    body: (c as AuthContext)[BODY],
  };
}

const contextOf = (c: Context): PolicyContext => ({
  params: c.req.param() as Record<string, string | undefined>,
  method: c.req.method,
  path: c.req.path,
});

/**
 * One binding per `requireAuth()` / `optionalAuth()` call, and its start-up (the `startup` option:
 * keys fetched now; Hono has no lifecycle, so the app awaits the middleware's `ready()`).
 */
export const bind = (source: unknown, where: string) => {
  const settings = readStartupOptions(source, where);
  const binding = createAuthBinding<Context>(source, {
    where,
    requestOf,
    contextOf,
    adapterKeys: [...LOGGING_KEYS, ...STARTUP_KEYS],
  });
  // Events to the `logger` option, else one line per event on the console from `info` up.
  attachEventLogging(binding.authenticator, source, { where, sink: consoleLines });
  const startup = startAuthentication(binding.authenticator, settings, {
    where,
    log: startupLog(source, consoleLines),
  });
  return { binding, startup };
};

/**
 * Notes the realm and event hub of the middleware that authenticates, for a later authorization
 * middleware (same challenge, decisions to the same listeners).
 */
export function rememberBinding(c: Context, binding: AuthBinding<Context>): void {
  const { realm, events } = binding;
  // The default realm and a hub nobody listens to need no note: no extra property on the hot path.
  if (realm !== DEFAULT_REALM || REALM in c) (c as AuthContext)[REALM] = realm;
  if (events?.active === true || EVENTS in c) (c as AuthContext)[EVENTS] = events;
}

/** Applies a policy to `c.var.auth` in the realm of the middleware that authenticated. */
export function authorizeContext(c: Context, policy: Policy): AuthOutcome | Promise<AuthOutcome> {
  const noted = c as AuthContext;
  return authorizePrincipal(c.get('auth'), policy, () => contextOf(c), noted[REALM], noted[EVENTS]);
}

// What a form body may cost when only read to find a second token (RFC 6750 §2: a header token beside
// an `access_token` form parameter is a 400 even when body tokens are off).
const MAX_CHECKED_FORM_BYTES = 100 * 1024;
const FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/** Whether the form body must be read before authenticating (no await at all for other requests). */
export function needsFormBody(c: Context, readsBody: boolean): boolean {
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return false;
  if (!FORM.test(c.req.header('content-type') ?? '')) return false;
  if (readsBody) return true;
  // Body tokens off: read a form only beside a Bearer header, and only a small declared one.
  const authorization = c.req.header('authorization');
  if (authorization === undefined || !isBearerCredentials(authorization)) return false;
  const length = Number(c.req.header('content-length'));
  return Number.isInteger(length) && length <= MAX_CHECKED_FORM_BYTES;
}

export async function readFormBody(c: Context): Promise<void> {
  try {
    (c as AuthContext)[BODY] = await c.req.parseBody(); // cached by Hono: the handler can read it again
  } catch {
    // an unreadable form carries no token: the handler reports its own error
  }
}
