/**
 * Start-up and readiness for every adapter, written once: the `startup` / `startupRetryMs` options
 * (`'fail'`, `'warn'` or `'lazy'`), the warm-up they start, the lines `'warn'` logs through the
 * adapter's logger, and the sources a `/ready` helper reads. Each adapter only ties `ready()` to its
 * framework's start-up (Fastify's `onReady`, Nest's `onModuleInit`, an awaited call in Express and Hono).
 */
import { ConfigurationError } from '../configuration-error.ts';
import { type Authenticator, isAuthenticator } from '../authenticator.ts';
import type { LineSink } from '../observe/adapter-logging.ts';
import type { AuthLogger, AuthLogLevel } from '../observe/format.ts';
import { MAX_RETRY_MS, readiness, startWarmUp, type WarmUpMode } from '../observe/readiness.ts';
import type { StartupError } from '../observe/startup-error.ts';
import { isVerifier, type Verifier } from '../verify/index.ts';

/**
 * The adapters' start-up options (beside core's options and the logging ones).
 *
 * @example
 * app.use(requireAuth({ issuers, startup: 'warn', startupRetryMs: 2_000 } satisfies AuthenticatorOptions & AuthStartupOptions));
 */
export interface AuthStartupOptions {
  /**
   * When the issuers' keys (and discovery documents) are fetched. `'fail'`: at start-up, and start-up
   * fails with a `StartupError` when they cannot be; `'warn'`: at start-up, a failure is logged and
   * retried in the background (requests get 503 until the keys arrive); `'lazy'` (default): by the
   * first request.
   */
  startup?: WarmUpMode;
  /** `'warn'`: milliseconds between background attempts (default 5000). */
  startupRetryMs?: number;
}

/** The adapter option names of `AuthStartupOptions` (for `adapterKeys`). */
export const STARTUP_KEYS: readonly string[] = Object.freeze(
  Object.keys({ startup: true, startupRetryMs: true } satisfies Record<keyof AuthStartupOptions, true>),
);

/** The checked start-up options. */
export interface StartupSettings {
  readonly mode: WarmUpMode;
  readonly retryMs: number;
}

const DEFAULT_RETRY_MS = 5_000;

/**
 * Reads `startup` / `startupRetryMs` from an adapter's options (a verifier or authenticator given as
 * is has none: `'lazy'`). Misuse is a TypeError naming `where`, at setup.
 *
 * @example
 * const settings = readStartupOptions(options, '@auth/fastify options'); // { mode: 'lazy', retryMs: 5000 }
 */
export function readStartupOptions(source: unknown, where: string): StartupSettings {
  const lazy = { mode: 'lazy', retryMs: DEFAULT_RETRY_MS } as const;
  if (typeof source !== 'object' || source === null || isAuthenticator(source) || isVerifier(source))
    return lazy;
  const record = source as AuthStartupOptions;
  const mode = record.startup ?? 'lazy';
  if (mode !== 'fail' && mode !== 'warn' && mode !== 'lazy')
    throw new ConfigurationError(`${where}: startup must be 'fail', 'warn' or 'lazy'`);
  const retryMs = record.startupRetryMs;
  if (retryMs === undefined) return { mode, retryMs: DEFAULT_RETRY_MS };
  if (mode !== 'warn')
    throw new ConfigurationError(
      `${where}: startupRetryMs only applies to startup: 'warn' (background retries)`,
    );
  if (typeof retryMs !== 'number' || !Number.isFinite(retryMs) || retryMs <= 0 || retryMs > MAX_RETRY_MS)
    throw new ConfigurationError(
      `${where}: startupRetryMs must be a number of milliseconds in (0, ${MAX_RETRY_MS}]`,
    );
  return { mode, retryMs };
}

/** A start-up line: level, one-line message, fields for structured loggers. */
export type StartupLog = (level: 'info' | 'warn' | 'error', message: string, fields: StartupFields) => void;

/** What a start-up line says besides its message. */
export interface StartupFields {
  readonly issuer?: string;
  readonly url?: string;
  readonly httpStatus?: number;
  readonly reason?: string;
}

const ORDER = { debug: 0, info: 1, warn: 2, error: 3 } as const;

/**
 * Where an adapter's start-up lines go, chosen like its events' (`attachEventLogging`): the `logger`
 * option (`false`: nowhere), else the framework's sink; `logLevel` filters line sinks.
 *
 * @example
 * const log = startupLog(options, consoleLines);
 */
