import { metadataRoute } from '@auth/core/internal';
import type { Authenticator } from '@auth/core';
import type { FastifyPluginAsync } from 'fastify';

/**
 * A plugin serving the RFC 9728 protected-resource metadata of an authenticator created with
 * `resourceMetadata` at `/.well-known/oauth-protected-resource[/<resource path>]` (GET and HEAD,
 * public: `config.auth: false`).
 *
 * @example
 * ```ts
 * const bearer = createAuthenticator({ issuers, resourceMetadata: { resource: 'https://api.example' } });
 * await app.register(fastifyAuth, { authenticator: bearer, defaultAuth: 'required' });
 * await app.register(protectedResourceMetadata(bearer));
 * ```
 */
export function protectedResourceMetadata(
  authenticator: Authenticator | { authenticator: Authenticator },
): FastifyPluginAsync {
  const route = metadataRoute(authenticator, '@auth/fastify protectedResourceMetadata()');
  return async function protectedResourceMetadata(fastify) {
    fastify.get(route.path, { config: { auth: false } }, async (_request, reply) => {
      const r = await route.respond();
      return reply.code(r.status).headers(r.headers).send(r.body);
    });
  };
}
