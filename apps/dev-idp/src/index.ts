/// <reference path="./oidc-provider.d.ts" />
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Provider } from 'oidc-provider';
import { type DemoUser, demoUsers } from './accounts.ts';
import { createDemoClients, type DemoClient } from './clients.ts';
import { handleInteraction } from './interactions.ts';
import { generateSigningJwk, type SigningJwk } from './keys.ts';
import { importJWK, SignJWT, type JWTPayload } from 'jose';
import { loadOidcProvider } from './load-provider.ts';
import { createMemoryAdapter } from './memory-adapter.ts';
import { API_AUDIENCE, buildProviderConfig } from './provider-config.ts';
import { codeFlow, type TokenSet, tokenRequest } from './token-requests.ts';

export type { DemoUser } from './accounts.ts';
export type { DemoClient, Organization, TokenEndpointAuthMethod } from './clients.ts';
export { demoPorts, demoRedirectUris } from './clients.ts';
export { TokenRequestError, type TokenSet } from './token-requests.ts';
export { API_AUDIENCE };

export interface DevIdpOptions {
  /** listen port; 0 (default) picks a free one */
  port?: number;
  /** listen address; default 127.0.0.1 */
  host?: string;
  /** where the web clients' back-channel logout tokens go; default http://127.0.0.1:8080/backchannel-logout */
  backchannelLogoutUri?: string;
  /**
   * More redirect URIs for the `demo-web` client (besides `/callback` on ports 3001–3005), e.g. a demo
   * app on a free port in a test; each origin + `/` becomes a post-logout redirect URI too.
   */
  demoRedirectUris?: string[];
  /** DPoP proofs must carry the server's nonce (`DPoP-Nonce`; `use_dpop_nonce` otherwise); default false */
  dpopNonces?: boolean;
}

export interface GetTokenOptions {
  /** scopes to request (space-separated or a list); default: every scope the client may have */
  scope?: string | string[];
  /** RFC 8707 resource: a loopback http(s) URL is the token's audience; default `api://demo` */
  resource?: string;
  /** an ES256 (P-256) key pair: the request carries a DPoP proof and the token is bound to the key */
  dpop?: CryptoKeyPair;
}

export interface LoginOptions {
  /** scopes to request; default `openid offline_access profile email read:items write:items projects:read` */
  scope?: string | string[];
  /** the code-flow client; default `web` */
  clientName?: string;
  /** RFC 8707 resource; default `api://demo` */
  resource?: string;
  /** an ES256 (P-256) key pair: the code is redeemed with a DPoP proof (DPoP-bound tokens) */
  dpop?: CryptoKeyPair;
}

export interface RotateKeysOptions {
  /** keep the previous key in the JWKS (verification only) so tokens already issued stay valid; default true */
  keepPrevious?: boolean;
}

export interface DevIdp {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUrl: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly introspectionEndpoint: string;
  readonly revocationEndpoint: string;
  /** RP-initiated logout (`/session/end`) */
  readonly endSessionEndpoint: string;
  readonly audience: typeof API_AUDIENCE;
  readonly clients: Readonly<Record<string, DemoClient>>;
  readonly users: Readonly<Record<string, DemoUser>>;
  /** the `kid` new tokens are signed with */
  readonly signingKid: string;
  /** the kids currently published in the JWKS (signing key first) */
  readonly publishedKids: string[];
  /** an access token for a demo client by its grant (client_credentials), authenticating the client's way */
  getToken(clientName: string, options?: GetTokenOptions): Promise<string>;
  /** like getToken, with the whole token response */
  getTokenResponse(clientName: string, options?: GetTokenOptions): Promise<TokenSet>;
  /** authorization code + PKCE as a demo user, without a browser */
  loginAs(
    userId: string,
    options?: LoginOptions,
  ): Promise<TokenSet & { refresh_token: string; id_token: string }>;
  /** redeems a refresh token (rotation is on: the response carries a new refresh token) */
  refresh(refreshToken: string, clientName?: string): Promise<TokenSet>;
  /** a new RS256 signing key; the previous one stops signing (see RotateKeysOptions) */
  rotateKeys(options?: RotateKeysOptions): Promise<{ kid: string; previousKid: string }>;
  /**
   * Signs any claims with the current signing key (header `kid`, `alg: RS256`, `typ` when given).
   * For hostile tests only: ID tokens for another client, logout tokens with a `nonce`, …
   */
  signJwt(payload: JWTPayload, options?: { typ?: string }): Promise<string>;
  stop(): Promise<void>;
}

const toScope = (s: string | string[]) => (Array.isArray(s) ? s.join(' ') : s);

