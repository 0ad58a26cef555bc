/** Types of the per-issuer JWKS key source and its pluggable cache store. */
import type { Clock } from '../types.ts';

/** A JSON Web Key as found in a JWKS document (only the members we read are typed). */
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

/** What a cache store keeps for one JWKS URI: the raw key set and when it was fetched / expires. */
export interface JwksCacheEntry {
  keys: readonly Jwk[];
  /** Milliseconds since the epoch. */
  fetchedAt: number;
  /** Milliseconds since the epoch after which the entry should be refreshed. */
  expiresAt: number;
}

/**
 * A shared cache for JWKS documents (e.g. Redis), consulted before the network and written after a
 * successful fetch. Errors thrown by a store are ignored (the network remains the source of truth).
 */
export interface JwksCacheStore {
  get(uri: string): Promise<JwksCacheEntry | undefined> | JwksCacheEntry | undefined;
  set(uri: string, entry: JwksCacheEntry): Promise<void> | void;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Tuning of a JWKS key source. All durations in milliseconds. */
export interface JwksOptions {
  /** How long fetched keys are fresh (default 10 min). `Cache-Control: max-age` overrides within bounds. */
  ttl?: number;
  /** Lower bound applied to a `Cache-Control: max-age` (default 1 min). */
  minTtl?: number;
  /** Upper bound applied to a `Cache-Control: max-age` (default 24 h). */
  maxTtl?: number;
  /** Minimum time between refetches caused by unknown `kid`s (default 30 s). */
  cooldown?: number;
  /** Refresh in the background once this fraction of the TTL has elapsed (default 0.8). */
  refreshAhead?: number;
  /** How long the last good keys keep serving after refreshes fail (default 1 h). */
  staleIfError?: number;
  /** Fetch timeout (default 5 s). */
  timeout?: number;
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
