/**
 * DPoP proof verification on the resource server (RFC 9449 §4.3, §7.1). Each check fails closed with
 * a fixed message and a `detail.reason` for logs; the proof and the token are never repeated. The
 * signature is checked before the replay store is asked, so unsigned junk cannot fill it.
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
import { parseCompact } from '../verify/compact.ts';
import type { CryptoBackend, KeyHandle, PublicJwk } from '../verify/crypto/types.ts';
import { SIGNATURE_BYTES, usableJwk } from '../verify/key-policy.ts';
import { Lru } from '../verify/lru.ts';
import type { AsymmetricAlgorithm } from '../verify/options.ts';
import type { DpopSettings } from './dpop-options.ts';
import { requestHtu, normalizeHtu } from './htu.ts';
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

/** Checks DPoP proofs against requests with the given settings; keys imported once per thumbprint. */
export function createProofVerifier(settings: DpopSettings, crypto: CryptoBackend) {
  const keys = new Lru<{ key: KeyHandle | Promise<KeyHandle>; jkt: string | Promise<string> }>(1024);

  function keyOf(jwk: PublicJwk, alg: AsymmetricAlgorithm) {
    const id = `${alg}\n${JSON.stringify(jwk)}`;
    let entry = keys.get(id);
    if (entry === undefined) {
      entry = { key: crypto.importPublicKey(jwk, alg), jkt: jwkThumbprint(jwk, crypto) };
      keys.set(id, entry);
    }
    return entry;
  }

  /**
   * The thumbprint of the proof's key when the request's `DPoP` header proves possession for
   * `accessToken`; throws (rejects with) an AuthError otherwise.
   */
  return async function verifyProof(req: RequestLike, accessToken: string): Promise<VerifiedProof> {
    const header = readHeader(req, 'dpop');
    if (header.repeated) throw invalid('repeated', MESSAGES.repeated);
    const proof = header.value;
    if (proof === undefined || proof === '') throw invalid('missing', MESSAGES.missing);
    // Fetch joins repeated headers with ", ".
    if (proof.includes(',')) throw invalid('repeated', MESSAGES.repeated);
    if (proof.length > MAX_PROOF_CHARS) throw invalid('malformed', MESSAGES.malformed);
    let parsed: ReturnType<typeof parseCompact>;
    try {
      parsed = parseCompact(proof.trim(), crypto, false);
    } catch (cause) {
      const alg = isAuthError(cause) && cause.code === 'ERR_AUTH_ALG_NOT_ALLOWED';
      throw alg ? invalid('alg', MESSAGES.alg) : invalid('malformed', MESSAGES.malformed);
    }
    const { header: h, payload } = parsed;
    if (typeof h.typ !== 'string' || h.typ.toLowerCase() !== 'dpop+jwt') throw invalid('typ', MESSAGES.typ);
    if (!settings.algorithms.has(h.alg)) throw invalid('alg', MESSAGES.alg);
    const alg = h.alg as AsymmetricAlgorithm;
    const jwk = h.jwk;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalid('jwk', MESSAGES.jwk);
    if (PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m))) throw invalid('jwk-private', MESSAGES.jwk);
    const publicJwk = usableJwk(jwk as Record<string, unknown>, alg);
    if (publicJwk === undefined) throw invalid('jwk', MESSAGES.jwk);

    // Claims before the signature: they cost nothing, and a proof for another request fails either way.
    if (typeof payload.htm !== 'string' || payload.htm !== req.method) throw invalid('htm', MESSAGES.htm);
    const htu = typeof payload.htu === 'string' ? normalizeHtu(payload.htu) : undefined;
    const expectedHtu = requestHtu(req, settings.publicUrl);
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

    const expected = SIGNATURE_BYTES[alg];
    if (expected !== undefined && parsed.signature.byteLength !== expected)
      throw invalid('signature', MESSAGES.signature);
    let entry: ReturnType<typeof keyOf>;
    let valid: boolean;
    try {
      entry = keyOf(publicJwk, alg);
      valid = await crypto.verify(alg, await entry.key, parsed.signingInput, parsed.signature);
    } catch (cause) {
      throw invalid('signature', MESSAGES.signature, cause);
    }
    if (!valid) throw invalid('signature', MESSAGES.signature);

    const tokenHash = crypto.sha256(new TextEncoder().encode(accessToken));
    if (crypto.encode(tokenHash instanceof Promise ? await tokenHash : tokenHash) !== ath)
      throw invalid('ath', MESSAGES.ath);

    if (settings.nonces !== undefined) {
      const nonce = payload.nonce;
      let ok = false;
      try {
        ok = typeof nonce === 'string' && nonce !== '' && (await settings.nonces.isValid(nonce)) === true;
      } catch (cause) {
        throw fromStore(cause);
      }
      if (!ok) throw new DpopNonceError(settings.nonces.current());
    }

    const jkt = await entry.jkt;
    // Scoped by key: another client's proof id cannot collide with this one's.
    const expiresAtMs = (iat + settings.proofMaxAgeSeconds + settings.clockToleranceSeconds) * 1000;
    let fresh: boolean;
    try {
      fresh = (await settings.replayStore.checkAndStore(`${jkt}.${jti}`, expiresAtMs)) === true;
    } catch (cause) {
      throw fromStore(cause);
    }
    if (!fresh) throw invalid('replay', MESSAGES.replay);
    return { jkt };
  };
}
