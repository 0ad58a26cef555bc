import {
  assertAllowed,
  MissingTokenError,
  requireAnyGroup as anyGroupPolicy,
  requireAnyScope as anyScopePolicy,
  requireClaim as claimPolicy,
  requireGroups as groupsPolicy,
  requireOrgPermission as orgPermissionPolicy,
  requireOrgRole as orgRolePolicy,
  requirePermission as permissionPolicy,
  requireScopes as scopesPolicy,
  type Policy,
  type PolicyContext,
} from '@auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authFailure } from './realm.ts';

function context(req: Request): PolicyContext {
  // Express 5 types wildcard params as string[]: the policy context reads strings (an array names no org).
  return { params: req.params as PolicyContext['params'], method: req.method, path: req.path };
}

function named(name: string, policy: Policy): RequestHandler {
  const handler = (req: Request, _res: Response, next: NextFunction): void => {
    const principal = req.auth;
    if (principal === undefined) {
      next(authFailure(req, new MissingTokenError()));
      return;
    }
    assertAllowed(policy, principal, context(req)).then(
      () => next(),
      (error: unknown) => next(authFailure(req, error)),
    );
  };
  Object.defineProperty(handler, 'name', { value: name });
  return handler;
}

/**
 * Runs a core policy against `req.auth` (place after `requireAuth`); a denial goes to `next(err)`.
 * The policy context carries `req.params` (e.g. `orgId`), the method and the path.
 */
export function authorize(policy: Policy): RequestHandler {
  return named('authorize', policy);
}

// Core's policy makers as middleware, same names and arguments: the one wrapper below is all the glue.
const wrap =
  <A extends unknown[]>(name: string, make: (...args: A) => Policy) =>
  (...args: A): RequestHandler =>
    named(name, make(...args));

export const requireScopes = wrap('requireScopes', scopesPolicy);
export const requireAnyScope = wrap('requireAnyScope', anyScopePolicy);
export const requireGroups = wrap('requireGroups', groupsPolicy);
export const requireAnyGroup = wrap('requireAnyGroup', anyGroupPolicy);
export const requireClaim = wrap('requireClaim', claimPolicy);
export const requirePermission = wrap('requirePermission', permissionPolicy);
export const requireOrgPermission = wrap('requireOrgPermission', orgPermissionPolicy);
export const requireOrgRole = wrap('requireOrgRole', orgRolePolicy);
