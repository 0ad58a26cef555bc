/**
 * DPoP proof verification on the resource server (RFC 9449 §4.3, §7.1). Each check fails closed with
 * a fixed message and a `detail.reason` for logs; the proof and the token are never repeated. The
 * signature is checked before the replay store is asked, so unsigned junk cannot fill it.
 *
 * Cost (bench:dpop): one signature check plus parsing, like a bare verify. A client signs every proof
 * with the same key under the same header, so the checked header, its imported key and its thumbprint
 * are remembered by the header's exact text (a bounded LRU; a different header, even the same key
 * spelled differently, is a miss and is checked in full). Normalised URLs are remembered the same way.
 * With node:crypto and a synchronous replay store the whole check runs without awaiting anything.
 */
import {
  type AuthError,
  DpopNonceError,
  InvalidDpopProofError,
  isAuthError,
  UnavailableError,
} from '../errors.ts';
import { readHeader } from '../extract/headers.ts';
import type { RequestLike } from '../types.ts';
import { parseHeaderSegment, parsePayloadSegment, splitCompact } from '../verify/compact.ts';
import type { CryptoBackend, KeyHandle, PublicJwk } from '../verify/crypto/types.ts';
import { SIGNATURE_BYTES, usableJwk } from '../verify/key-policy.ts';
import { Lru } from '../verify/lru.ts';
import type { AsymmetricAlgorithm } from '../verify/options.ts';
import type { DpopSettings } from './dpop-options.ts';
import { normalizeHtu, requestHtu } from './htu.ts';
import { jwkThumbprint } from './thumbprint.ts';

/** What a verified proof establishes: the thumbprint of the key that signed it. */
export interface VerifiedProof {
  readonly jkt: string;
}

// A proof is a small JWS (an RSA-4096 key makes it ~1.5 KB); anything far larger is not one.
const MAX_PROOF_CHARS = 8192;
const MAX_JTI_CHARS = 256;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const invalid = (reason: string, message: string, cause?: unknown): InvalidDpopProofError =>
  new InvalidDpopProofError(message, { detail: { reason }, cause });

const MESSAGES = {
  missing: 'The DPoP proof is missing',
  repeated: 'More than one DPoP proof was sent',
  malformed: 'The DPoP proof is malformed',
  typ: 'The DPoP proof must have typ dpop+jwt',
  alg: 'The DPoP proof algorithm is not allowed',
  jwk: 'The DPoP proof must carry a public key',
  signature: 'The DPoP proof signature is invalid',
  htm: 'The DPoP proof is for another HTTP method',
  htu: 'The DPoP proof is for another URL',
  iat: 'The DPoP proof is too old or issued in the future',
  jti: 'The DPoP proof must carry a jti',
  replay: 'The DPoP proof was already used',
  ath: 'The DPoP proof is for another access token',
} as const;

function fromStore(cause: unknown): AuthError {
  return new UnavailableError('ERR_AUTH_REPLAY_STORE_UNAVAILABLE', 'The DPoP replay store is unavailable', {
    retryAfterSeconds: 5,
    cause,
  });
}

/** A proof header that passed every header check; its key is imported at the first signature check. */
interface ProofKey {
  readonly alg: AsymmetricAlgorithm;
  readonly jwk: PublicJwk;
  key: KeyHandle | Promise<KeyHandle> | undefined;
  jkt: string | Promise<string> | undefined;
}

/** Bounds of the per-verifier memos (entries; longer texts are never remembered). */
export interface ProofCacheLimits {
  readonly headers: number;
  readonly urls: number;
}
const LIMITS: ProofCacheLimits = { headers: 1024, urls: 512 };
// An RSA-4096 proof header is ~1 KB of base64url; a longer one is checked every time.
const MAX_CACHED_HEADER_CHARS = 2048;
const MAX_CACHED_URL_CHARS = 512;

type MaybePromise<T> = T | PromiseLike<T>;
const isThenable = <T>(v: MaybePromise<T>): v is PromiseLike<T> =>
  typeof (v as PromiseLike<T> | null)?.then === 'function';
const signatureFailure = (cause: unknown): never => {
  throw invalid('signature', MESSAGES.signature, cause);
};
/** A replay-store or nonce-source rejection: a 503, never a pass. */
const storeFailure = (cause: unknown): never => {
  throw fromStore(cause);
};

/** What the steps after the signature check need (one object per proof, no closures). */
interface Pending {
  readonly entry: ProofKey;
  readonly segment: string;
  readonly known: boolean;
  readonly accessToken: string;
  readonly ath: string;
  readonly payload: Record<string, unknown>;
  readonly iat: number;
  readonly jti: string;
}

/** The verifier function with its memo sizes (for tests and monitoring; not public API). */
export interface ProofVerifier {
  (req: RequestLike, accessToken: string): Promise<VerifiedProof>;
  readonly cacheSizes: () => { headers: number; urls: number };
}

