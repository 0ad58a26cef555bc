export type {
  ApiKeyRejectedEvent,
  AuthEvent,
  AuthAuthorizedEvent,
  AuthEventListener,
  AuthFailureEvent,
  AuthSuccessEvent,
  KeysRefreshedEvent,
  KeysRotatedEvent,
  KeysUnavailableEvent,
  PolicyUnavailableEvent,
  TokenRefreshedEvent,
  TokenRefreshFailedEvent,
} from './events.ts';
export { AUTH_EVENT_TYPES } from './events.ts';
export { createEventHub, EventHub, eventHubOf, registerEventHub } from './event-hub.ts';
export type { ObserveOptions } from './event-hub.ts';
export { debugListener, eventLevel, eventMessage, formatEvent, loggerListener } from './format.ts';
export type { AuthLogger, AuthLogLevel } from './format.ts';
