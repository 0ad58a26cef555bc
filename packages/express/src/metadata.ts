import { metadataRoute } from '@auth/core/internal';
import type { Authenticator } from '@auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Serves the RFC 9728 protected-resource metadata of an authenticator created with `resourceMetadata`
 * (`GET`/`HEAD` on `/.well-known/oauth-protected-resource[/<resource path>]`, public); other requests
 * pass through. Mount it before `requireAuth`.
 *
 * @example
 * ```ts
 * const bearer = createAuthenticator({ issuers, resourceMetadata: { resource: 'https://api.example' } });
 * app.use(protectedResourceMetadata(bearer));
 * app.use(requireAuth(bearer));
 * ```
 */
export function protectedResourceMetadata(
  authenticator: Authenticator | { authenticator: Authenticator },
): RequestHandler {
  const route = metadataRoute(authenticator, '@auth/express protectedResourceMetadata()');
  return function protectedResourceMetadata(req: Request, res: Response, next: NextFunction): void {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== route.path) {
      next();
      return;
    }
    const send = (r: { status: number; headers: Record<string, string>; body: string }) => {
      res.status(r.status).set(r.headers).send(r.body);
    };
    const response = route.respond();
    if (response instanceof Promise) response.then(send, next);
    else send(response);
  };
}
