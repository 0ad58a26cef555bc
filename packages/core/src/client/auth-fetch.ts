/**
 * `authFetch()`: a fetch-compatible function that sends `Authorization: Bearer …` (and optionally an
 * API key) to allowed origins only, and recovers from one 401 caused by a token that went stale.
 * With a DPoP token source it sends `Authorization: DPoP …` plus a fresh proof per request (and per
 * redirect hop), remembers each origin's `DPoP-Nonce`, and retries once on `use_dpop_nonce`.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { isUseDpopNonce, isValidDpopNonce } from './dpop.ts';
import { OriginNotAllowedError, TokenEndpointError } from './errors.ts';
import { isHeaderSafe } from './header-value.ts';
import { normalizeOrigins } from './origins.ts';
import type { FetchLike, TokenSource } from './types.ts';

/**
 * Options of `authFetch`: where the token may go, and an optional API key.
 *
 * @example
 * authFetch(tokens, { allowedOrigins: ['https://api.example.com'], maxRedirects: 5 } satisfies AuthFetchOptions);
 */
export interface AuthFetchOptions {
  /** Underlying fetch (default: the global one at call time). */
  fetch?: FetchLike;
  /** Sent in `apiKeyHeader` with every request (for upstreams that want both). */
  apiKey?: string;
  apiKeyHeader?: string;
  /** Origins that may receive the token; anything else fails with OriginNotAllowedError. Required. */
  allowedOrigins: readonly string[];
  /** Redirects followed by hand, each target checked against `allowedOrigins` (default 20). */
  maxRedirects?: number;
}

/**
 * A fetch-compatible function that adds the token (see `authFetch`).
 *
 * @example
 * const api: AuthFetch = authFetch(tokens, { allowedOrigins: ['https://api.example.com'] });
 * const res = await api('https://api.example.com/items');
 */
export type AuthFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * A fetch that sends `Authorization: Bearer <token>` to allowed origins only and retries one 401 after a forced refresh.
 *
 * @example
 * const tokens = clientCredentials({ issuer: 'https://idp.example', clientId: 'orders', clientSecret: 's3cret' });
 * const api = authFetch(tokens, { allowedOrigins: ['https://inventory.example'] });
 * const res = await api('https://inventory.example/items');
 */
export function authFetch(tokenSource: TokenSource, options: AuthFetchOptions): AuthFetch {
  if (typeof tokenSource?.getToken !== 'function')
    throw new ConfigurationError('tokenSource must have a getToken() method');
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('allowedOrigins is required');
  const allowed = normalizeOrigins(options.allowedOrigins);
  const apiKeyHeader = options.apiKeyHeader ?? 'x-api-key';
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) {
    throw new ConfigurationError('apiKey must be a non-empty string');
  }
  if (options.apiKey !== undefined && !isHeaderSafe(options.apiKey)) {
    throw new ConfigurationError('apiKey must contain only visible ASCII characters (value not shown)');
  }
  if (typeof apiKeyHeader !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(apiKeyHeader)) {
    throw new ConfigurationError('apiKeyHeader must be a valid header name');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function')
    throw new ConfigurationError('fetch must be a function');
  const maxRedirects = options.maxRedirects ?? 20;

  const check = (url: string): void => {
    const origin = new URL(url).origin;
    if (!allowed.has(origin)) throw new OriginNotAllowedError(origin);
  };

  const dpop = tokenSource.dpop;
  /** Sends one hop; with DPoP, signs a proof for it and remembers the nonce the answer carries. */
  const sendHop = async (request: Request, token: string, headers: Headers): Promise<Response> => {
    const doFetch = options.fetch ?? globalThis.fetch;
    if (!dpop) {
      headers.set('authorization', `Bearer ${token}`);
      return doFetch(new Request(request, { headers }));
    }
    headers.set('authorization', `DPoP ${token}`);
    headers.set('dpop', await dpop.proof(request.method, request.url, token));
    const response = await doFetch(new Request(request, { headers }));
    const nonce = response.headers.get('dpop-nonce');
    if (nonce !== null) dpop.rememberNonce(request.url, nonce);
    return response;
  };

  /** One logical request with one token, following redirects only within the allow-list. */
  const send = async (original: Request, token: string): Promise<Response> => {
    const follow = original.redirect === 'follow';
    let request = original.clone();
    for (let hops = 0; ; hops++) {
      check(request.url);
      const headers = new Headers(request.headers);
      if (!isHeaderSafe(token)) {
        // Headers.set would throw a TypeError quoting the token.
        throw new TokenEndpointError('The token source returned a token that cannot be sent in a header');
      }
      headers.delete('dpop'); // only the proof signed here goes out
      if (options.apiKey !== undefined) headers.set(apiKeyHeader, options.apiKey);
      const response = await sendHop(
        new Request(request, { redirect: follow ? 'manual' : request.redirect }),
        token,
        headers,
      );
      const location = response.headers.get('location');
      if (!follow || !REDIRECT.has(response.status) || location === null) return response;
      if (hops >= maxRedirects) throw new TypeError('Too many redirects');
      await response.body?.cancel();
      const target = new URL(location, request.url).href;
      check(target); // never carry the token (or the API key) to another origin
      const toGet =
        response.status === 303
          ? request.method !== 'HEAD'
          : (response.status === 301 || response.status === 302) && request.method === 'POST';
      const source = original.clone();
      request = toGet
        ? new Request(target, { method: 'GET', headers: source.headers, redirect: 'manual' })
        : new Request(target, source);
    }
  };

  return async function authorizedFetch(input, init) {
    const request = new Request(input, init);
    check(request.url);
    const before = tokenSource.peek?.();
    const token = await tokenSource.getToken();
    let response = await send(request, token);
    if (response.status !== 401) return response;
    // DPoP: the server asked for its nonce (now remembered): one more try with the same token.
    if (dpop && isUseDpopNonce(response.headers.get('www-authenticate'))) {
      if (!isValidDpopNonce(response.headers.get('dpop-nonce'))) return response;
      await response.body?.cancel();
      response = await send(request, token);
      if (response.status !== 401) return response;
    }
    // Retry once, only when the rejected token was cached before this call (not fetched by it)
    // and is still the cached one: then force a refresh and try again with the new token.
    if (tokenSource.peek && before !== token) return response;
    const cached = tokenSource.peek ? tokenSource.peek() : await tokenSource.getToken();
    if (cached !== token) return response;
    const fresh = await tokenSource.getToken({ forceRefresh: true });
    if (fresh === token) return response;
    await response.body?.cancel();
    return send(request, fresh);
  };
}
