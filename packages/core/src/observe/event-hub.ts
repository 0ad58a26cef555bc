/**
 * Where events go: one hub per verifier/authenticator/token source. Emit points test `hub.active`
 * before building an event, so with nobody listening an event costs one property read.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthError } from '../errors.ts';
import type { AuthEvent, AuthEventListener, AuthFailureEvent } from './events.ts';
import { debugListener, debugRequested } from './format.ts';

/**
 * Listeners of one part of the library, plus the hubs it forwards to (an authenticator built on a
 * verifier forwards the verifier's key events to its own listeners).
 *
 * @example
 * const hub = new EventHub();
 * const stop = hub.add((e) => console.log(e.type));
 * if (hub.active) hub.emit({ type: 'policy.unavailable', at: Date.now(), code: 'ERR_AUTH_POLICY_UNAVAILABLE', reason: 'timeout', durationMs: 5 });
 * stop();
 */
export class EventHub {
  #listeners: AuthEventListener[] = [];
  #parents: EventHub[] = [];
  /** True when an emitted event would reach a listener (here or in a hub this one forwards to). */
  active = false;

  /** Adds a listener; returns the function that removes it. */
  add(listener: AuthEventListener): () => void {
    if (typeof listener !== 'function') throw new ConfigurationError('onEvent must be a function');
    this.#listeners = [...this.#listeners, listener];
    this.#refresh();
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
      this.#refresh();
    };
  }

  /** Also deliver this hub's events to `parent`'s listeners. */
  forwardTo(parent: EventHub): void {
    if (parent === this || this.#parents.includes(parent)) return;
    this.#parents = [...this.#parents, parent];
    parent.#children.push(new WeakRef(this));
    this.#refresh();
  }

  #children: WeakRef<EventHub>[] = [];

  #refresh(): void {
    const active = this.#listeners.length > 0 || this.#parents.some((p) => p.active);
    if (active === this.active) return;
    this.active = active;
    for (const ref of this.#children) {
      const child = ref.deref();
      if (child !== undefined) child.#refresh();
    }
  }

  /** Delivers an event to every listener once (a listener's exception is swallowed). */
  emit(event: AuthEvent): void {
    // The common case, one listener and no hub to forward to: no set of listeners already served.
    if (this.#parents.length === 0 && this.#listeners.length === 1) {
      try {
        (this.#listeners[0] as AuthEventListener)(event);
      } catch {
        // A logging bug must never change an auth decision.
      }
      return;
    }
    const seen = new Set<AuthEventListener>();
    this.#deliver(event, seen);
  }

  #deliver(event: AuthEvent, seen: Set<AuthEventListener>): void {
    for (const listener of this.#listeners) {
      if (seen.has(listener)) continue;
      seen.add(listener);
      try {
        listener(event);
      } catch {
        // A logging bug must never change an auth decision.
      }
    }
    for (const parent of this.#parents) if (parent.active) parent.#deliver(event, seen);
  }
}

/**
 * Options every factory reads to set up its hub.
 *
 * @example
 * const observe: ObserveOptions = { onEvent: (e) => console.log(e.type), debug: false };
 */
export interface ObserveOptions {
  /** Receives every event of this component (see `AuthEvent`). */
  onEvent?: AuthEventListener;
  /** Print one readable line per event to stderr (also with `AUTH_DEBUG=1`). */
  debug?: boolean;
}

/**
 * The hub of a new component: `onEvent` and, with `debug: true` or `AUTH_DEBUG=1`, the stderr line
 * printer. Misuse is a TypeError naming `where`.
 *
 * @example
 * const hub = createEventHub({ onEvent: (e) => console.log(e.type) }, 'createVerifier()');
 */
export function createEventHub(options: ObserveOptions | undefined, where: string): EventHub {
  const hub = new EventHub();
  const onEvent = options?.onEvent;
  if (onEvent !== undefined) {
    if (typeof onEvent !== 'function') throw new ConfigurationError(`${where}: onEvent must be a function`);
    hub.add(onEvent);
  }
  const debug = options?.debug;
  if (debug !== undefined && typeof debug !== 'boolean')
    throw new ConfigurationError(`${where}: debug must be a boolean`);
  if (debug ?? debugRequested()) hub.add(debugListener);
  return hub;
}

// Module-local, like the verifier's internals: only components made by this copy of the package.
const hubs = new WeakMap<object, EventHub>();

/** Records the hub of a component (verifier, authenticator, token source). Internal. */
export function registerEventHub(owner: object, hub: EventHub): void {
  hubs.set(owner, hub);
}

/**
 * The hub of a verifier, authenticator or token source made by this package, else undefined.
 *
 * @example
 * const stop = eventHubOf(authenticator)?.add((e) => logger.info(e));
 */
export function eventHubOf(owner: unknown): EventHub | undefined {
  return typeof owner === 'object' && owner !== null ? hubs.get(owner) : undefined;
}

/** Wall-clock milliseconds with sub-millisecond precision, for durations. */
export const now: () => number =
  typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();

/** The failure event of an AuthError (never its cause, which may hold anything). */
export function failureEvent(
  error: AuthError,
  stage: AuthFailureEvent['stage'],
  method: AuthFailureEvent['method'],
  startedAt?: number,
): AuthFailureEvent {
  return {
    type: 'auth.failure',
    at: Date.now(),
    stage,
    ...(method === undefined ? {} : { method }),
    code: error.code,
    status: error.status,
    reason: error.message,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.requiredScopes.length > 0 ? { required: error.requiredScopes } : {}),
    ...(startedAt === undefined ? {} : { durationMs: now() - startedAt }),
  };
}
