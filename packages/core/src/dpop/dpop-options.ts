/**
 * The `dpop` option of `createAuthenticator`: which proofs the resource server accepts and how it
 * remembers them. Mistakes throw a TypeError at setup.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { keysOf } from '../options/option-keys.ts';
import type { Clock } from '../types.ts';
import { ASYMMETRIC_ALGORITHMS } from '../verify/issuer-config.ts';
import type { AsymmetricAlgorithm } from '../verify/options.ts';
import { validatePublicUrl } from './htu.ts';
import type { DpopNonceSource } from './nonces.ts';
import { memoryReplayStore, type ReplayStore } from './replay-store.ts';

/**
 * DPoP (RFC 9449) on the resource server. Issuers may set their own `dpop` mode (`off`, `allowed`,
 * `required`) over `mode`.
 *
 * @example
 * const dpop: DpopOptions = { mode: 'required', algorithms: ['ES256'], publicUrl: 'https://api.example.com' };
 * const auth = createAuthenticator({ issuers, dpop });
 */
export interface DpopOptions {
  /** `allowed` (default): DPoP-bound and plain bearer tokens; `required`: only DPoP. */
  mode?: 'allowed' | 'required';
  /** Proof algorithms accepted and listed in `algs` (default every asymmetric one: ES*, EdDSA, PS*, RS*). */
  algorithms?: readonly AsymmetricAlgorithm[];
  /**
   * The public origin (and path prefix) of this API, e.g. `https://api.example.com/v1`: proofs must
   * name it in `htu`. Set it behind a proxy; without it the framework's protocol and the `Host` header
   * are used. `X-Forwarded-*` headers are never read.
   */
  publicUrl?: string;
  /** How long after its `iat` a proof is accepted, in seconds (default 60). */
  proofMaxAgeSeconds?: number;
  /** Allowed clock difference for `iat`, in seconds (default 5). */
  clockToleranceSeconds?: number;
  /** Where proof ids are remembered (default `memoryReplayStore()`, one per authenticator). */
  replayStore?: ReplayStore;
  /** Server-issued nonces (`dpopNonces()` or a shared source); off by default. */
  nonces?: DpopNonceSource;
  /** Milliseconds since the epoch (default the verifier's clock, else `Date.now`). */
  clock?: Clock;
}

export const DPOP_OPTION_KEYS = keysOf<DpopOptions>()([
  'mode',
  'algorithms',
  'publicUrl',
  'proofMaxAgeSeconds',
  'clockToleranceSeconds',
  'replayStore',
  'nonces',
  'clock',
]);

/** Checked DPoP settings. */
export interface DpopSettings {
  readonly mode: 'allowed' | 'required';
  readonly algorithms: ReadonlySet<string>;
  readonly algs: readonly string[];
  readonly publicUrl: string | undefined;
  readonly proofMaxAgeSeconds: number;
  readonly clockToleranceSeconds: number;
  readonly replayStore: ReplayStore;
  readonly nonces: DpopNonceSource | undefined;
  readonly clock: Clock;
}

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ConfigurationError(`${name} must be a non-negative number of seconds`);
  return value;
}

/** Checks the `dpop` option (TypeError naming the option on misuse). */
export function readDpopSettings(options: unknown, fallbackClock: Clock | undefined): DpopSettings {
  const at = 'createAuthenticator(): dpop';
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ConfigurationError(`${at} must be an object`);
  assertKnownKeys(options, DPOP_OPTION_KEYS, at);
  const o = options as DpopOptions;
  const mode = o.mode ?? 'allowed';
  if (mode !== 'allowed' && mode !== 'required')
    throw new ConfigurationError(`${at}.mode must be 'allowed' or 'required'`);
  const algorithms = o.algorithms ?? ASYMMETRIC_ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    algorithms.some((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a))
  ) {
    throw new ConfigurationError(
      `${at}.algorithms must be a non-empty list of asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')})`,
    );
  }
  const replayStore = o.replayStore ?? memoryReplayStore({ clock: o.clock ?? fallbackClock });
  if (typeof replayStore?.checkAndStore !== 'function')
    throw new ConfigurationError(`${at}.replayStore must have a checkAndStore(id, expiresAtMs) method`);
  if (
    o.nonces !== undefined &&
    (typeof o.nonces?.current !== 'function' || typeof o.nonces.isValid !== 'function')
  )
    throw new ConfigurationError(`${at}.nonces must have current() and isValid(nonce) methods`);
  const clock = o.clock ?? fallbackClock ?? Date.now;
  if (typeof clock !== 'function') throw new ConfigurationError(`${at}.clock must be a function`);
  return Object.freeze({
    mode,
    algorithms: new Set<string>(algorithms),
    algs: Object.freeze([...new Set<string>(algorithms)]),
    publicUrl: o.publicUrl === undefined ? undefined : validatePublicUrl(o.publicUrl, `${at}.publicUrl`),
    proofMaxAgeSeconds: seconds(o.proofMaxAgeSeconds, `${at}.proofMaxAgeSeconds`, 60),
    clockToleranceSeconds: seconds(o.clockToleranceSeconds, `${at}.clockToleranceSeconds`, 5),
    replayStore,
    nonces: o.nonces,
    clock,
  });
}
