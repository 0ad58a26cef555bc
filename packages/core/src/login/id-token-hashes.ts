/**
 * `at_hash` / `c_hash` (OIDC Core 3.1.3.6 / 3.3.2.11): oauth4webapi checks them only in the hybrid
 * flow; in the code flow they are optional, so they are checked here when the ID token carries them.
 * The left half of the hash of the ASCII value, base64url, with the hash of the ID token's `alg`.
 */

const HASH: Record<string, string> = {
  RS256: 'SHA-256',
  PS256: 'SHA-256',
  ES256: 'SHA-256',
  HS256: 'SHA-256',
  RS384: 'SHA-384',
  PS384: 'SHA-384',
  ES384: 'SHA-384',
  HS384: 'SHA-384',
  RS512: 'SHA-512',
  PS512: 'SHA-512',
  ES512: 'SHA-512',
  HS512: 'SHA-512',
  EdDSA: 'SHA-512',
  Ed25519: 'SHA-512',
};

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The JOSE header `alg` of a compact JWS, or undefined. */
export function jwsAlg(jws: string): string | undefined {
  const head = jws.split('.', 1)[0] ?? '';
  try {
    const json = JSON.parse(atob(head.replace(/-/g, '+').replace(/_/g, '/'))) as { alg?: unknown };
    return typeof json.alg === 'string' ? json.alg : undefined;
  } catch {
    return undefined;
  }
}

/** True when `expected` is the OIDC left-half hash of `value` for `alg`; false for an unknown alg. */
export async function oidcHashMatches(
  value: string,
  expected: unknown,
  alg: string | undefined,
): Promise<boolean> {
  const hash = alg !== undefined && Object.hasOwn(HASH, alg) ? HASH[alg] : undefined;
  if (hash === undefined || typeof expected !== 'string') return false;
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return base64url(digest.subarray(0, digest.length / 2)) === expected;
}
