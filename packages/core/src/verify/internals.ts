/**
 * The internal interface between a verifier and this package's authenticator: its token-cache fast path
 * and its bounds, looked up by verifier. Internal: not exported from the package root.
 */
import type { Clock, Principal } from '../types.ts';
import type { CryptoBackend } from './crypto/types.ts';
import type { Verifier } from './options.ts';

/** Fast paths for this package's authenticator; not public API. */
export interface VerifierInternals {
  /**
   * The principal of a token found in the token cache (same token, still in its validity window, the
   * key that verified it still the one the issuer's JWKS selects for it), or undefined on a miss.
   * Never throws: with `customCheck`, a promise of its outcome.
   * Every cached token passed the strict compact-JWS parse, so it is a well-formed token68.
   */
  peek(token: string): Principal | Promise<Principal> | undefined;
  /** What the verifier holds, for tests of its bounds. */
  stats(): { sources: number; acceptedIssuers: number; rejectedIssuers: number };
  /** The signature backend and clock, shared with DPoP proof checks. */
  crypto: CryptoBackend;
  clock: Clock;
}

// Module-local: only a verifier created by this very copy of the package has internals, and a copy or
// wrapper of a verifier object has none (it gets the plain `verify()` path).
const registered = new WeakMap<Verifier, VerifierInternals>();

/** Records the internals of a verifier `createVerifier` just built. */
export function registerInternals(verifier: Verifier, internals: VerifierInternals): void {
  registered.set(verifier, internals);
}

/** The internals of a verifier made by this package's `createVerifier`, else undefined. */
export function verifierInternals(verifier: Verifier): VerifierInternals | undefined {
  return registered.get(verifier);
}
