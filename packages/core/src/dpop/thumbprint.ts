/**
 * RFC 7638 JWK thumbprints: SHA-256 over the key's required members, in lexicographic order, as JSON
 * without whitespace. What a DPoP-bound token's `cnf.jkt` names (RFC 9449 §6.1).
 */
import type { CryptoBackend, PublicJwk } from '../verify/crypto/types.ts';

/** The RFC 7638 §3.2 input for a public key (required members only, sorted). */
export function thumbprintInput(jwk: PublicJwk): string {
  // JSON.stringify escapes as RFC 7638 §3.3 asks; members are listed in lexicographic order.
  if (jwk.kty === 'EC') return JSON.stringify({ crv: jwk.crv, kty: 'EC', x: jwk.x, y: jwk.y });
  if (jwk.kty === 'RSA') return JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n });
  return JSON.stringify({ crv: jwk.crv, kty: 'OKP', x: jwk.x });
}

/**
 * The base64url SHA-256 thumbprint of a public JWK (a promise on the WebCrypto backend).
 *
 * @example
 * const jkt = await jwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }, crypto); // compare with cnf.jkt
 */
export function jwkThumbprint(jwk: PublicJwk, crypto: CryptoBackend): string | Promise<string> {
  return crypto.sha256Base64url(thumbprintInput(jwk));
}
