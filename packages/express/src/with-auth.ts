import type { Principal } from '@auth/core';
import type { NextFunction, Request, Response } from 'express';
import { getAuth } from './authenticate.ts';

/**
 * Types a route handler for a route behind `requireAuth`: its `req.auth` is a `Principal`, not
 * `Principal | undefined`. If no middleware set it, the request fails closed with a 401. A returned
 * promise that rejects goes to `next(err)` (also on Express 4).
 *
 * @example
 * ```ts
 * app.get('/me', requireAuth(), withAuth((req, res) => res.json({ sub: req.auth.subject })));
 * ```
 */
export function withAuth<R extends Request = Request, S extends Response = Response>(
  handler: (req: R & { auth: Principal }, res: S, next: NextFunction) => unknown,
): (req: R, res: S, next: NextFunction) => void {
  return function withAuth(req, res, next) {
    try {
      getAuth(req);
      const result = handler(req as R & { auth: Principal }, res, next);
      if (result instanceof Promise) result.catch(next);
    } catch (error) {
      next(error);
    }
  };
}
