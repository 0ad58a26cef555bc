/**
 * What every client operation shares: where the authorization server is (discovery or static
 * endpoints), how the client authenticates, and how an endpoint response becomes either a result
 * or a typed TokenEndpointError (retryable for 5xx, 429, network failures and timeouts).
 */
import { ConfigurationError } from '../configuration-error.ts';
import * as oauth from 'oauth4webapi';
import { parseRetryAfter } from './backoff.ts';
import { type ClientAuthOptions, createClientAuth } from './client-auth.ts';
import { isAuthClientError } from './client-error-brand.ts';
import { type AuthorizationServerMetadata, type DiscoveryCache, discover, httpOptions } from './discovery.ts';
import { DiscoveryError, type OAuthEndpoint, TokenEndpointError } from './errors.ts';
import { InvalidClientError } from './credential-errors.ts';
import type { ClientClock, FetchLike } from './types.ts';

/**
 * Where the authorization server is (discovery from `issuer`, or fixed endpoints) and how to reach it.
 *
 * @example
 * const tokens = clientCredentials({ tokenEndpoint: 'https://idp.example/oauth/token', timeoutMs: 5_000, clientId: 'orders', clientSecret: 's3cret' });
 */
export interface EndpointOptions {
  /** The issuer: metadata is discovered from it (and ID tokens must carry it as `iss`). */
  issuer?: string;
  /** Token endpoint URL; with it no discovery happens for token requests. */
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  introspectionEndpoint?: string;
  /** Discovery document flavour (default 'oidc'). */
  discoveryAlgorithm?: 'oidc' | 'oauth2';
  /** Metadata cache (default: one shared, TTL 1 h). */
  discoveryCache?: DiscoveryCache;
  fetch?: FetchLike;
  /** Per request timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Allow http: endpoints: local development and tests only. */
  allowInsecureRequests?: boolean;
  clock?: ClientClock;
}

export type OAuthContextOptions = EndpointOptions & ClientAuthOptions;

export interface OAuthContext {
  readonly client: oauth.Client;
  server(need?: OAuthEndpoint): Promise<AuthorizationServerMetadata>;
  clientAuth(): Promise<oauth.ClientAuth>;
  http(): ReturnType<typeof httpOptions>;
  /** Sends a request, classifies HTTP failures, then lets oauth4webapi process the response. */
  call<T>(
    endpoint: OAuthEndpoint,
    send: (as: AuthorizationServerMetadata, auth: oauth.ClientAuth) => Promise<Response>,
    process: (as: AuthorizationServerMetadata, response: Response) => Promise<T>,
  ): Promise<T>;
}

const ENDPOINT_FIELD = {
  token: 'token_endpoint',
  revocation: 'revocation_endpoint',
  introspection: 'introspection_endpoint',
} as const;

