/**
 * The RFC 9728 metadata route every adapter serves the same way: which path, and the response (200
 * JSON, cacheable for an hour). An adapter maps it onto its router; nothing else.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { isAuthenticator, resourceMetadataOf } from '../authenticator.ts';
import type { ResourceMetadata } from '../metadata/protected-resource.ts';

/** The metadata route of an authenticator: its path and the response to send. */
export interface MetadataRoute {
  /** `/.well-known/oauth-protected-resource` plus the resource's path. */
  readonly path: string;
  readonly metadata: ResourceMetadata;
  /** Status, headers and JSON text (a promise only while `signed_metadata` is first signed). */
  respond():
    | { status: number; headers: Record<string, string>; body: string }
    | Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

const unavailable = () => ({
  status: 503,
  headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' },
  body: JSON.stringify({ status: 503, message: 'Protected resource metadata is unavailable' }),
});

const HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'public, max-age=3600',
});

/**
 * The metadata route of an authenticator created with `resourceMetadata` (or of `{ authenticator }`,
 * or of an adapter middleware that carries one). A TypeError at setup when there is none.
 *
 * @example
 * ```ts
 * const route = metadataRoute(bearer, '@auth/express protectedResourceMetadata()');
 * app.get(route.path, async (_req, res) => { const r = await route.respond(); res.status(r.status).set(r.headers).send(r.body); });
 * ```
 */
export function metadataRoute(source: unknown, where: string): MetadataRoute {
  const candidate =
    typeof source === 'object' || typeof source === 'function'
      ? isAuthenticator(source)
        ? source
        : (source as { authenticator?: unknown } | null)?.authenticator
      : undefined;
  if (!isAuthenticator(candidate))
    throw new ConfigurationError(
      `${where}: pass the Authenticator (or the middleware) created with resourceMetadata`,
    );
  const metadata = resourceMetadataOf(candidate);
  if (metadata === undefined)
    throw new ConfigurationError(`${where}: the authenticator has no resourceMetadata option`);
  const ok = (body: string) => ({ status: 200, headers: { ...HEADERS }, body });
  return Object.freeze({
    path: metadata.path,
    metadata,
    respond() {
      const body = metadata.body();
      // A signer that fails is the server's problem: 503, tried again on the next request.
      return typeof body === 'string' ? ok(body) : body.then(ok, unavailable);
    },
  });
}
