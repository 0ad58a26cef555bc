/**
 * The full verification of one token, step by step: strict parse, issuer routing on the unverified
 * `iss`, the accepting entry's claim rules, proof-of-possession, key lookup, signature, then the
 * principal (stored in the token cache when allowed). Each step stays synchronous until one of them
 * returns a promise (resolver, cold key, thread-pool or WebCrypto signature check), and hands the
 * next one record, the `Attempt`.
 */
import { InvalidTokenError } from '../errors.ts';
import type { Clock } from '../types.ts';
import type { ClaimsVerdict } from './claims.ts';
import { type ParsedToken, parseCompact } from './compact.ts';
import { checkConfirmation, checkScheme } from './confirmation.ts';
import type { CryptoBackend, KeyHandle } from './crypto/types.ts';
import type { IssuerRuntime } from './issuer-config.ts';
import type { IssuerRegistry } from './issuer-registry.ts';
import { SIGNATURE_BYTES } from './key-policy.ts';
import type { AsymmetricAlgorithm } from './options.ts';
import type { Narrowing } from './overrides.ts';
import { buildPrincipal } from './principal.ts';
import { selectEntry } from './select-entry.ts';
import { signingKey } from './signing-key.ts';
import { badSignature } from './token-errors.ts';
import type { TokenCache, Verified } from './token-cache.ts';

export interface PipelineDeps {
  crypto: CryptoBackend;
  clock: Clock;
  verifySignature: CryptoBackend['verify'];
  registry: IssuerRegistry;
  /** Where accepted tokens are stored (only for calls that pass `cacheAs`). */
  cache: TokenCache | undefined;
  /** DPoP mode of issuers without their own (null: not checked). */
  dpopDefault: 'off' | 'allowed' | 'required' | null;
}

/** One verification in progress: the parsed token and what each step found so far. */
interface Attempt {
  readonly parsed: ParsedToken;
  readonly overrides: Narrowing | undefined;
  /** The whole token when the result may be cached (a call without overrides), else undefined. */
  readonly cacheAs: string | undefined;
  /** The accepting entry, its rules narrowed by the overrides (set by `withEntries`). */
  rt: IssuerRuntime | undefined;
  verdict: ClaimsVerdict | undefined;
}

/** The verification of a token the cache did not answer; a synchronous result when no step waited. */
export type VerifyFull = (
  token: string,
  overrides: Narrowing | undefined,
  cacheAs: string | undefined,
) => Verified | Promise<Verified>;

/** Builds the full verification over the verifier's settings, issuer registry and token cache. */
export function createPipeline({
  crypto,
  clock,
  verifySignature,
  registry,
  cache,
  dpopDefault,
}: PipelineDeps): VerifyFull {
  function withEntries(a: Attempt, list: IssuerRuntime[]): Verified | Promise<Verified> {
    const { header, payload } = a.parsed;
    const { rt, verdict } = selectEntry(list, a.parsed, a.overrides, clock() / 1000);
    a.rt = rt;
    a.verdict = verdict;
    checkScheme(rt.dpop ?? dpopDefault, a.overrides?.possession?.jkt !== undefined);
    // A sender-constrained token needs proof of possession, which plain Bearer requests never carry.
    checkConfirmation(payload, a.overrides?.possession);
    const expected = SIGNATURE_BYTES[header.alg];
    if (expected !== undefined && a.parsed.signature.byteLength !== expected) throw badSignature();
    const key = signingKey(rt, header.alg, header.kid);
    return key instanceof Promise ? key.then((k) => withKey(a, k)) : withKey(a, key);
  }

  function withKey(a: Attempt, key: KeyHandle): Verified | Promise<Verified> {
    const { header, signingInput, signature } = a.parsed;
    let ok: boolean | Promise<boolean>;
    try {
      ok = verifySignature(header.alg as AsymmetricAlgorithm, key, signingInput, signature);
    } catch (cause) {
      throw badSignature(cause);
    }
    if (ok instanceof Promise) {
      return ok.then(
        (valid) => accept(a, key, valid),
        (cause: unknown) => Promise.reject(badSignature(cause)),
      );
    }
    return accept(a, key, ok);
  }

  function accept(a: Attempt, key: KeyHandle, valid: boolean): Verified {
    if (!valid) throw badSignature();
    const { header, payload } = a.parsed;
    const rt = a.rt!;
    const verdict = a.verdict!;
    const entry: Verified = {
      token: a.cacheAs ?? '',
      principal: buildPrincipal(payload, rt, verdict.kind),
      header,
      // Only a JWKS key can rotate away under a cached token; an HMAC secret is the entry's own.
      source: header.alg.startsWith('HS') ? undefined : rt.source,
      kid: header.kid,
      alg: header.alg as AsymmetricAlgorithm,
      key,
      // A refresh may have landed while the signature was checked: the first hit confirms the key.
      keyGeneration: -1,
      validFrom: verdict.validFrom,
      validUntil: verdict.validUntil,
    };
    if (a.cacheAs !== undefined && cache !== undefined) cache.set(entry, payload);
    return entry;
  }

  return (token, overrides, cacheAs) => {
    const parsed = parseCompact(token, crypto);
    const iss = parsed.payload.iss;
    if (typeof iss !== 'string' || iss === '') {
      throw new InvalidTokenError('ERR_AUTH_MISSING_CLAIM', 'The token has no issuer', {
        detail: { claim: 'iss' },
      });
    }
    const a: Attempt = { parsed, overrides, cacheAs, rt: undefined, verdict: undefined };
    const list = registry.resolve(iss);
    return list instanceof Promise ? list.then((l) => withEntries(a, l)) : withEntries(a, list);
  };
}
