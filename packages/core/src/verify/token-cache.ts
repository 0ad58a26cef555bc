/**
 * The verified-token cache and its hit rules: a hit is the very same token, still inside its validity
 * window, whose verifying key is still the one its issuer's JWKS selects. Bound tokens (`cnf`) are never
 * stored, and calls with overrides never read it (the verifier skips it for them).
 */
import type { JwksSource } from '../jwks/jwks-source.ts';
import type { Clock, Principal } from '../types.ts';
import type { KeyHandle } from './crypto/types.ts';
import { Lru } from './lru.ts';
import type { AsymmetricAlgorithm, JoseHeader } from './options.ts';

/** A verified token: what `customCheck` sees, and what a cache hit re-checks. */
export interface Verified {
  /** The whole token, when cached: a hit requires exact equality with it. */
  token: string;
  principal: Principal;
  header: JoseHeader;
  source: JwksSource | undefined;
  kid: string | undefined;
  alg: AsymmetricAlgorithm;
  /** The key that verified the token: a hit requires the JWKS to still select this very key. */
  key: KeyHandle;
  /** The source's key-set generation `key` was last confirmed against (-1: not yet). */
  keyGeneration: number;
  validFrom: number;
  validUntil: number;
}

/**
 * Token-cache key: the last 43 characters (256 bits) of the signature segment. Cheaper than hashing the
 * whole token (~0.9 µs for SHA-256 of a 700-byte RS256 token, more than the rest of a hit); an entry
 * also holds the whole token and counts only on exact equality, so distinct tokens sharing a key (an
 * attacker reusing a signature with another payload) only miss and are verified in full.
 */
const CACHE_KEY_CHARS = 43;
const cacheKey = (token: string): string =>
  token.length <= CACHE_KEY_CHARS ? token : token.slice(token.length - CACHE_KEY_CHARS);

export class TokenCache {
  private readonly lru: Lru<Verified>;

  constructor(
    size: number,
    private readonly clock: Clock,
  ) {
    this.lru = new Lru<Verified>(size);
  }

  /**
   * A cached entry still inside its validity window (current clock) whose verifying key is still the
   * one the issuer's JWKS selects for it, else undefined. Everything else a miss checked depends only on
   * the token's bytes, which a hit matches exactly.
   */
  get(token: string): Verified | undefined {
    const key = cacheKey(token);
    const hit = this.lru.get(key);
    // The key is only the signature's tail: the entry counts only for the very same token.
    if (hit === undefined || hit.token !== token) return undefined;
    const clock = this.clock; // called unbound, as the option was given
    const ms = clock();
    const now = ms / 1000;
    if (now >= hit.validFrom && now <= hit.validUntil && (hit.source === undefined || sameKey(hit, ms))) {
      return hit;
    }
    this.lru.delete(key);
    return undefined;
  }

  /** Stores a freshly verified token under `entry.token`, unless it is bound to a key (`cnf`). */
  set(entry: Verified, payload: Record<string, unknown>): void {
    // A bound token is never cached: a hit carries no proof of possession.
    if (payload.cnf === undefined) this.lru.set(cacheKey(entry.token), entry);
  }

  clear(): void {
    this.lru.clear();
  }
}

/** Whether the key that verified a cached token is still the one its JWKS selects for it. */
function sameKey(hit: Verified, ms: number): boolean {
  const source = hit.source!;
  // Also refreshes in the background when due, and fails once the set is gone or stale.
  if (!source.hasKid(hit.kid, ms)) return false;
  if (source.generation === hit.keyGeneration) return true;
  if (source.currentKey(hit.kid, hit.alg, ms) !== hit.key) return false;
  hit.keyGeneration = source.generation;
  return true;
}
