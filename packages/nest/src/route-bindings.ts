import { ConfigurationError } from '@auth/core';
import type { Authenticator, Verifier } from '@auth/core';
import {
  type AuthBinding,
  attachEventLogging,
  createAuthBinding,
  type LineSink,
  LOGGING_KEYS,
  STARTUP_KEYS,
} from '@auth/core/internal';
import { type InjectionToken, Logger } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { type NestRequest, policyContext, toRequestLike } from './request.ts';

// One binding per authenticator, shared by every guard instance: the binding remembers each request's
// outcome per mode, so AuthGuard then ScopeGuard (or an APP_GUARD and a route guard, or the fields of
// one GraphQL operation) authenticate once, and never share an outcome across authenticators.
const bindings = new WeakMap<object, AuthBinding<NestRequest>>();

/**
 * Binds `source` (core options, a Verifier, an Authenticator or `{ authenticator }`) to Nest's request
 * and registers the binding under its authenticator, so guards given that authenticator use it.
 *
 * @example
 * const binding = createNestBinding({ issuers }, 'AuthModule options');
 */
export function createNestBinding(source: unknown, where: string): AuthBinding<NestRequest> {
  const binding = createAuthBinding<NestRequest>(source, {
    where,
    requestOf: toRequestLike,
    contextOf: policyContext,
    remember: true,
    adapterKeys: [...LOGGING_KEYS, ...STARTUP_KEYS],
  });
  // Events to the `logger` option, else Nest's Logger (context `Auth`) from `info` up.
  attachEventLogging(binding.authenticator, source, { where, sink: nestLines });
  bindings.set(binding.authenticator, binding);
  return binding;
}

const nestLogger = new Logger('Auth');
/** Nest's Logger as a line sink (`info` is Nest's `log`). */
export const nestLines: LineSink = (level, line) => {
  if (level === 'info') nestLogger.log(line);
  else nestLogger[level](line);
};

/** The binding of an authenticator (or verifier), created on first use. */
export function bindingOf(authenticator: Authenticator | Verifier, where: string): AuthBinding<NestRequest> {
  return bindings.get(authenticator) ?? createNestBinding(authenticator, where);
}

/** Resolves `@AuthenticateWith(token)` providers once per token, falling back to the module's binding. */
export class RouteBindings {
  private readonly resolved = new Map<InjectionToken, AuthBinding<NestRequest>>();
  private readonly fallback: AuthBinding<NestRequest>;

  constructor(
    authenticator: Authenticator,
    private readonly moduleRef: ModuleRef | undefined,
  ) {
    this.fallback = bindingOf(authenticator, 'AuthModule authenticator');
  }

  get(token: InjectionToken | undefined): AuthBinding<NestRequest> {
    if (token === undefined) return this.fallback;
    let found = this.resolved.get(token);
    if (found === undefined) {
      if (!this.moduleRef)
        throw new ConfigurationError('AuthenticateWith: no ModuleRef to resolve the token with');
      const provider = this.moduleRef.get<Authenticator>(token as never, { strict: false });
      found = bindingOf(provider, `@AuthenticateWith(${String(token)})`);
      this.resolved.set(token, found);
    }
    return found;
  }
}
