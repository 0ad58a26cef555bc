/** OIDC discovery: `<issuer>/.well-known/openid-configuration` → `jwks_uri`, with the issuer pinned. */
import { FetchFailure, fetchJson } from './fetch-json.ts';
import type { FetchLike } from './types.ts';

export function discoveryUrl(issuer: string): string {
  return `${issuer.endsWith('/') ? issuer.slice(0, -1) : issuer}/.well-known/openid-configuration`;
}

export async function discoverJwksUri(
  fetchFn: FetchLike,
  issuer: string,
  limits: { timeout: number; maxBytes: number },
): Promise<string> {
  const { value } = await fetchJson(fetchFn, discoveryUrl(issuer), limits);
  if (typeof value !== 'object' || value === null)
    throw new FetchFailure('discovery document is not an object');
  const doc = value as { issuer?: unknown; jwks_uri?: unknown };
  // OIDC Discovery §4.3: the document's issuer must be exactly the configured one (mix-up defence).
  if (doc.issuer !== issuer) throw new FetchFailure('discovery issuer mismatch');
  if (typeof doc.jwks_uri !== 'string' || !/^https?:\/\//i.test(doc.jwks_uri)) {
    throw new FetchFailure('discovery document has no usable jwks_uri');
  }
  return doc.jwks_uri;
}
