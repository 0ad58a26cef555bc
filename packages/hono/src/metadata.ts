import { metadataRoute } from '@auth/core/internal';
import type { Authenticator } from '@auth/core';
import type { MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * Serves the RFC 9728 protected-resource metadata of an authenticator created with `resourceMetadata`
 * (`GET`/`HEAD` on `/.well-known/oauth-protected-resource[/<resource path>]`, public); other requests
 * pass through. Register it before `requireAuth`.
 *
 * @example
 * ```ts
 * const bearer = createAuthenticator({ issuers, resourceMetadata: { resource: 'https://api.example' } });
 * app.use(protectedResourceMetadata(bearer));
 * app.use('/api/*', requireAuth(bearer));
 * ```
 */
export function protectedResourceMetadata(
  authenticator: Authenticator | { authenticator: Authenticator },
): MiddlewareHandler {
  const route = metadataRoute(authenticator, '@auth/hono protectedResourceMetadata()');
  return async function protectedResourceMetadata(c, next) {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || c.req.path !== route.path) return next();
    const r = await route.respond();
    return c.body(r.body, r.status as ContentfulStatusCode, r.headers);
  };
}
