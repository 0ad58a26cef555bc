/**
 * The checked scalar options of `createVerifier` (clock, fetch, limits, cache size, signature mode,
 * `customCheck`): each misuse is a TypeError at setup, in the order the options are documented.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { backend as defaultCrypto } from '#crypto';
import type { FetchLike } from '../jwks/types.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { JWKS_OPTION_KEYS, VERIFIER_OPTION_KEYS } from '../options/option-keys.ts';
import type { Clock } from '../types.ts';
import type { CryptoBackend } from './crypto/types.ts';
import type { VerifierOptions } from './options.ts';

/**
 * Internal option: force a signature backend (tests run the whole suite on WebCrypto with it).
 * Not part of the public API.
 */
export const CRYPTO_BACKEND = Symbol.for('@auth/core.verifier.crypto');

/**
 * Internal option: the DPoP mode of issuers without their own `dpop` (set by `createAuthenticator`
 * from its `dpop.mode`). Not part of the public API.
 */
export const DPOP_DEFAULT = Symbol.for('@auth/core.verifier.dpop');

export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;
export const DEFAULT_CACHE_SIZE = 10_000;

export interface VerifierSettings {
  crypto: CryptoBackend;
  clock: Clock;
  fetch: FetchLike;
  maxTokenBytes: number;
  /** 0: no token cache. */
  cacheSize: number;
  /** The backend's signature check for the chosen mode (off the main thread when it can). */
  verifySignature: CryptoBackend['verify'];
  customCheck: VerifierOptions['customCheck'];
  /** DPoP mode for issuers without their own; null: the scheme is not checked per issuer. */
  dpopDefault: 'off' | 'allowed' | 'required' | null;
}

/** Reads and checks the scalar options; throws a TypeError naming the first misused one. */
export function readSettings(options: VerifierOptions): VerifierSettings {
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('createVerifier(): options are required');
  assertKnownKeys(options, VERIFIER_OPTION_KEYS, 'createVerifier()');
  assertKnownKeys(options.jwks, JWKS_OPTION_KEYS, 'createVerifier(): jwks');
  const crypto =
    ((options as unknown as Record<symbol, unknown>)[CRYPTO_BACKEND] as CryptoBackend) ?? defaultCrypto;
  const clock = options.clock ?? Date.now;
  if (typeof clock !== 'function')
    throw new ConfigurationError('clock must be a function returning milliseconds');
  const fetchFn = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));
  if (typeof fetchFn !== 'function') throw new ConfigurationError('fetch must be a function');
  const maxTokenBytes = options.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  if (!Number.isInteger(maxTokenBytes) || maxTokenBytes < 64) {
    throw new ConfigurationError('maxTokenBytes must be an integer of at least 64');
  }
  const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  if (!Number.isInteger(cacheSize) || cacheSize < 0)
    throw new ConfigurationError('cacheSize must be a non-negative integer');
  const mode = options.signatureVerification ?? 'threadpool';
  if (mode !== 'sync' && mode !== 'threadpool') {
    throw new ConfigurationError("signatureVerification must be 'sync' or 'threadpool'");
  }
  const verifySignature =
    mode === 'threadpool' && crypto.verifyOffThread ? crypto.verifyOffThread : crypto.verify;
  const customCheck = options.customCheck;
  if (customCheck !== undefined && typeof customCheck !== 'function') {
    throw new ConfigurationError('customCheck must be a function');
  }
  const dpopDefault =
    ((options as unknown as Record<symbol, unknown>)[DPOP_DEFAULT] as VerifierSettings['dpopDefault']) ??
    null;
  return {
    crypto,
    clock,
    fetch: fetchFn,
    maxTokenBytes,
    cacheSize,
    verifySignature,
    customCheck,
    dpopDefault,
  };
}
