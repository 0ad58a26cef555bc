import {
  allOf,
  assertKnownKeys,
  type Policy,
  requireAnyGroup,
  requireAnyScope,
  requireGroups,
  requireScopes,
} from '@auth/core';

/** `config: { auth: … }` on a route. `true` = required, `false` = public. */
export type RouteAuthConfig =
  | boolean
  | ({
      /** Skip authentication for this route, also under `defaultAuth: 'required'`. */
      public?: boolean;
      /** No credentials → continue with `request.auth === undefined`; bad credentials → 401. */
      optional?: boolean;
      /** All of these scopes (403 `insufficient_scope` naming them). */
      scopes?: readonly string[];
      /** At least one of these scopes. */
      anyScopes?: readonly string[];
      /** All of these groups. */
      groups?: readonly string[];
      /** At least one of these groups. */
      anyGroups?: readonly string[];
      /** Any core policy (or several, all must allow). */
      policy?: Policy | readonly Policy[];
    } & MisspeltRouteAuthKeys);

/**
 * Likely misspellings, typed `never` so that they do not compile even where Fastify infers the route's
 * config type from the literal (which skips the excess-property check). Any other unknown key is
 * still refused when the route is declared (TypeError).
 */
interface MisspeltRouteAuthKeys {
  /** @deprecated Not an option: did you mean `scopes`? */
  scope?: never;
  /** @deprecated Not an option: did you mean `anyScopes`? */
  anyScope?: never;
  /** @deprecated Not an option: did you mean `groups`? */
  group?: never;
  /** @deprecated Not an option: did you mean `anyGroups`? */
  anyGroup?: never;
  /** @deprecated Not an option: did you mean `groups`? */
  roles?: never;
  /** @deprecated Not an option: did you mean `policy`? */
  policies?: never;
  /** @deprecated Not an option: did you mean `optional`? */
  optionnal?: never;
  /** @deprecated Not an option: `true` or no `public` key means required. */
  required?: never;
}

const ROUTE_AUTH_KEYS = [
  'public',
  'optional',
  'scopes',
  'anyScopes',
  'groups',
  'anyGroups',
  'policy',
] as const;

/** What a route needs, resolved once at registration. `undefined` = no hook for this route. */
export interface RouteRequirement {
  optional: boolean;
  policy: Policy | undefined;
}

export function routeRequirement(
  config: RouteAuthConfig | undefined,
  defaultAuth: 'required' | 'none',
  routeUrl: string,
): RouteRequirement | undefined {
  if (config === undefined || config === null) {
    return defaultAuth === 'required' ? { optional: false, policy: undefined } : undefined;
  }
  if (config === false) return undefined;
  if (config === true) return { optional: false, policy: undefined };
  if (typeof config !== 'object') {
    throw new TypeError(`@auth/fastify: config.auth of route ${routeUrl} must be a boolean or an object`);
  }
  // A misspelt key (`scope` for `scopes`) would drop the check it meant to add: refuse the route.
  assertKnownKeys(config, ROUTE_AUTH_KEYS, `@auth/fastify: config.auth of route ${routeUrl}`);
  for (const key of ['scopes', 'anyScopes', 'groups', 'anyGroups'] as const) {
    const value = config[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) {
      throw new TypeError(
        `@auth/fastify: config.auth.${key} of route ${routeUrl} must be an array of strings`,
      );
    }
  }
  if (config.public !== undefined && typeof config.public !== 'boolean') {
    throw new TypeError(`@auth/fastify: config.auth.public of route ${routeUrl} must be a boolean`);
  }
  if (config.optional !== undefined && typeof config.optional !== 'boolean') {
    throw new TypeError(`@auth/fastify: config.auth.optional of route ${routeUrl} must be a boolean`);
  }
  if (config.public === true) return undefined;
  const policies: Policy[] = [];
  if (config.scopes?.length) policies.push(requireScopes(...config.scopes));
  if (config.anyScopes?.length) policies.push(requireAnyScope(...config.anyScopes));
  if (config.groups?.length) policies.push(requireGroups(...config.groups));
  if (config.anyGroups?.length) policies.push(requireAnyGroup(...config.anyGroups));
  if (config.policy !== undefined) {
    const extra = Array.isArray(config.policy) ? config.policy : [config.policy];
    for (const p of extra) {
      if (typeof p !== 'function') {
        throw new TypeError(
          `@auth/fastify: config.auth.policy of route ${routeUrl} must be a policy function`,
        );
      }
      policies.push(p);
    }
  }
  const optional = config.optional === true;
  // An optional route has no principal to authorize when credentials are absent: refuse the ambiguity.
  if (optional && policies.length > 0) {
    throw new TypeError(
      `@auth/fastify: config.auth.optional of route ${routeUrl} cannot be combined with scopes, groups or policy`,
    );
  }
  const policy = policies.length === 0 ? undefined : policies.length === 1 ? policies[0] : allOf(...policies);
  return { optional, policy };
}
