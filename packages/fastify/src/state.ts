import type { AuthBinding } from '@auth/core/internal';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** What one registration of the plugin configured for its scope. */
export interface AuthState {
  binding: AuthBinding<FastifyRequest>;
  throwErrors: boolean;
}

// Per-scope state lives on the instance under a symbol, the way Fastify keeps its own per-scope data:
// child scopes inherit it through the prototype chain, and a nested registration shadows it for its
// own subtree only. Decorators are added once and look the state up from the route's scope.
const STATE = Symbol.for('@auth/fastify.state');

type WithState = { [STATE]?: AuthState };

export function setState(instance: FastifyInstance, state: AuthState): void {
  (instance as unknown as WithState)[STATE] = state;
}

export function getState(instance: FastifyInstance): AuthState | undefined {
  return (instance as unknown as WithState)[STATE];
}
