import type { Principal as CorePrincipal } from '@auth/core';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { httpRequest } from './request.ts';

/**
 * The authenticated principal, typed from core's `Register` (augment it to type `claims`).
 * Same name as the decorator, so a handler reads `@Principal() user: Principal`.
 */
export type Principal = CorePrincipal;

const principalParam = createParamDecorator(
  (field: keyof CorePrincipal | undefined, ctx: ExecutionContext) => {
    const principal = httpRequest(ctx)?.auth;
    return field === undefined ? principal : principal?.[field];
  },
);

/**
 * `@Principal()` injects `request.auth` (undefined on `@OptionalAuth()` routes without credentials);
 * `@Principal('subject')` injects one field.
 */
export function Principal(field?: keyof CorePrincipal): ParameterDecorator {
  return principalParam(field);
}
