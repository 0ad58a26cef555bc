/** Types of the per-issuer JWKS key source and its pluggable cache store. */
import type { Clock } from '../types.ts';

/**
 * A JSON Web Key as found in a JWKS document (only the members we read are typed).
 *
 * @example
 * const kids = entry.keys.map((jwk: Jwk) => jwk.kid);
 */
export interface Jwk {
  kty?: unknown;
  kid?: unknown;
  alg?: unknown;
  use?: unknown;
  key_ops?: unknown;
  crv?: unknown;
  n?: unknown;
  e?: unknown;
  x?: unknown;
  y?: unknown;
  [member: string]: unknown;
}

/**
 * What a cache store keeps for one JWKS URI: the raw key set and when it was fetched / expires.
 *
 * @example
 * const remaining = (entry: JwksCacheEntry) => entry.expiresAtMs - Date.now(); // ms a stored key set stays fresh
 */
export interface JwksCacheEntry {
  keys: readonly Jwk[];
  /** Milliseconds since the epoch. */
  fetchedAtMs: number;
  /** Milliseconds since the epoch after which the entry should be refreshed. */
  expiresAtMs: number;
}

/**
 * A shared cache for JWKS documents (e.g. Redis), consulted before the network and written after a
 * successful fetch. Errors thrown by a store are ignored (the network remains the source of truth).
 *
 * @example
 * const store: JwksCacheStore = {
 *   get: async (uri) => JSON.parse((await redis.get(`jwks:${uri}`)) ?? 'null') ?? undefined,
 *   set: async (uri, entry) => void (await redis.set(`jwks:${uri}`, JSON.stringify(entry))),
 * };
 * const verifier = createVerifier({ issuers, jwks: { store } });
 */
export interface JwksCacheStore {
  get(uri: string): Promise<JwksCacheEntry | undefined> | JwksCacheEntry | undefined;
  set(uri: string, entry: JwksCacheEntry): Promise<void> | void;
}

/**
 * A fetch-compatible function (the global `fetch`, undici's, or a test double).
 *
 * @example
 * const verifier = createVerifier({ issuers, fetch: (url, init) => fetch(url, init) });
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Tuning of a JWKS key source. All durations in milliseconds.
 *
 * @example
 * const verifier = createVerifier({ issuers, jwks: { ttlMs: 5 * 60_000, timeoutMs: 2_000 } satisfies JwksOptions });
 */
export interface JwksOptions {
  /** How long fetched keys are fresh (default 10 min). `Cache-Control: max-age` overrides within bounds. */
  ttlMs?: number;
  /** Lower bound applied to a `Cache-Control: max-age` (default 1 min). */
  minTtlMs?: number;
  /** Upper bound applied to a `Cache-Control: max-age` (default 24 h). */
  maxTtlMs?: number;
  /**
   * Unknown-`kid` refetches are a token bucket: one token per this many ms (default 5,000), at most
   * `unknownKidRefetchBurst` saved. Only successful fetches spend a token. Over a duration D an attacker
   * sending random `kid`s causes at most `burst + D / interval` fetches (1 + D / 5 s by default).
   */
  unknownKidRefetchIntervalMs?: number;
  /** Unknown-`kid` refetches allowed back to back after a quiet period (integer ≥ 1, default 1). */
  unknownKidRefetchBurst?: number;
  /**
   * After a failed fetch the next one waits min · 2^(failures−1) ms, capped at
   * `failureBackoffMaxMs`, jittered into [½, 1] of that (default 500 ms).
   */
  failureBackoffMinMs?: number;
  /** Cap of the failed-fetch backoff: a JWKS endpoint that comes back is used within it (default 1,500 ms). */
  failureBackoffMaxMs?: number;
  /** Refresh in the background once this fraction of the TTL has elapsed (default 0.8). */
  refreshAhead?: number;
  /** How long the last good keys keep serving after refreshes fail (default 1 h). */
  staleIfErrorMs?: number;
  /** Fetch timeout (default 5 s). */
  timeoutMs?: number;
  /** Maximum JWKS response size in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Maximum number of keys in a JWKS (default 100). */
  maxKeys?: number;
  /** Shared cache store (optional). */
  store?: JwksCacheStore;
}

export interface JwksSourceOptions extends JwksOptions {
  uri: string;
  fetch?: FetchLike;
  clock?: Clock;
}
