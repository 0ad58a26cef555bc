/**
 * Server-issued DPoP nonces (RFC 9449 §9): the proof must carry a value the server handed out recently,
 * which limits how far ahead a stolen key can pre-compute proofs and removes the client's clock from
 * the check.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Clock } from '../types.ts';

/**
 * Hands out and checks nonces. `current()` goes into `DPoP-Nonce` headers; `isValid()` accepts the
 * current value and recent ones. Implement it on a shared store for a fleet of servers.
 *
 * @example
 * const nonces: DpopNonceSource = { current: () => shared.nonce, isValid: (n) => shared.recent.has(n) };
 */
export interface DpopNonceSource {
  current(): string;
  isValid(nonce: string): boolean | Promise<boolean>;
}

/**
 * Options of `dpopNonces`.
 *
 * @example
 * const options: DpopNoncesOptions = { lifetimeSeconds: 120 };
 */
export interface DpopNoncesOptions {
  /** How long one nonce is handed out (default 300); the previous one stays valid as long again. */
  lifetimeSeconds?: number;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: Clock;
}

function randomNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}

/**
 * A nonce source for one process: a random nonce per period, the previous one still accepted (a client
 * that just fetched it is not refused at the boundary). No timers: it rotates when asked.
 *
 * @example
 * const auth = createAuthenticator({ issuers, dpop: { nonces: dpopNonces({ lifetimeSeconds: 120 }) } });
 */
export function dpopNonces(options: DpopNoncesOptions = {}): DpopNonceSource {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError('dpopNonces(): options must be an object');
  const { lifetimeSeconds = 300, clock = Date.now } = options;
  if (typeof lifetimeSeconds !== 'number' || !Number.isFinite(lifetimeSeconds) || lifetimeSeconds < 1)
    throw new ConfigurationError('dpopNonces(): lifetimeSeconds must be a number of seconds, at least 1');
  if (typeof clock !== 'function') throw new ConfigurationError('dpopNonces(): clock must be a function');
  const period = lifetimeSeconds * 1000;
  let epoch = Math.floor(clock() / period);
  let current = randomNonce();
  let previous: string | undefined;
  const rotate = (): void => {
    const now = Math.floor(clock() / period);
    if (now === epoch) return;
    previous = now === epoch + 1 ? current : undefined;
    current = randomNonce();
    epoch = now;
  };
  return {
    current(): string {
      rotate();
      return current;
    },
    isValid(nonce: string): boolean {
      rotate();
      return nonce === current || (previous !== undefined && nonce === previous);
    },
  };
}
