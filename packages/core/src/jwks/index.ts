// jwks/: per-issuer key source (fetch, cache, unknown-kid refetch limit, failure backoff, stale-if-error, shared store).
export { JWKS_DEFAULTS, JwksSource, resolveJwksOptions } from './jwks-source.ts';
export { discoverJwksUri, discoveryUrl } from './discovery.ts';
export type { FetchLike, Jwk, JwksCacheEntry, JwksCacheStore, JwksOptions } from './types.ts';