/** Starts the development OpenID provider on 127.0.0.1 (a free port unless `port` is given). */
export async function startDevIdp({
  port = 0,
  host = '127.0.0.1',
  backchannelLogoutUri,
  demoRedirectUris = [],
  dpopNonces = false,
}: DevIdpOptions = {}): Promise<DevIdp> {
  for (const uri of demoRedirectUris) {
    if (!URL.canParse(uri)) throw new TypeError(`dev-idp: demoRedirectUris holds a non-URL: ${uri}`);
  }
  const { Provider: ProviderClass, interactionPolicy } = await loadOidcProvider();
  const clients = await createDemoClients(backchannelLogoutUri, demoRedirectUris);
  const users = demoUsers;
  const adapter = createMemoryAdapter();
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const dpopNonceSecret = dpopNonces ? randomBytes(32) : undefined;
  let keys: SigningJwk[] = [await generateSigningJwk('RS256')];

  let provider: Provider | undefined;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    const current = provider;
    const callback = handler;
    if (!current || !callback) {
      res.writeHead(503).end();
      return;
    }
    handleInteraction(current, users, req, res).then(
      (handled) => {
        if (!handled) callback(req, res);
      },
      () => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const issuer = `http://${hostPart}:${address.port}`;

  // The Provider's keystore is fixed at construction: a rotation builds a new one on the same
  // store, cookie keys and clients, so sessions, grants and refresh tokens survive it.
  const build = () => {
    const next = new ProviderClass(
      issuer,
      buildProviderConfig({ keys, clients, users, adapter, cookieKeys, dpopNonceSecret, interactionPolicy }),
    );
    next.on('server_error', (_ctx, err) => console.error('dev-idp server_error:', err));
    next.on('backchannel.error', (_ctx, err) => console.error('dev-idp back-channel logout failed:', err));
    provider = next;
    handler = next.callback();
  };
  build();

  const clientNamed = (name: string): DemoClient => {
    const client = clients[name];
    if (!client)
      throw new TypeError(`dev-idp: unknown client "${name}" (known: ${Object.keys(clients).join(', ')})`);
    return client;
  };

  const tokenEndpoint = `${issuer}/token`;

  const getTokenResponse = async (clientName: string, options: GetTokenOptions = {}) => {
    const client = clientNamed(clientName);
    if (!client.grantTypes.includes('client_credentials')) {
      throw new TypeError(`dev-idp: client "${clientName}" does not use client_credentials (use loginAs)`);
    }
    const scope = toScope(options.scope ?? client.scopes);
    return tokenRequest(
      tokenEndpoint,
      client,
      {
        grant_type: 'client_credentials',
        ...(scope ? { scope } : {}),
        ...(options.resource ? { resource: options.resource } : {}),
      },
      { dpop: options.dpop },
    );
  };

  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    authorizationEndpoint: `${issuer}/auth`,
    tokenEndpoint,
    introspectionEndpoint: `${issuer}/token/introspection`,
    revocationEndpoint: `${issuer}/token/revocation`,
    endSessionEndpoint: `${issuer}/session/end`,
    audience: API_AUDIENCE,
    clients,
    users,
    get signingKid() {
      return keys[0]?.kid ?? '';
    },
    get publishedKids() {
      return keys.map((k) => k.kid);
    },
    getTokenResponse,
    async getToken(clientName, options) {
      return (await getTokenResponse(clientName, options)).access_token;
    },
    async loginAs(userId, options = {}) {
      if (!users[userId])
        throw new TypeError(`dev-idp: unknown user "${userId}" (known: ${Object.keys(users).join(', ')})`);
      const client = clientNamed(options.clientName ?? 'web');
      const set = await codeFlow({
        authorizationEndpoint: `${issuer}/auth`,
        tokenEndpoint,
        client,
        userId,
        scope: toScope(options.scope ?? client.scopes),
        resource: options.resource ?? API_AUDIENCE,
        dpop: options.dpop,
      });
      if (!set.refresh_token || !set.id_token)
        throw new Error('dev-idp: code flow returned no refresh or id token');
      return set as TokenSet & { refresh_token: string; id_token: string };
    },
    async refresh(refreshToken, clientName = 'web') {
      return tokenRequest(tokenEndpoint, clientNamed(clientName), {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
    },
    async rotateKeys({ keepPrevious = true } = {}) {
      const previous = keys[0] as SigningJwk;
      const fresh = await generateSigningJwk('RS256');
      keys = keepPrevious ? [fresh, previous] : [fresh];
      build();
      return { kid: fresh.kid, previousKid: previous.kid };
    },
    async signJwt(payload, { typ } = {}) {
      const key = keys[0] as SigningJwk;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, kid: key.kid, ...(typ ? { typ } : {}) })
        .sign(await importJWK(key, key.alg));
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
