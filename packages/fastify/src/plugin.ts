import type { Policy } from '@auth/core';
import {
  attachEventLogging,
  type BoundPolicyMakers,
  bindPolicyMakers,
  compileRouteRequirement,
  createAuthBinding,
  OPTIONAL,
  REQUIRED,
  type RememberedAuth,
  readStartupOptions,
  startAuthentication,
  startupLog,
} from '@auth/core/internal';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AuthHook, authHook, contextOf, requestOf, secondTokenHook } from './hooks.ts';
import { type FastifyAuthOptions, PLUGIN_KEYS, readSettings } from './options.ts';
import type { RouteAuthConfig } from './route-config.ts';
import { type AuthState, getState, setState } from './state.ts';

/**
 * Core's policy makers as hooks, under the same names and arguments (`preHandler:
 * fastify.requireScopes('read:items')`), plus `authorize(policy)` for any core policy. The policy
 * context carries `request.params`, so `orgParam('orgId')` reads the organization id.
 */
export interface FastifyAuthorizers extends BoundPolicyMakers<AuthHook> {
  /** Any core policy (`allOf`, `anyOf`, `not`, `remotePolicy(fn)`…) as a hook. */
  authorize: (policy: Policy) => AuthHook;
}

const required = (policy: Policy): AuthHook => authHook({ mode: 'required', policy });

const decorators = {
  authenticate: authHook(REQUIRED),
  optionalAuth: authHook(OPTIONAL),
  ...bindPolicyMakers(required),
  authorize: (policy: Policy): AuthHook =>
    authHook(compileRouteRequirement({ policy }, { where: '@auth/fastify authorize(policy)' })),
} satisfies FastifyAuthorizers & Record<string, unknown>;

const WHERE = '@auth/fastify options';

const authPlugin: FastifyPluginAsync<FastifyAuthOptions> = async (fastify, options) => {
  // Each registration remembers its outcomes in its own request slot: a plain property (cheaper than a
  // WeakMap), declared up front so every request has the same shape; another registration's is not read.
  const slot = Symbol('@auth/fastify remembered');
  type WithSlot = FastifyRequest & { [slot]?: RememberedAuth };
  const startupSettings = readStartupOptions(options, WHERE);
  const binding = createAuthBinding<FastifyRequest>(options, {
    where: WHERE,
    adapterKeys: PLUGIN_KEYS,
    requestOf,
    contextOf,
    remember: {
      get: (request) => (request as WithSlot)[slot],
      set: (request, remembered) => {
        (request as WithSlot)[slot] = remembered;
      },
    },
  });
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings(options, binding.readsBody);
  } catch (error) {
    binding.close();
    throw error;
  }
  const given = (options as { logger?: unknown }).logger;
  let stopLogging: () => void;
  try {
    // Events to the `logger` option, else this scope's Fastify logger (its level filters them).
    // Fastify's logger when disabled is one noop for every level: then nobody listens (measured: a
    // listener feeding it cost 14 µs CPU per cached request on bench:http).
    const log = fastify.log;
    const disabled =
      typeof (log as { isLevelEnabled?: unknown }).isLevelEnabled !== 'function' && log.debug === log.error;
    stopLogging = attachEventLogging(
      binding.authenticator,
      { logger: given === undefined && disabled ? false : given },
      // Failures are logged per request on `request.log` (with its request id) by the hooks.
      { where: WHERE, sink: fastify.log, exclude: ['auth.failure', 'apikey.rejected'] },
    );
  } catch (error) {
    binding.close();
    throw error;
  }
  const state: AuthState = { binding, throwErrors: settings.throwErrors };
  setState(fastify, state);

  // The properties exist from the start (stable request shape); hooks only assign them. A nested
  // registration finds the decorators inherited and only shadows the state for its subtree.
  fastify.decorateRequest(slot as never, undefined as never);
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
    const requirement = compileRouteRequirement(config?.auth, {
      where: `@auth/fastify route ${methods} ${route.url}: config.auth`,
      defaultMode: settings.defaultAuth === 'required' ? 'required' : 'public',
    });
    if (requirement.mode === 'public') return;
    const hook = authHook(requirement, state);
    const existing = route[settings.hook];
    // Ours runs first: later hooks and the handler see `request.auth`.
    route[settings.hook] = (existing === undefined ? [hook] : [hook, ...[existing].flat()]) as never;
    if (settings.hook === 'onRequest') {
      const check = secondTokenHook(state);
      const pre = route.preValidation;
      route.preValidation = (pre === undefined ? [check] : [check, ...[pre].flat()]) as never;
    }
  });

  // Keys fetched from now on ('fail', 'warn'); with 'fail', `app.ready()` / `listen()` reject with the
  // StartupError (Fastify awaits onReady hooks).
  const startup = startAuthentication(binding.authenticator, startupSettings, {
    where: WHERE,
    log: startupLog({ logger: given }, fastify.log),
    awaited: true,
  });
  fastify.addHook('onReady', () => startup.ready());
  fastify.addHook('onClose', async () => {
    startup.stop();
    stopLogging();
    binding.close();
  });
};

/**
 * The @auth/fastify plugin. Register it where protection should apply: its decorators, per-scope
 * authenticator and `onRoute` hook belong to the scope you register it in and to that scope's children.
 *
 * @example
 * ```ts
 * await app.register(fastifyAuth, { issuers: [{ issuer, audience: 'api://orders' }], defaultAuth: 'required' });
 * app.get('/orders', { config: { auth: { scopes: ['read:orders'] } } }, async () => []);
 * ```
 */
export const fastifyAuth = fp(authPlugin, { name: '@auth/fastify', fastify: '5.x' });