/** Checks DPoP proofs against requests with the given settings; keys imported once per header. */
export function createProofVerifier(
  settings: DpopSettings,
  crypto: CryptoBackend,
  limits: ProofCacheLimits = LIMITS,
): ProofVerifier {
  const headers = new Lru<ProofKey>(limits.headers);
  // normalizeHtu is a pure function of its input: remembered by the exact text ('' for "not a URL").
  const urls = new Lru<string>(limits.urls);
  const normalized = (url: string): string | undefined => {
    if (url.length > MAX_CACHED_URL_CHARS) return normalizeHtu(url);
    let hit = urls.get(url);
    if (hit === undefined) {
      hit = normalizeHtu(url) ?? '';
      urls.set(url, hit);
    }
    return hit === '' ? undefined : hit;
  };

  /** Header checks of a proof not seen before (reasons typ, alg, jwk, jwk-private). */
  function admit(h: Record<string, unknown>): ProofKey {
    if (typeof h.typ !== 'string' || h.typ.toLowerCase() !== 'dpop+jwt') throw invalid('typ', MESSAGES.typ);
    if (typeof h.alg !== 'string' || !settings.algorithms.has(h.alg)) throw invalid('alg', MESSAGES.alg);
    const alg = h.alg as AsymmetricAlgorithm;
    const jwk = h.jwk;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalid('jwk', MESSAGES.jwk);
    if (PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m))) throw invalid('jwk-private', MESSAGES.jwk);
    const publicJwk = usableJwk(jwk as Record<string, unknown>, alg);
    if (publicJwk === undefined) throw invalid('jwk', MESSAGES.jwk);
    return { alg, jwk: publicJwk, key: undefined, jkt: undefined };
  }

  /** Remembers a header whose signature just verified, with its thumbprint (resolved in place). */
  function remember(segment: string, entry: ProofKey): MaybePromise<string> {
    if (entry.jkt === undefined) {
      const jkt = jwkThumbprint(entry.jwk, crypto);
      entry.jkt = isThenable(jkt) ? Promise.resolve(jkt).then((j) => (entry.jkt = j)) : jkt;
    }
    // WebCrypto: later hits use the CryptoKey itself (the import has resolved: its signature verified).
    const key = entry.key;
    if (isThenable(key)) void Promise.resolve(key).then((k) => (entry.key = k));
    if (segment.length <= MAX_CACHED_HEADER_CHARS) headers.set(segment, entry);
    return entry.jkt;
  }

  function check(req: RequestLike, accessToken: string): MaybePromise<VerifiedProof> {
    const header = readHeader(req, 'dpop');
    if (header.repeated) throw invalid('repeated', MESSAGES.repeated);
    const raw = header.value;
    if (raw === undefined || raw === '') throw invalid('missing', MESSAGES.missing);
    // Fetch joins repeated headers with ", ".
    if (raw.includes(',')) throw invalid('repeated', MESSAGES.repeated);
    if (raw.length > MAX_PROOF_CHARS) throw invalid('malformed', MESSAGES.malformed);
    const proof = raw.trim();
    let d2: number;
    try {
      d2 = splitCompact(proof);
    } catch {
      throw invalid('malformed', MESSAGES.malformed);
    }
    const d1 = proof.indexOf('.');
    const segment = proof.slice(0, d1);
    // A hit is a header that passed every check below under these same settings (the memo is
    // per verifier): the same text parses the same way. Its signature is still checked below.
    const known = headers.get(segment);
    let h: Record<string, unknown> | undefined;
    let payload: Record<string, unknown>;
    try {
      if (known === undefined) h = parseHeaderSegment(segment, crypto);
      payload = parsePayloadSegment(proof.slice(d1 + 1, d2), crypto);
    } catch (cause) {
      const alg = isAuthError(cause) && cause.code === 'ERR_AUTH_ALG_NOT_ALLOWED';
      throw alg ? invalid('alg', MESSAGES.alg) : invalid('malformed', MESSAGES.malformed);
    }
    const entry = known ?? admit(h!);
    const alg = entry.alg;

    // Claims before the signature: they cost nothing, and a proof for another request fails either way.
    if (typeof payload.htm !== 'string' || payload.htm !== req.method) throw invalid('htm', MESSAGES.htm);
    const htu = typeof payload.htu === 'string' ? normalized(payload.htu) : undefined;
    const expectedHtu = requestHtu(req, settings.publicUrl, normalized);
    if (htu === undefined || expectedHtu === undefined || htu !== expectedHtu)
      throw invalid(expectedHtu === undefined ? 'htu-unknown' : 'htu', MESSAGES.htu);
    const iat = payload.iat;
    const now = settings.clock() / 1000;
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('iat', MESSAGES.iat);
    if (iat > now + settings.clockToleranceSeconds) throw invalid('iat-future', MESSAGES.iat);
    if (iat < now - settings.proofMaxAgeSeconds - settings.clockToleranceSeconds)
      throw invalid('iat-stale', MESSAGES.iat);
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS)
      throw invalid('jti', MESSAGES.jti);
    const ath = payload.ath;
    if (typeof ath !== 'string') throw invalid('ath-missing', MESSAGES.ath);

    let valid: MaybePromise<boolean>;
    try {
      const signature = crypto.decode(proof.slice(d2 + 1));
      const expected = SIGNATURE_BYTES[alg];
      if (expected !== undefined && signature.byteLength !== expected)
        throw invalid('signature', MESSAGES.signature);
      const input = proof.slice(0, d2);
      // A failed import is not kept: the entry is remembered only once a signature verified.
      entry.key ??= crypto.importPublicKey(entry.jwk, alg);
      const key = entry.key;
      valid = isThenable(key)
        ? Promise.resolve(key).then((k) => crypto.verify(alg, k, input, signature))
        : crypto.verify(alg, key, input, signature);
    } catch (cause) {
      if (isAuthError(cause)) throw cause;
      return signatureFailure(cause);
    }
    const pending: Pending = {
      entry,
      segment,
      known: known !== undefined,
      accessToken,
      ath,
      payload,
      iat,
      jti,
    };
    // No closure on the synchronous path: each step calls the next directly unless it got a promise.
    return isThenable(valid)
      ? Promise.resolve(valid).then((ok) => afterSignature(ok, pending), signatureFailure)
      : afterSignature(valid, pending);
  }

  function afterSignature(ok: boolean, p: Pending): MaybePromise<VerifiedProof> {
    if (ok !== true) throw invalid('signature', MESSAGES.signature);
    if (!p.known) remember(p.segment, p.entry);
    const hash = crypto.sha256Base64url(p.accessToken);
    return isThenable(hash) ? Promise.resolve(hash).then((h) => afterAth(h, p)) : afterAth(hash, p);
  }

  function afterAth(hash: string, p: Pending): MaybePromise<VerifiedProof> {
    if (hash !== p.ath) throw invalid('ath', MESSAGES.ath);
    const nonce = settings.nonces === undefined ? undefined : checkNonce(p.payload);
    if (nonce !== undefined) return Promise.resolve(nonce).then(() => afterNonce(p));
    return afterNonce(p);
  }

  function afterNonce(p: Pending): MaybePromise<VerifiedProof> {
    const jkt = p.entry.jkt!;
    return isThenable(jkt) ? Promise.resolve(jkt).then((j) => replay(j, p)) : replay(jkt, p);
  }

  function replay(jkt: string, p: Pending): MaybePromise<VerifiedProof> {
    // Scoped by key: another client's proof id cannot collide with this one's.
    const expiresAtMs = (p.iat + settings.proofMaxAgeSeconds + settings.clockToleranceSeconds) * 1000;
    let fresh: MaybePromise<boolean>;
    try {
      fresh = settings.replayStore.checkAndStore(`${jkt}.${p.jti}`, expiresAtMs);
    } catch (cause) {
      throw fromStore(cause);
    }
    return isThenable(fresh)
      ? Promise.resolve(fresh).then((f) => replayAnswer(f, jkt), storeFailure)
      : replayAnswer(fresh, jkt);
  }

  function replayAnswer(fresh: boolean, jkt: string): VerifiedProof {
    if (fresh !== true) throw invalid('replay', MESSAGES.replay);
    return { jkt };
  }

  /** Undefined when the nonce is valid now; a promise when the source answers later. */
  function checkNonce(payload: Record<string, unknown>): PromiseLike<void> | undefined {
    const nonces = settings.nonces!;
    const nonce = payload.nonce;
    if (typeof nonce !== 'string' || nonce === '') throw new DpopNonceError(nonces.current());
    let ok: MaybePromise<boolean>;
    try {
      ok = nonces.isValid(nonce);
    } catch (cause) {
      throw fromStore(cause);
    }
    if (isThenable(ok))
      return Promise.resolve(ok).then((valid) => {
        if (valid !== true) throw new DpopNonceError(nonces.current());
      }, storeFailure);
    if (ok !== true) throw new DpopNonceError(nonces.current());
    return undefined;
  }
  /**
   * The thumbprint of the proof's key when the request's `DPoP` header proves possession for
   * `accessToken`; rejects with an AuthError otherwise.
   */
  const verifyProof = (req: RequestLike, accessToken: string): Promise<VerifiedProof> => {
    try {
      return Promise.resolve(check(req, accessToken));
    } catch (e) {
      return Promise.reject(e);
    }
  };
  return Object.assign(verifyProof, {
    cacheSizes: () => ({ headers: headers.size, urls: urls.size }),
  });
}
