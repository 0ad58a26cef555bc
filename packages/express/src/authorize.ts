import { ConfigurationError } from '@auth/core';
import { type BoundPolicyMakers, bindPolicyMakers } from '@auth/core/internal';
import type { Policy } from '@auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authorizeRequest, settle } from './binding.ts';

/** The middleware an authorization maker returns (an Express `RequestHandler`). */
export interface AuthorizeMiddleware extends RequestHandler {}

function named(policy: Policy, name: string): AuthorizeMiddleware {
  const handler = (req: Request, _res: Response, next: NextFunction): void => {
    settle(req, authorizeRequest(req, policy), next, false);
  };
  Object.defineProperty(handler, 'name', { value: name });
  return handler;
}

/**
 * Runs a core policy against `req.auth` (place after `requireAuth`); a denial goes to `next(err)`.
 * The policy context carries `req.params` (e.g. `orgId`), the method and the path.
 *
 * @example
 * ```ts
 * app.delete('/items/:id', requireAuth(), authorize(anyOf(requireScopes('admin'), requireGroups('ops'))), remove);
 * ```
 */
export function authorize(policy: Policy): AuthorizeMiddleware {
  if (typeof policy !== 'function')
    throw new ConfigurationError('@auth/express: authorize(policy) needs a policy');
  return named(policy, 'authorize');
}

/**
 * Core's policy makers as middleware, same names and arguments (`requireScopes('read:items')`,
 * `requireOrgPermission(orgParam(), 'read', 'projects')`, …), made by one mapping.
 *
 * @example
 * ```ts
 * app.get('/items', requireAuth(), requireScopes('read:items'), list);
 * ```
 */
export const {
  requireScopes,
  requireAnyScope,
  requireGroups,
  requireAnyGroup,
  requireClaim,
  requirePermission,
  requireOrgPermission,
  requireOrgRole,
  requireAcr,
  requireAuthTime,
  requireDpopBound,
}: BoundPolicyMakers<AuthorizeMiddleware> = bindPolicyMakers(named);
