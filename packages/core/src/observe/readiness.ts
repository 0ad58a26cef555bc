/**
 * Readiness: whether every issuer of a verifier or authenticator has usable keys (for a `/ready`
 * probe), and the key warm-up at start-up (`'fail'`, `'warn'` or `'lazy'`).
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Authenticator } from '../authenticator.ts';
import { isVerifier, type Verifier } from '../verify/index.ts';

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

/**
 * Fetches every issuer's keys ahead of the first request. `'fail'`: rejects with the reason when
 * they cannot be fetched (start-up should fail); `'warn'`: resolves at once, fetches in the
 * background and retries every `retryMs` until ready (failures are `keys.unavailable` events);
 * `'lazy'`: nothing (keys are fetched by the first request).
 *
 * @example
 * await warmUp(authenticator, 'fail'); // before app.listen()
 */
export async function warmUp(
  source: Verifier | Authenticator,
  mode: WarmUpMode,
  options: { retryMs?: number } = {},
): Promise<void> {
  if (mode !== 'fail' && mode !== 'warn' && mode !== 'lazy')
    throw new ConfigurationError("warmUp: mode must be 'fail', 'warn' or 'lazy'");
  const retryMs = options.retryMs ?? 5_000;
  if (typeof retryMs !== 'number' || !Number.isFinite(retryMs) || retryMs <= 0)
    throw new ConfigurationError('warmUp: retryMs must be a positive number of milliseconds');
  const probe = probeOf(source);
  if (probe === undefined || mode === 'lazy') return;
  if (mode === 'fail') {
    await probe.warm();
    return;
  }
  const attempt = (): void => {
    probe.warm().then(() => {
      if (!probe.ready()) schedule();
    }, schedule);
  };
  const schedule = (): void => {
    const timer = setTimeout(attempt, retryMs);
    // A background retry never keeps the process alive.
    (timer as { unref?: () => void }).unref?.();
  };
  attempt();
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
