/**
 * OIDC / OAuth 2.0 authorization server metadata through oauth4webapi, cached with a TTL.
 * One in-flight request per issuer; a failed refresh keeps serving the previous metadata
 * (stale-if-error) so a flapping discovery endpoint does not take token refreshes down with it.
 */
import { ConfigurationError } from '../configuration-error.ts';
import * as oauth from 'oauth4webapi';
import { DiscoveryError } from './errors.ts';
import type { ClientClock, FetchLike } from './types.ts';
import { refuseRenamedOptions } from '../options/renamed-options.ts';

/**
 * An authorization server's discovery document (RFC 8414 / OpenID Connect Discovery).
 *
 * @example
 * const metadata: AuthorizationServerMetadata = await discover('https://idp.example');
 * console.log(metadata.token_endpoint);
 */
export type AuthorizationServerMetadata = oauth.AuthorizationServer;

/**
 * Options of `discover`: which document, how to fetch it.
 *
 * @example
 * const metadata = await discover('https://idp.example', { algorithm: 'oauth2', timeoutMs: 3_000 } satisfies DiscoverOptions);
 */
export interface DiscoverOptions {
  fetch?: FetchLike;
  /** 'oidc' reads /.well-known/openid-configuration (default), 'oauth2' the RFC 8414 document. */
  algorithm?: 'oidc' | 'oauth2';
  /** Allow http: URLs (local development and tests only). */
  allowInsecureRequests?: boolean;
  /** Per request timeout in ms (default 10 000). */
  timeoutMs?: number;
}

/**
 * Options of `new DiscoveryCache()`.
 *
 * @example
 * const cache = new DiscoveryCache({ ttlSeconds: 600 } satisfies DiscoveryCacheOptions);
 */
export interface DiscoveryCacheOptions {
  /** Seconds to keep metadata (default 3600). */
  ttlSeconds?: number;
  clock?: ClientClock;
}

interface Entry {
  metadata: AuthorizationServerMetadata;
  expiresAtMs: number;
}

/**
 * A cache of discovery documents per issuer, with one fetch in flight per issuer.
 *
 * @example
 * const cache = new DiscoveryCache({ ttlSeconds: 600 });
 * const metadata = await cache.get('https://idp.example');
 */
export class DiscoveryCache {
  readonly #ttlMs: number;
  readonly #clock: ClientClock;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<AuthorizationServerMetadata>>();
  /** Discovery documents fetched (for tests and observability). */
  requests = 0;

  constructor(options: DiscoveryCacheOptions = {}) {
    refuseRenamedOptions(options, { ttl: 'ttlSeconds' }, 'new DiscoveryCache()');
    const ttl = options.ttlSeconds ?? 3600;
    if (!Number.isFinite(ttl) || ttl < 0)
      throw new ConfigurationError('ttlSeconds must be a number of seconds >= 0');
    this.#ttlMs = ttl * 1000;
    this.#clock = options.clock ?? Date.now;
  }

  async get(issuer: string, options: DiscoverOptions = {}): Promise<AuthorizationServerMetadata> {
    const key = `${options.algorithm ?? 'oidc'} ${issuer}`;
    const entry = this.#entries.get(key);
    if (entry && this.#clock() < entry.expiresAtMs) return entry.metadata;
    let pending = this.#inflight.get(key);
    if (!pending) {
      pending = this.#load(issuer, options)
        .then((metadata) => {
          this.#entries.set(key, { metadata, expiresAtMs: this.#clock() + this.#ttlMs });
          return metadata;
        })
        .catch((error: unknown) => {
          if (entry) return entry.metadata; // stale-if-error
          throw error;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return pending;
  }

  /** Forget one issuer (or everything). */
  invalidate(issuer?: string): void {
    if (issuer === undefined) this.#entries.clear();
    else for (const k of [...this.#entries.keys()]) if (k.endsWith(` ${issuer}`)) this.#entries.delete(k);
  }

  async #load(issuer: string, options: DiscoverOptions): Promise<AuthorizationServerMetadata> {
    let url: URL;
    try {
      url = new URL(issuer);
    } catch (cause) {
      throw new DiscoveryError('The issuer is not a valid URL', { cause });
    }
    // oauth4webapi's own refusal ("only requests to HTTPS are allowed") does not say how to opt in.
    if (url.protocol === 'http:' && options.allowInsecureRequests !== true) {
      throw new DiscoveryError(
        'Discovery of an http:// issuer is refused: use https://, or allowInsecureRequests: true for local development only',
      );
    }
    this.requests++;
    try {
      const response = await oauth.discoveryRequest(url, {
        algorithm: options.algorithm ?? 'oidc',
        ...httpOptions(options),
      });
      return await oauth.processDiscoveryResponse(url, response);
    } catch (cause) {
      throw new DiscoveryError('Authorization server metadata discovery failed', { cause });
    }
  }
}

/**
 * The process-wide cache used when a source is not given its own.
 *
 * @example
 * const metadata = await defaultDiscoveryCache.get('https://idp.example');
 */
export const defaultDiscoveryCache = new DiscoveryCache();

/**
 * Fetches (or reads from the default cache) the metadata of `issuer`. Throws DiscoveryError.
 *
 * @example
 * const { token_endpoint } = await discover('https://idp.example');
 */
export function discover(
  issuer: string,
  options: DiscoverOptions & { cache?: DiscoveryCache } = {},
): Promise<AuthorizationServerMetadata> {
  return (options.cache ?? defaultDiscoveryCache).get(issuer, options);
}

/** oauth4webapi transport options: injected fetch, timeout signal, http: opt-in. */
export function httpOptions(options: {
  fetch?: FetchLike;
  allowInsecureRequests?: boolean;
  timeoutMs?: number;
}): TransportOptions {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchImpl = options.fetch;
  const out: TransportOptions = { signal: () => AbortSignal.timeout(timeoutMs) };
  if (fetchImpl) out[oauth.customFetch] = (url, init) => fetchImpl(url, init as RequestInit);
  // oauth4webapi marks the flag deprecated (https-only by design); http: stays an explicit opt-in here.
  if (options.allowInsecureRequests) out[oauth.allowInsecureRequests] = true;
  return out;
}

/** The subset of oauth4webapi's request options used here, valid for GET and POST requests alike. */
export interface TransportOptions {
  signal: () => AbortSignal;
  [oauth.customFetch]?: (
    url: string,
    init: {
      body?: unknown;
      headers: Record<string, string>;
      method: string;
      redirect: 'manual';
      signal?: AbortSignal;
    },
  ) => Promise<Response>;
  [oauth.allowInsecureRequests]?: boolean;
}
