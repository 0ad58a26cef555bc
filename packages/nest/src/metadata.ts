import { metadataRoute } from '@auth/core/internal';
import type { Authenticator } from '@auth/core';

interface NodeRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
}
interface NodeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
}

/**
 * A middleware for `app.use()` (Express and Fastify platforms alike) serving the RFC 9728
 * protected-resource metadata of an authenticator created with `resourceMetadata` (`GET`/`HEAD` on
 * `/.well-known/oauth-protected-resource[/<resource path>]`, public); other requests pass through.
 *
 * @example
 * ```ts
 * const app = await NestFactory.create(AppModule);
 * app.use(protectedResourceMetadata(bearer));
 * ```
 */
export function protectedResourceMetadata(
  authenticator: Authenticator | { authenticator: Authenticator },
): (req: NodeRequest, res: NodeResponse, next: (error?: unknown) => void) => void {
  const route = metadataRoute(authenticator, '@auth/nest protectedResourceMetadata()');
  return function protectedResourceMetadata(req, res, next) {
    const url = req.originalUrl ?? req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== route.path) return next();
    const send = (r: { status: number; headers: Record<string, string>; body: string }) => {
      res.writeHead(r.status, r.headers);
      res.end(req.method === 'HEAD' ? undefined : r.body);
    };
    const response = route.respond();
    if (response instanceof Promise) response.then(send, next);
    else send(response);
  };
}