export function createOAuthContext(options: OAuthContextOptions): OAuthContext {
  if (!options.issuer && !options.tokenEndpoint)
    throw new ConfigurationError('issuer or tokenEndpoint is required');
  for (const k of ['issuer', 'tokenEndpoint', 'revocationEndpoint', 'introspectionEndpoint'] as const) {
    const v = options[k];
    if (v !== undefined && !URL.canParse(v)) throw new ConfigurationError(`${k} must be an absolute URL`);
  }
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0))
    throw new ConfigurationError('timeoutMs must be > 0');
  const clientAuth = createClientAuth(options);
  const clock = options.clock ?? Date.now;
  const client: oauth.Client = { client_id: options.clientId };
  const transport = {
    fetch: options.fetch,
    allowInsecureRequests: options.allowInsecureRequests,
    timeoutMs: options.timeoutMs,
  };
  const staticEndpoints = {
    token_endpoint: options.tokenEndpoint,
    revocation_endpoint: options.revocationEndpoint,
    introspection_endpoint: options.introspectionEndpoint,
  };

  async function server(need: OAuthEndpoint = 'token'): Promise<AuthorizationServerMetadata> {
    const field = ENDPOINT_FIELD[need];
    if (staticEndpoints[field] || !options.issuer) {
      // Static configuration: the issuer (for ID token `iss` and private_key_jwt `aud`) defaults to the token endpoint.
      const as: AuthorizationServerMetadata = {
        issuer: options.issuer ?? (options.tokenEndpoint as string),
        ...Object.fromEntries(Object.entries(staticEndpoints).filter(([, v]) => v !== undefined)),
      };
      if (!as[field]) throw new DiscoveryError('The authorization server endpoint is not configured');
      return as;
    }
    const discovered = await discover(options.issuer, {
      ...transport,
      algorithm: options.discoveryAlgorithm,
      cache: options.discoveryCache,
    });
    const as = { ...discovered };
    for (const [k, v] of Object.entries(staticEndpoints))
      if (v !== undefined) (as as Record<string, unknown>)[k] = v;
    if (!as[field]) throw new DiscoveryError('The authorization server does not advertise the endpoint');
    return as;
  }

  async function call<T>(
    endpoint: OAuthEndpoint,
    send: (as: AuthorizationServerMetadata, auth: oauth.ClientAuth) => Promise<Response>,
    process: (as: AuthorizationServerMetadata, response: Response) => Promise<T>,
  ): Promise<T> {
    const as = await server(endpoint);
    const auth = await clientAuth();
    let response: Response;
    try {
      response = await send(as, auth);
    } catch (cause) {
      if (isAuthClientError(cause)) throw cause;
      const timedOut = (cause as { name?: string } | undefined)?.name === 'TimeoutError';
      throw new TokenEndpointError(
        timedOut
          ? 'The authorization server did not answer in time'
          : 'The authorization server could not be reached',
        { endpoint, retryable: true, timedOut, cause },
      );
    }
    if (response.status >= 500 || response.status === 429) {
      const body = await readOAuthErrorBody(response);
      throw new TokenEndpointError(`The authorization server answered with HTTP ${response.status}`, {
        endpoint,
        httpStatus: response.status,
        retryable: true,
        retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after'), clock()),
        oauthError: body?.error,
        errorDescription: body?.error_description,
      });
    }
    try {
      return await process(as, response);
    } catch (cause) {
      throw toEndpointError(endpoint, response, cause);
    }
  }

  return { client, server, clientAuth, http: () => httpOptions(transport), call };
}

async function readOAuthErrorBody(
  response: Response,
): Promise<{ error?: string; error_description?: string } | undefined> {
  try {
    const json: unknown = await response.json();
    if (typeof json !== 'object' || json === null) return undefined;
    const { error, error_description } = json as Record<string, unknown>;
    return {
      error: typeof error === 'string' ? error : undefined,
      error_description: typeof error_description === 'string' ? error_description : undefined,
    };
  } catch {
    return undefined;
  }
}

function toEndpointError(endpoint: OAuthEndpoint, response: Response, cause: unknown): TokenEndpointError {
  if (cause instanceof oauth.ResponseBodyError) {
    return new (cause.error === 'invalid_client' ? InvalidClientError : TokenEndpointError)(
      `The authorization server rejected the request (${safeCode(cause.error)})`,
      {
        endpoint,
        oauthError: cause.error,
        errorDescription: cause.error_description,
        httpStatus: cause.status,
        cause,
      },
    );
  }
  if (cause instanceof oauth.WWWAuthenticateChallengeError) {
    const params = cause.cause[0]?.parameters;
    const oauthError = params?.error ?? (response.status === 401 ? 'invalid_client' : undefined);
    return new (oauthError === 'invalid_client' ? InvalidClientError : TokenEndpointError)(
      `The authorization server rejected the request (${safeCode(oauthError)})`,
      {
        endpoint,
        oauthError,
        errorDescription: params?.error_description,
        httpStatus: cause.status,
        cause,
      },
    );
  }
  return new TokenEndpointError('The authorization server returned an invalid response', {
    endpoint,
    httpStatus: response.status,
    cause,
  });
}

/** OAuth error codes are a restricted charset (RFC 6749 §5.2); anything else is not echoed. */
function safeCode(code: string | undefined): string {
  return code && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(code) ? code : 'unknown_error';
}
