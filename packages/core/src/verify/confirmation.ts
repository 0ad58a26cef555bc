/**
 * Sender-constrained tokens: a token with a `cnf` claim (RFC 7800) is bound to a key, a DPoP key
 * (`jkt`, RFC 9449) or a TLS client certificate (`x5t#S256`, RFC 8705). Presented as a plain Bearer
 * token, without proof of possession of that key, it must be rejected (RFC 9449 §7.1, RFC 8705 §3):
 * whoever replays a stolen bound token would otherwise pass.
 *
 * Today no request proves possession, so every bound token is rejected. A later DPoP (or mTLS) check
 * verifies the proof itself and passes its outcome in through the internal `POSSESSION` override.
 */
import { InvalidTokenError } from '../errors.ts';

/** What a request proved about the key that holds the token (filled by a proof-of-possession check). */
export interface ProofOfPossession {
  /** base64url SHA-256 JWK thumbprint (RFC 7638) of the DPoP proof's key, compared with `cnf.jkt`. */
  jkt?: string;
  /** base64url SHA-256 thumbprint of the TLS client certificate, compared with `cnf["x5t#S256"]`. */
  x5tS256?: string;
}

/**
 * Internal per-call option (a symbol key of `VerifyOverrides`, so not part of the public surface):
 * the proof of possession a DPoP or mTLS check established for this request.
 *
 * @example
 * verifier.verify(token, { [POSSESSION]: { jkt: thumbprintOfProofKey } } as VerifyOverrides);
 */
export const POSSESSION = Symbol('@auth/core.verify.possession');

const PROVEN = new Map<string, keyof ProofOfPossession>([
  ['jkt', 'jkt'],
  ['x5t#S256', 'x5tS256'],
]);

/**
 * Throws unless the token is unbound, or every confirmation method it names was proven. Unknown
 * methods (`jwk`, `kid`, …) cannot be proven here, so they fail closed.
 */
export function checkConfirmation(
  payload: Record<string, unknown>,
  proof: ProofOfPossession | undefined,
): void {
  const cnf = payload.cnf;
  if (cnf === undefined) {
    // A DPoP proof with an unbound token: the proof binds nothing (RFC 9449 §7.1 expects `cnf.jkt`).
    if (proof?.jkt !== undefined) throw bound([]);
    return;
  }
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) {
    throw new InvalidTokenError('ERR_AUTH_INVALID_CLAIM', 'The cnf claim must be an object', {
      detail: { claim: 'cnf' },
    });
  }
  const methods = Object.keys(cnf);
  const proven =
    proof !== undefined &&
    methods.length > 0 &&
    methods.every((m) => {
      const field = PROVEN.get(m);
      const expected = (cnf as Record<string, unknown>)[m];
      return field !== undefined && typeof expected === 'string' && proof[field] === expected;
    });
  if (!proven) throw bound(methods);
}

/**
 * The issuer's DPoP mode against the scheme the request used (`dpop`: a DPoP proof was verified).
 * Null: no per-issuer rule (a verifier used without a DPoP-enabled authenticator).
 */
export function checkScheme(mode: 'off' | 'allowed' | 'required' | null, dpop: boolean): void {
  if (mode === 'required' && !dpop) {
    throw new InvalidTokenError(
      'ERR_AUTH_DPOP_REQUIRED',
      'This access token must be sent with a DPoP proof',
      {
        scheme: 'DPoP',
      },
    );
  }
  if (mode === 'off' && dpop) {
    throw new InvalidTokenError('ERR_AUTH_DPOP_NOT_ACCEPTED', 'DPoP is not accepted for this access token', {
      scheme: 'Bearer',
    });
  }
}

function bound(methods: readonly string[]): InvalidTokenError {
  return new InvalidTokenError(
    'ERR_AUTH_TOKEN_BOUND',
    'The token is bound to a key the request did not prove possession of',
    { detail: { claim: 'cnf', confirmation: methods.slice(0, 8) } },
  );
}
