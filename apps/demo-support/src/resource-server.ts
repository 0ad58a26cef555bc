import type { AuthenticatorOptions, EnvLike } from '@auth/core';

/** The scopes the demo API knows (RFC 9728 `scopes_supported`). */
export const DEMO_SCOPES: readonly string[] = Object.freeze(['read:items', 'write:items', 'projects:read']);

/**
 * The demo apps' resource-server options besides the issuer: RFC 9728 metadata for the app's public
 * URL (`PUBLIC_URL`, default `http://127.0.0.1:<port>`), served at
 * `/.well-known/oauth-protected-resource` and named in every 401 challenge (`resource_metadata`),
 * and DPoP accepted (ES256, EdDSA proofs) so `GET /payments` can be called with a DPoP-bound token.
 * The document's `authorization_servers` are the verifier's issuers: the two cannot disagree.
 */
export function resourceServerFromEnv(
  env: EnvLike,
  { port }: { port: number },
): Pick<AuthenticatorOptions, 'resourceMetadata' | 'dpop'> {
  const resource = (env.PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
  return {
    resourceMetadata: { resource, scopesSupported: DEMO_SCOPES, resourceName: 'auth demo API' },
    dpop: { mode: 'allowed', algorithms: ['ES256', 'EdDSA'] },
  };
}
