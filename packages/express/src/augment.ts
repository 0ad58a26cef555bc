/**
 * Typing: `req.auth` on every Express request (declaration merging on `Express.Request`). It is optional
 * because a route may run without `requireAuth`; after it, use `getAuth(req)` or `AuthenticatedRequest`.
 * The principal's claims follow core's `Register` interface.
 */
import type { Principal } from '@auth/core';
import type { Request } from 'express';

declare global {
  namespace Express {
    interface Request {
      /** The authenticated principal, set by `requireAuth` / `optionalAuth`. */
      auth?: Principal;
    }
  }
}

/** A request that went through `requireAuth`: `req.auth` is always there. */
export type AuthenticatedRequest<R extends Request = Request> = R & { auth: Principal };
