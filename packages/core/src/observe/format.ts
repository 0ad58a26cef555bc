/**
 * Events as text: one readable line per event (`AUTH_DEBUG=1`), the log level each event deserves,
 * and a listener for pino-style loggers (`logger.info(obj, msg)`), which the adapters use by default.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthEvent } from './events.ts';

/**
 * A log level of pino-style loggers.
 *
 * @example
 * const level: AuthLogLevel = eventLevel(event);
 */
export type AuthLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * What the adapters' `logger` option accepts: pino, Fastify's logger, winston-like objects, `console`.
 * Only the methods of the levels in use are called.
 *
 * @example
 * const logger: AuthLogger = console;
 */
export interface AuthLogger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/**
 * The level of an event: a missing credential or a malformed request is `debug` (clients send those all
 * the time), a rejected token or a denial by policy `info`, a key set served stale or a failed token refresh `warn`, an issuer without
 * usable keys or an unavailable decision point `error`; key refreshes and allowed authorizations are
 * `debug`, rotations `info`.
 *
 * @example
 * eventLevel({ type: 'keys.unavailable', stale: false, ... }); // 'error'
 */
export function eventLevel(event: AuthEvent): AuthLogLevel {
  switch (event.type) {
    case 'auth.success':
    case 'auth.authorized':
    case 'keys.refreshed':
    case 'token.refreshed':
      return 'debug';
    case 'auth.failure':
      if (event.status >= 500) return 'error';
      // No credentials or a malformed request: routine noise. A token that failed a check: one line
      // at info, so the default output of a framework logger names the mismatch.
      return event.code === 'ERR_AUTH_MISSING_TOKEN' || event.code === 'ERR_AUTH_INVALID_REQUEST'
        ? 'debug'
        : 'info';
    case 'apikey.rejected':
      return event.status >= 500 ? 'error' : 'info';
    case 'keys.rotated':
      return 'info';
    case 'keys.unavailable':
      return event.stale ? 'warn' : 'error';
    case 'token.refresh_failed':
      return 'warn';
    case 'policy.unavailable':
      return 'error';
  }
}

// Values come from tokens (an unverified `iss`, a `kid`): no control characters, bounded length, so a
// hostile token cannot forge log lines or flood them.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we replace
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const MAX_VALUE = 200;

function text(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value.replace(CONTROL, '?'));
  else if (Array.isArray(value))
    s = `[${value.slice(0, 10).map(text).join(',')}${value.length > 10 ? ',…' : ''}]`;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else if (value === null || value === undefined) s = String(value);
  else s = JSON.stringify(value)?.replace(CONTROL, '?') ?? '?';
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE)}…` : s;
}

/**
 * A one-line human summary of an event (the debug line and the log message).
 *
 * @example
 * eventMessage(event); // 'rejected 401 ERR_AUTH_INVALID_AUDIENCE: The token audience is not accepted'
 */
export function eventMessage(event: AuthEvent): string {
  switch (event.type) {
    case 'auth.success':
      return `authenticated ${text(event.subject)} from ${text(event.issuer)}${event.cached ? ' (cached)' : ''}`;
    case 'auth.authorized':
      return `authorized ${text(event.subject)} by ${event.policy}`;
    case 'auth.failure':
      return `${event.stage === 'authorize' ? 'denied' : 'rejected'} ${event.status} ${event.code}: ${event.reason}${event.policy === undefined ? '' : ` (policy ${event.policy})`}`;
    case 'apikey.rejected':
      return `API key rejected ${event.status} ${event.code}: ${event.reason}`;
    case 'keys.refreshed':
      return `keys of ${text(event.issuer)} refreshed: ${event.keyCount} key(s)`;
    case 'keys.rotated':
      return `keys of ${text(event.issuer)} rotated`;
    case 'keys.unavailable':
      return `keys of ${text(event.issuer)} unavailable${event.stale ? ' (serving stale keys)' : ''}: ${event.reason}`;
    case 'token.refreshed':
      return `token refreshed at ${text(event.source)}, expires in ${event.expiresInSeconds}s`;
    case 'token.refresh_failed':
      return `token refresh failed at ${text(event.source)}: ${event.code} ${text(event.reason)}`;
    case 'policy.unavailable':
      return `decision point unavailable: ${event.reason}`;
  }
}

const SKIP = new Set(['type', 'at', 'reason']);

function fields(record: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (SKIP.has(key) && prefix === '') continue;
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.push(...fields(value as Record<string, unknown>, `${prefix}${key}.`));
    } else if (key === 'durationMs' && typeof value === 'number') {
      out.push(`${prefix}${key}=${value.toFixed(2)}`);
    } else {
      out.push(`${prefix}${key}=${text(value)}`);
    }
  }
  return out;
}

/**
 * One readable line: level, type, summary, then every field as `key=value` (detail flattened).
 *
 * @example
 * formatEvent(event); // 'auth debug auth.failure rejected 401 ERR_AUTH_INVALID_AUDIENCE: … detail.claim="aud" …'
 */
export function formatEvent(event: AuthEvent): string {
  const record = event as unknown as Record<string, unknown>;
  const rest = fields(record).filter((f) => !f.startsWith('status=') && !f.startsWith('code='));
  return `auth ${eventLevel(event)} ${event.type} ${eventMessage(event).replace(CONTROL, '?')}${rest.length > 0 ? ` ${rest.join(' ')}` : ''}`;
}

/** True when `AUTH_DEBUG` is `1`, `true` or `yes` in the environment (where there is one). */
export function debugRequested(): boolean {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.AUTH_DEBUG;
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}

/**
 * The `debug` / `AUTH_DEBUG=1` listener: one line per event on stderr.
 *
 * @example
 * createVerifier({ issuers, onEvent: debugListener });
 */
export function debugListener(event: AuthEvent): void {
  const line = `${formatEvent(event)}\n`;
  const stderr = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process?.stderr;
  if (stderr !== undefined) stderr.write(line);
  else console.error(line.trimEnd());
}

/**
 * A listener writing each event to a pino-style logger at its level (`eventLevel`): the event's fields
 * as the object, the summary as the message. `minLevel` drops quieter events before any work.
 *
 * @example
 * createVerifier({ issuers, onEvent: loggerListener(pino()) });
 */
export function loggerListener(
  logger: AuthLogger,
  options: { minLevel?: AuthLogLevel; bindings?: Record<string, unknown> } = {},
): (event: AuthEvent) => void {
  if (typeof logger !== 'object' || logger === null)
    throw new ConfigurationError('logger must be a pino-style logger (debug/info/warn/error methods)');
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function')
      throw new ConfigurationError(`logger must be a pino-style logger: logger.${level} is not a function`);
  }
  const order = { debug: 0, info: 1, warn: 2, error: 3 } as const;
  const min = order[options.minLevel ?? 'debug'];
  if (min === undefined) throw new ConfigurationError("minLevel must be 'debug', 'info', 'warn' or 'error'");
  const bindings = options.bindings ?? { component: '@auth' };
  // pino's isLevelEnabled: skip the record of a level the logger drops (a debug line per request).
  const check = (logger as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
  const enabled = typeof check === 'function' ? (l: AuthLogLevel) => check.call(logger, l) : () => true;
  return (event) => {
    const level = eventLevel(event);
    if (order[level] < min || !enabled(level)) return;
    logger[level]({ ...bindings, ...event }, eventMessage(event));
  };
}
