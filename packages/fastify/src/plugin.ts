import {
  type Policy,
  requireAnyGroup,
  requireAnyScope,
  requireClaim,
  requireGroups,
  requireOrgPermission,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from '@auth/core';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { type AuthHook, authHook, secondTokenHook } from './hooks.ts';
import { type FastifyAuthOptions, readSettings, resolveAuthenticator } from './options.ts';
import { type RouteAuthConfig, routeRequirement } from './route-config.ts';
import { type AuthState, getState, setState } from './state.ts';

/** Core's policy makers as hooks, under the same names: `preHandler: fastify.requireScopes('read:items')`. */
export interface FastifyAuthorizers {
  requireScopes: (...args: Parameters<typeof requireScopes>) => AuthHook;
  requireAnyScope: (...args: Parameters<typeof requireAnyScope>) => AuthHook;
  requireGroups: (...args: Parameters<typeof requireGroups>) => AuthHook;
  requireAnyGroup: (...args: Parameters<typeof requireAnyGroup>) => AuthHook;
  requirePermission: (...args: Parameters<typeof requirePermission>) => AuthHook;
  /** The policy context carries `request.params`, so an org id resolver can read `ctx.params.orgId`. */
  requireOrgPermission: (...args: Parameters<typeof requireOrgPermission>) => AuthHook;
  requireOrgRole: (...args: Parameters<typeof requireOrgRole>) => AuthHook;
  requireClaim: (...args: Parameters<typeof requireClaim>) => AuthHook;
  /** Any core policy (`allOf`, `anyOf`, `not`, `remotePolicy(fn)`…) as a hook. */
  authorize: (policy: Policy) => AuthHook;
}

const authorize = (policy: Policy): AuthHook => {
  if (typeof policy !== 'function') throw new TypeError('@auth/fastify: authorize(policy) needs a policy');
  return authHook(false, policy);
};

// One small wrapper turns each core policy maker into a hook maker.
const hookOf =
  <A extends unknown[]>(make: (...args: A) => Policy) =>
  (...args: A): AuthHook =>
    authorize(make(...args));

const decorators = {
  authenticate: authHook(false, undefined),
  optionalAuth: authHook(true, undefined),
  requireScopes: hookOf(requireScopes),
  requireAnyScope: hookOf(requireAnyScope),
  requireGroups: hookOf(requireGroups),
  requireAnyGroup: hookOf(requireAnyGroup),
  requirePermission: hookOf(requirePermission),
  requireOrgPermission: hookOf(requireOrgPermission),
  requireOrgRole: hookOf(requireOrgRole),
  requireClaim: hookOf(requireClaim),
  authorize,
} satisfies FastifyAuthorizers & Record<string, unknown>;

const authPlugin: FastifyPluginAsync<FastifyAuthOptions> = async (fastify, options) => {
  const settings = readSettings(options);
  const { authenticator, owned } = resolveAuthenticator(options);
  const state: AuthState = { authenticator, throwErrors: settings.throwErrors };
  setState(fastify, state);

  // The property exists from the start (stable request shape); hooks only assign it. A nested
  // registration finds the decorators inherited and only shadows the state for its subtree.
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined);
  for (const [name, value] of Object.entries(decorators)) {
    // Ours already (inherited from an outer registration): keep. Anything else: Fastify's own
    // FST_ERR_DEC_ALREADY_PRESENT rather than silently leaving someone else's `authenticate` in place.
    if ((fastify as unknown as Record<string, unknown>)[name] !== value)
      fastify.decorate(name, value as never);
  }

  // Declarative protection, inherited by child scopes only: encapsulation decides what is protected.
  fastify.addHook('onRoute', function applyRouteAuth(route) {
    if (getState(this) !== state) return; // a nested registration owns this route
    const config = route.config as { auth?: RouteAuthConfig } | undefined;
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    const requirement = routeRequirement(config?.auth, settings.defaultAuth, `${methods} ${route.url}`);
    if (!requirement) return;
    const hook = authHook(requirement.optional, requirement.policy, state);
    const existing = route[settings.hook];
    // Ours runs first: later hooks and the handler see `request.auth`.
    route[settings.hook] = (existing === undefined ? [hook] : [hook, ...[existing].flat()]) as never;
    if (settings.hook === 'onRequest') {
      const check = secondTokenHook(state);
      const pre = route.preValidation;
      route.preValidation = (pre === undefined ? [check] : [check, ...[pre].flat()]) as never;
    }
  });

  if (owned) fastify.addHook('onClose', async () => authenticator.close());
};

/**
 * The @auth/fastify plugin. Register it where protection should apply: its decorators, per-scope
 * authenticator and `onRoute` hook belong to the scope you register it in and to that scope's children.
 */
export const fastifyAuth = fp(authPlugin, { name: '@auth/fastify', fastify: '5.x' });
