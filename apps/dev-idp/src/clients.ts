import type { JWK } from 'jose';
import { generateSigningJwk, toPublicJwk } from './keys.ts';

/** One entry of the `organizations` claim. */
export interface Organization {
  id: string;
  scopes: string[];
}

export type TokenEndpointAuthMethod =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'private_key_jwt'
  | 'none';

/** A demo client as exposed by `startDevIdp().clients` (dev secrets, not secret by design). */
export interface DemoClient {
  clientId: string;
  /** absent for the private_key_jwt client */
  clientSecret?: string;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: string[];
  /** the scopes `getToken()` requests by default (all the client may have) */
  scopes: string[];
  groups: string[];
  organizations: Organization[];
  redirectUris?: string[];
  /** private_key_jwt only: the client's private key, to sign client assertions */
  privateJwk?: JWK & { kid: string; alg: string };
  /** RP-initiated logout: where the IdP may send the browser after logout */
  postLogoutRedirectUris?: string[];
  /** Back-channel logout: where the IdP POSTs a logout token when the user logs out there */
  backchannelLogoutUri?: string;
  /** Token requests must carry a DPoP proof (`dpop_bound_access_tokens`): every token is DPoP-bound */
  dpopBoundAccessTokens?: boolean;
}

/** The resource server's scopes (what an API access token can carry). */
export const apiScopes = ['read:items', 'write:items', 'projects:read'] as const;
export const webRedirectUri = 'http://127.0.0.1:8080/callback';
export const webPostLogoutRedirectUri = 'http://127.0.0.1:8080/';
export const webBackchannelLogoutUri = 'http://127.0.0.1:8080/backchannel-logout';
/** The demo apps' default ports (express, fastify, nest on Express, hono, nest on Fastify). */
export const demoPorts = [3001, 3002, 3003, 3004, 3005] as const;
/** The `demo-web` client's redirect URIs: `/callback` of every demo app's default port. */
export const demoRedirectUris = demoPorts.flatMap((port) => [
  `http://127.0.0.1:${port}/callback`,
  `http://localhost:${port}/callback`,
]);

/** `http://host:port/` for each redirect URI: where the IdP may send the browser after logout. */
const postLogoutFor = (redirectUris: readonly string[]) => [
  ...new Set(redirectUris.map((uri) => `${new URL(uri).origin}/`)),
];

const m2m = (clientId: string, scopes: string[], extra: Partial<DemoClient> = {}): DemoClient => ({
  clientId,
  clientSecret: `${clientId}-secret`,
  tokenEndpointAuthMethod: 'client_secret_basic',
  grantTypes: ['client_credentials'],
  scopes,
  groups: [],
  organizations: [],
  ...extra,
});

/** Builds the demo client set; the private_key_jwt client gets a fresh key pair each start. */
export async function createDemoClients(
  backchannelLogoutUri = webBackchannelLogoutUri,
  extraDemoRedirectUris: readonly string[] = [],
): Promise<Record<string, DemoClient>> {
  const privateJwk = await generateSigningJwk('ES256');
  const webJwk = await generateSigningJwk('ES256');
  // Code-flow clients (web login), one per client authentication method.
  const web = (clientId: string, extra: Partial<DemoClient> = {}): DemoClient => ({
    clientId,
    clientSecret: `${clientId}-secret`,
    tokenEndpointAuthMethod: 'client_secret_basic',
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'offline_access', 'profile', 'email', ...apiScopes],
    groups: [],
    organizations: [],
    redirectUris: [webRedirectUri],
    postLogoutRedirectUris: [webPostLogoutRedirectUri],
    backchannelLogoutUri,
    ...extra,
  });
  const { clientSecret: _p, ...publicClient } = web('web-public', { tokenEndpointAuthMethod: 'none' });
  const { clientSecret: _j, ...jwtClient } = web('web-jwt', {
    tokenEndpointAuthMethod: 'private_key_jwt',
    privateJwk: webJwk,
  });
  const { clientSecret: _none, ...keyClient } = m2m('private-key-jwt', ['read:items'], {
    tokenEndpointAuthMethod: 'private_key_jwt',
    privateJwk,
  });
  return {
    reader: m2m('reader', ['read:items']),
    writer: m2m('writer', ['read:items', 'write:items']),
    admin: m2m('admin', ['read:items'], { groups: ['admin'] }),
    'org-member': m2m('org-member', [], { organizations: [{ id: 'org_1', scopes: ['projects:read'] }] }),
    noscope: m2m('noscope', []),
    'secret-post': m2m('secret-post', ['read:items'], { tokenEndpointAuthMethod: 'client_secret_post' }),
    'private-key-jwt': keyClient,
    // DPoP (RFC 9449): token requests without a proof are refused; its tokens carry cnf.jkt.
    dpop: m2m('dpop', ['read:items', 'write:items'], { dpopBoundAccessTokens: true }),
    web: web('web'),
    'web-post': web('web-post', { tokenEndpointAuthMethod: 'client_secret_post' }),
    'web-public': publicClient,
    'web-jwt': jwtClient,
    // The demo apps' web login (`/login`, `/callback`, `/profile` on ports 3001–3005, plus any given).
    'demo-web': (() => {
      const redirectUris = [...demoRedirectUris, ...extraDemoRedirectUris];
      const { backchannelLogoutUri: _none, ...client } = web('demo-web', {
        redirectUris,
        postLogoutRedirectUris: postLogoutFor(redirectUris),
      });
      return client;
    })(),
  };
}

/** oidc-provider client metadata for a demo client. */
export function toClientMetadata(client: DemoClient): Record<string, unknown> {
  const web = client.grantTypes.includes('authorization_code');
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: web ? ['code'] : [],
    redirect_uris: client.redirectUris ?? [],
    ...(client.postLogoutRedirectUris ? { post_logout_redirect_uris: client.postLogoutRedirectUris } : {}),
    // session_required: ID tokens carry `sid`, which logout tokens name.
    ...(client.backchannelLogoutUri
      ? { backchannel_logout_uri: client.backchannelLogoutUri, backchannel_logout_session_required: true }
      : {}),
    // `openid` alone stands for "no API scope": client metadata cannot hold an empty allow-list.
    scope: client.scopes.length > 0 ? client.scopes.join(' ') : 'openid',
    ...(client.dpopBoundAccessTokens ? { dpop_bound_access_tokens: true } : {}),
    ...(client.privateJwk
      ? {
          jwks: { keys: [toPublicJwk(client.privateJwk)] },
          token_endpoint_auth_signing_alg: client.privateJwk.alg,
        }
      : {}),
  };
}
