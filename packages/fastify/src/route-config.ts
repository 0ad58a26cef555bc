import type { RouteSpec } from '@auth/core/internal';

/**
 * `config: { auth: … }` on a route: `true` = required, `false` = public, or core's `RouteSpec` (the keys
 * of Nest's decorators and of core's policy makers), compiled once when the route is declared.
 *
 * @example
 * ```ts
 * app.get('/items', { config: { auth: { scopes: ['read:items'] } } }, handler);
 * ```
 */
export type RouteAuthConfig = boolean | (RouteSpec & MisspeltRouteAuthKeys);

/**
 * Likely misspellings, typed `never` so that they do not compile even where Fastify infers the route's
 * config type from the literal (which skips the excess-property check). Any other unknown key is
 * still refused when the route is declared (TypeError).
 */
interface MisspeltRouteAuthKeys {
  /** @deprecated Not an option: did you mean `scopes`? */
  scope?: never;
  /** @deprecated Not an option: did you mean `anyScope`? */
  anyScopes?: never;
  /** @deprecated Not an option: did you mean `groups`? */
  group?: never;
  /** @deprecated Not an option: did you mean `anyGroup`? */
  anyGroups?: never;
  /** @deprecated Not an option: did you mean `groups` or `orgRole`? */
  roles?: never;
  /** @deprecated Not an option: did you mean `policy`? */
  policies?: never;
  /** @deprecated Not an option: did you mean `optional`? */
  optionnal?: never;
  /** @deprecated Not an option: `true` or no `public` key means required. */
  required?: never;
}
