import {
  allOf,
  type Policy,
  requireAnyGroup,
  requireAnyScope,
  requireGroups,
  requireScopes,
} from '@auth/core';

/** `config: { auth: … }` on a route. `true` = required, `false` = public. */
export type RouteAuthConfig =
  | boolean
  | {
      /** Skip authentication for this route, also under `defaultAuth: 'required'`. */
      public?: boolean;
      /** No credentials → continue with `request.auth === null`; bad credentials → 401. */
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
    };

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
