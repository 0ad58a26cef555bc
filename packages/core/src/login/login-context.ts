/**
 * What every step of the web login shares: the discovered server metadata, the oauth4webapi client,
 * client authentication, transport options. Options are checked here, at setup (TypeError).
 */
import { ConfigurationError } from '../configuration-error.ts';
import type * as oauth from 'oauth4webapi';
import type { ClientAuthOptions } from '../client/client-auth.ts';
import type { DiscoveryCache } from '../client/discovery.ts';
import { createOAuthContext, type OAuthContext } from '../client/oauth-context.ts';
import type { ClientClock, FetchLike, RetryOptions } from '../client/types.ts';
import { renamedTo } from '../options/renamed-options.ts';

/**
 * @example
 * const options: WebLoginOptions = { issuer: 'https://id.example.com', clientId: 'web', redirectUri: 'https://app.example.com/callback', refreshBufferSeconds: 120 };
 */
export interface WebLoginOptions extends ClientAuthOptions {
  /** The OpenID provider: its metadata is discovered from `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** This application's callback URL, registered with the provider. */
  redirectUri: string;
  /** Default scope of `createAuthorizationUrl` (default `openid profile email`; `openid` is always added). */
  scope?: string | readonly string[];
  /** Use pushed authorization requests (RFC 9126) when the server offers them (default false; always used when it requires them). */
  pushedAuthorizationRequests?: boolean;
  /** Origins the session's bound `fetch` may send the user's access token to. */
  allowedOrigins?: readonly string[];
  /** Refresh this many seconds before the access token expires (default 60; see the client's token manager). */
  refreshBufferSeconds?: number;
  /** Up to this many extra seconds earlier, at random (default 30). */
  refreshJitterSeconds?: number;
  /** Retries of a failed refresh (default: the token manager's). */
  retry?: RetryOptions;
  fetch?: FetchLike;
  /** Per request timeout in ms (default 10 000). */
  timeoutMs?: number;
  discoveryCache?: DiscoveryCache;
  /** Allow an http: issuer: local development and tests only. */
  allowInsecureRequests?: boolean;
  clock?: ClientClock;
}

export interface LoginContext {
  readonly options: WebLoginOptions;
  readonly oauth: OAuthContext;
  readonly client: oauth.Client;
  readonly redirectUri: string;
  readonly defaultScope: string;
  /** Cache of the provider's JWKS for ID token signatures (oauth4webapi's jwksCache). */
  readonly jwksCache: oauth.JWKSCacheInput;
  server(): Promise<oauth.AuthorizationServer>;
}

const KNOWN = new Set([
  'issuer',
  'redirectUri',
  'scope',
  'pushedAuthorizationRequests',
  'allowedOrigins',
  'refreshBufferSeconds',
  'refreshJitterSeconds',
  'retry',
  'fetch',
  'timeoutMs',
  'discoveryCache',
  'allowInsecureRequests',
  'clock',
  'clientId',
  'clientAuth',
  'clientSecret',
  'privateKey',
  'privateKeyAlg',
  'keyId',
]);

export function scopeString(scope: string | readonly string[] | undefined, fallback: string): string {
  const list = (typeof scope === 'string' ? scope.split(' ') : (scope ?? fallback.split(' '))).filter(
    (s) => s !== '',
  );
  if (!list.includes('openid')) list.unshift('openid');
  return [...new Set(list)].join(' ');
}

export function createLoginContext(options: WebLoginOptions): LoginContext {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  for (const key of Object.keys(options)) {
    if (KNOWN.has(key)) continue;
    const renamed = renamedTo(key, [...KNOWN]);
    throw new ConfigurationError(
      `Unknown web login option "${key}"${renamed ? ` (did you mean "${renamed}"?)` : ''}`,
    );
  }
  if (typeof options.issuer !== 'string' || !URL.canParse(options.issuer))
    throw new ConfigurationError('issuer must be an absolute URL');
  if (typeof options.redirectUri !== 'string' || !URL.canParse(options.redirectUri))
    throw new ConfigurationError('redirectUri must be an absolute URL');
  if (options.scope !== undefined && typeof options.scope !== 'string' && !Array.isArray(options.scope))
    throw new ConfigurationError('scope must be a string or an array of strings');
  const ctx = createOAuthContext({ ...options, tokenEndpoint: undefined });
  const client: oauth.Client = { client_id: options.clientId };
  return {
    options,
    oauth: ctx,
    client,
    redirectUri: options.redirectUri,
    defaultScope: scopeString(options.scope, 'openid profile email'),
    jwksCache: {},
    server: () => ctx.server('token'),
  };
}
