/**
 * Readiness: whether every issuer of a verifier or authenticator has usable keys (for a `/ready`
 * probe), and the key warm-up at start-up (`'fail'`, `'warn'` or `'lazy'`).
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Authenticator } from '../authenticator.ts';
import { isVerifier, type Verifier } from '../verify/index.ts';
import { isClosedFailure, type StartupError, toStartupError } from './startup-error.ts';

interface Probe {
  ready(): boolean;
  warm(): Promise<void>;
}

// Module-local: what this package's authenticators are built on.
const probes = new WeakMap<object, Probe>();

/** Records how an authenticator made here checks and warms its keys. Internal. */
export function registerReadiness(owner: Authenticator, probe: Probe): void {
  probes.set(owner, probe);
}

function probeOf(source: Verifier | Authenticator): Probe | undefined {
  if (isVerifier(source)) return { ready: () => source.ready, warm: () => source.hydrate() };
  return probes.get(source);
}

/**
 * True once every issuer of a verifier or authenticator (made by this package) has usable keys; true
 * for anything else (it has no keys this package knows of).
 *
 * @example
 * app.get('/ready', (_req, res) => res.status(isReady(authenticator) ? 200 : 503).json({ ready: isReady(authenticator) }));
 */
export function isReady(source: Verifier | Authenticator): boolean {
  return probeOf(source)?.ready() ?? true;
}

/**
 * How keys (and discovery documents) are fetched at start-up.
 *
 * @example
 * const mode: WarmUpMode = process.env.NODE_ENV === 'production' ? 'fail' : 'lazy';
 */
export type WarmUpMode = 'fail' | 'warn' | 'lazy';

/** The longest wait `setTimeout` honours (a longer one fires at once, which would spin). */
export const MAX_RETRY_MS = 2_147_483_647;

/** What a running warm-up reports. Internal (the adapters log it). */
export interface WarmUpHooks {
  /** `'warn'`: an attempt failed (`attempt` counts from 1). */
  onFailure?(error: StartupError, attempt: number): void;
  /** `'warn'`: the keys became usable after `failures` failed attempts. */
  onReady?(failures: number): void;
}

/** A started warm-up. Internal. */
export interface WarmUpRun {
  /** `'fail'`: settles with the first attempt (rejects with a StartupError); else resolved. */
  readonly done: Promise<void>;
  /** Stops the background retries of `'warn'` (they also stop once the authenticator is closed). */
  stop(): void;
}

/**
 * Starts a warm-up (see `warmUp`); `where` names the caller in a StartupError. Mode and interval are
 * checked by the caller. Internal.
 *
 * @example
 * const run = startWarmUp(authenticator, 'warn', { retryMs: 5_000, where, onFailure: (e) => log.warn(e.message) });
 */
export function startWarmUp(
  source: Verifier | Authenticator,
  mode: WarmUpMode,
  options: WarmUpHooks & { retryMs: number; where?: string },
): WarmUpRun {
  const probe = probeOf(source);
  if (probe === undefined || mode === 'lazy') return { done: Promise.resolve(), stop: () => {} };
  const warm = (): Promise<void> => Promise.resolve().then(() => probe.warm());
  if (mode === 'fail') {
    return {
      done: warm().catch((cause: unknown) => {
        throw toStartupError(cause, options.where);
      }),
      stop: () => {},
    };
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  // A hook that throws (a broken logger) must not end the retries or reject anywhere.
  const safely = (hook: () => void): void => {
    try {
      hook();
    } catch {}
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(attempt, options.retryMs);
    // A background retry never keeps the process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  const attempt = (): void => {
    timer = undefined;
    if (stopped) return;
    warm().then(
      () => {
        if (stopped) return;
        if (!probe.ready()) return schedule();
        if (failures > 0) safely(() => options.onReady?.(failures));
      },
      (cause: unknown) => {
        if (stopped || isClosedFailure(cause)) return;
        failures++;
        const error = toStartupError(cause, options.where);
        safely(() => options.onFailure?.(error, failures));
        schedule();
      },
    );
  };
  attempt();
  return {
    done: Promise.resolve(),
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

/**
 * Fetches every issuer's keys ahead of the first request. `'fail'`: rejects with a `StartupError`
 * naming the issuer and the URL that failed (start-up should fail); `'warn'`: resolves at once,
 * fetches in the background and retries every `retryMs` until ready (failures are `keys.unavailable`
 * events; `signal` stops it, and so does closing the authenticator); `'lazy'`: nothing (keys are
 * fetched by the first request).
 *
 * @example
 * await warmUp(authenticator, 'fail'); // before app.listen()
 */
export async function warmUp(
  source: Verifier | Authenticator,
  mode: WarmUpMode,
  options: { retryMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  if (mode !== 'fail' && mode !== 'warn' && mode !== 'lazy')
    throw new ConfigurationError("warmUp: mode must be 'fail', 'warn' or 'lazy'");
  const retryMs = options.retryMs ?? 5_000;
  if (typeof retryMs !== 'number' || !Number.isFinite(retryMs) || retryMs <= 0 || retryMs > MAX_RETRY_MS)
    throw new ConfigurationError(`warmUp: retryMs must be a number of milliseconds in (0, ${MAX_RETRY_MS}]`);
  const { signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new ConfigurationError('warmUp: signal must be an AbortSignal');
  if (signal?.aborted === true) return;
  const run = startWarmUp(source, mode, { retryMs });
  signal?.addEventListener('abort', () => run.stop(), { once: true });
  await run.done;
}

/**
 * The warm-up of an authenticator made here, without the retries and errors of `warmUp` (for
 * combined authenticators). Internal.
 */
export function warmKeys(source: Verifier | Authenticator): Promise<void> {
  return probeOf(source)?.warm() ?? Promise.resolve();
}

/**
 * The contract's `/ready` answer: 200 `{ ready: true }` once every issuer has usable keys, else 503
 * `{ ready: false }`.
 *
 * @example
 * const { status, body } = readiness(authenticator);
 */
export function readiness(...sources: (Verifier | Authenticator)[]): {
  status: 200 | 503;
  body: { ready: boolean };
} {
  const ready = sources.every(isReady);
  return { status: ready ? 200 : 503, body: { ready } };
}