export function startupLog(source: unknown, sink: AuthLogger | LineSink): StartupLog {
  const record = (typeof source === 'object' && source !== null ? source : {}) as {
    logger?: AuthLogger | false;
    logLevel?: AuthLogLevel;
  };
  const given = 'logger' in record ? record.logger : undefined;
  if (given === false) return () => {};
  const min = ORDER[('logLevel' in record ? record.logLevel : undefined) ?? 'info'] ?? ORDER.info;
  const target = given ?? sink;
  return (level, message, fields) => {
    if (ORDER[level] < min) return;
    if (typeof target === 'function') {
      const extra = Object.entries(fields)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      target(level, `auth ${level} startup ${message}${extra.length > 0 ? ` ${extra.join(' ')}` : ''}`);
    } else {
      target[level]({ component: '@auth', type: 'startup', ...fields }, message);
    }
  };
}

/** An adapter's start-up: `ready()` is what its framework (or the app) awaits before serving. */
export interface AdapterStartup {
  readonly mode: WarmUpMode;
  /**
   * `'fail'`: resolves once every issuer has usable keys, rejects with a `StartupError` otherwise;
   * `'warn'` and `'lazy'`: resolved (start-up never waits for the keys).
   */
  ready(): Promise<void>;
  /** Stops background retries (on close). */
  stop(): void;
}

const fieldsOf = (e: StartupError): StartupFields => ({
  ...(e.issuer === undefined ? {} : { issuer: e.issuer }),
  ...(e.url === undefined ? {} : { url: e.url }),
  ...(e.httpStatus === undefined ? {} : { httpStatus: e.httpStatus }),
  reason: e.reason,
});

/**
 * Starts what `settings` asks for on `authenticator` (the fetch begins now, so it overlaps the rest of
 * the app's set-up). `'warn'` logs the first failure at `warn` and the recovery at `info` (each failed
 * fetch is also a `keys.unavailable` event); `'fail'` logs at `error` when the failure is never awaited
 * (`ready()` not called before it happened), so it is not silent.
 *
 * @example
 * const startup = startAuthentication(binding.authenticator, readStartupOptions(options, where), { where, log });
 * fastify.addHook('onReady', () => startup.ready());
 */
export function startAuthentication(
  authenticator: Authenticator,
  settings: StartupSettings,
  context: {
    where: string;
    log: StartupLog;
    /** The framework awaits `ready()` itself (Fastify's `onReady`, Nest's `onModuleInit`): never unawaited. */
    awaited?: boolean;
  },
): AdapterStartup {
  const { where, log } = context;
  const { mode, retryMs } = settings;
  const run = startWarmUp(authenticator, mode, {
    retryMs,
    where,
    onFailure(error, attempt) {
      if (attempt !== 1) return;
      log(
        'warn',
        `${error.message}; requests get 503 until the keys arrive, retrying every ${retryMs} ms`,
        fieldsOf(error),
      );
    },
    onReady(failures) {
      log('info', `${where}: signing keys are usable after ${failures} failed attempt(s)`, {});
    },
  });
  let awaited = context.awaited === true;
  if (mode === 'fail') {
    run.done.catch((error: StartupError) => {
      if (!awaited) log('error', `${error.message} (await ready() so start-up fails)`, fieldsOf(error));
    });
  }
  return {
    mode,
    ready(): Promise<void> {
      awaited = true;
      return run.done;
    },
    stop: () => run.stop(),
  };
}

/** What a `/ready` helper accepts: authenticators, verifiers, or anything holding one as `authenticator`. */
export type ReadinessSource = Authenticator | Verifier | { readonly authenticator: Authenticator | Verifier };

/**
 * The authenticators and verifiers of a `/ready` helper's arguments; anything else is a TypeError
 * naming `where` (a wrong argument would otherwise read as always ready).
 *
 * @example
 * const sources = readinessSources([auth], '@auth/express readinessHandler()');
 */
export function readinessSources(
  sources: readonly unknown[],
  where: string,
  options: { allowNone?: boolean } = {},
): (Authenticator | Verifier)[] {
  if (sources.length === 0 && options.allowNone !== true)
    throw new ConfigurationError(
      `${where}: give the authenticators (or middlewares) whose keys must be ready`,
    );
  return sources.map((source, i) => {
    if (isAuthenticator(source) || isVerifier(source)) return source;
    const held = (source as { authenticator?: unknown } | null | undefined)?.authenticator;
    if (isAuthenticator(held) || isVerifier(held)) return held;
    throw new ConfigurationError(
      `${where}: argument ${i} is not an authenticator, a verifier or an auth middleware`,
    );
  });
}

/**
 * The `/ready` answer for already checked sources, with the headers a probe answer needs.
 *
 * @example
 * const { status, headers, body } = readinessResponse(sources);
 */
export function readinessResponse(sources: readonly (Authenticator | Verifier)[]): {
  status: 200 | 503;
  headers: Record<string, string>;
  body: { ready: boolean };
} {
  return { ...readiness(...sources), headers: { 'cache-control': 'no-store' } };
}
