/**
 * How adapters send events to a framework's logger: the `logger` / `logLevel` adapter options read
 * from the user's options, a default sink per framework (Fastify's logger, Nest's `Logger`, the console
 * for Express and Hono), and one listener per (component, logger) however many middlewares share it.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Authenticator } from '../authenticator.ts';
import { type EventHub, eventHubOf } from './event-hub.ts';
import type { AuthEvent } from './events.ts';
import { type AuthLogger, type AuthLogLevel, eventLevel, formatEvent, loggerListener } from './format.ts';

/**
 * The adapters' logging options (beside core's options): where events are logged and from which level.
 *
 * @example
 * app.use(requireAuth({ issuers, logger: pino(), logLevel: 'info' } satisfies AuthenticatorOptions & AuthLoggingOptions));
 */
export interface AuthLoggingOptions {
  /** A pino-style logger (`debug`/`info`/`warn`/`error`), or `false` for none. Default: the framework's. */
  logger?: AuthLogger | false;
  /** The quietest level logged (default `info` for the console and Nest; pino-style loggers filter themselves). */
  logLevel?: AuthLogLevel;
}

/** The adapter option names of `AuthLoggingOptions` (for `adapterKeys`). */
export const LOGGING_KEYS: readonly string[] = Object.freeze(['logger', 'logLevel']);

/** A sink that takes a ready line per event (the console, Nest's `Logger`); start-up lines have no event. */
export type LineSink = (level: AuthLogLevel, line: string, event?: AuthEvent) => void;

const ORDER = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/**
 * The console as a line sink: one `formatEvent` line per event.
 *
 * @example
 * attachEventLogging(authenticator, source, { where, sink: consoleLines });
 */
export const consoleLines: LineSink = (level, line) => {
  console[level](line);
};

const attached = new WeakMap<EventHub, Map<unknown, { count: number; stop: () => void }>>();

function listen(hub: EventHub, key: unknown, make: () => (e: AuthEvent) => void): () => void {
  let byKey = attached.get(hub);
  if (byKey === undefined) {
    byKey = new Map();
    attached.set(hub, byKey);
  }
  let entry = byKey.get(key);
  if (entry === undefined) {
    entry = { count: 0, stop: hub.add(make()) };
    byKey.set(key, entry);
  }
  entry.count++;
  const current = entry;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--current.count === 0) {
      current.stop();
      byKey.delete(key);
    }
  };
}

/**
 * Routes an adapter's events to a logger: the `logger` option when given (`false`: none), else the
 * framework's default sink (a pino-style logger or a line sink). Returns the function that stops it.
 * Misused options are TypeErrors naming `where`.
 *
 * @example
 * const stop = attachEventLogging(binding.authenticator, options, { where: '@auth/express requireAuth()', sink: consoleLines });
 */
export function attachEventLogging(
  authenticator: Authenticator,
  source: unknown,
  defaults: {
    where: string;
    sink: AuthLogger | LineSink;
    logLevel?: AuthLogLevel;
    /** Event types the adapter logs by other means (Fastify logs failures on `request.log`). */
    exclude?: readonly AuthEvent['type'][];
  },
): () => void {
  const record = (typeof source === 'object' && source !== null ? source : {}) as AuthLoggingOptions;
  const { where } = defaults;
  const logger = 'logger' in record ? record.logger : undefined;
  const logLevel = 'logLevel' in record ? record.logLevel : undefined;
  if (logLevel !== undefined && !(logLevel in ORDER)) {
    throw new ConfigurationError(`${where}: logLevel must be 'debug', 'info', 'warn' or 'error'`);
  }
  if (logger === false) return () => {};
  const hub = eventHubOf(authenticator);
  if (hub === undefined) return () => {}; // someone else's authenticator: no events to route
  const excluded = new Set<string>(defaults.exclude ?? []);
  const filtered =
    (listener: (e: AuthEvent) => void) =>
    (event: AuthEvent): void => {
      if (!excluded.has(event.type)) listener(event);
    };
  if (logger !== undefined) {
    // Checked by loggerListener: a TypeError now rather than at the first event.
    const make = (): ((e: AuthEvent) => void) =>
      filtered(loggerListener(logger, { minLevel: logLevel ?? 'debug' }));
    make();
    return listen(hub, logger, make);
  }
  const sink = defaults.sink;
  const min = ORDER[logLevel ?? defaults.logLevel ?? 'info'];
  if (typeof sink === 'function') {
    return listen(hub, sink, () =>
      filtered((event) => {
        const level = eventLevel(event);
        if (ORDER[level] >= min) sink(level, formatEvent(event), event);
      }),
    );
  }
  return listen(hub, sink, () =>
    filtered(loggerListener(sink, { minLevel: logLevel ?? defaults.logLevel ?? 'debug' })),
  );
}
