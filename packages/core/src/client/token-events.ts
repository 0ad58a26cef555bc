/**
 * The `token.refresh_failed` event of the token manager: the client error's code, its message (which
 * the client errors keep free of credentials), the HTTP status; never the error's cause.
 */
import type { EventHub } from '../observe/event-hub.ts';
import { now } from '../observe/event-hub.ts';
import { TokenEndpointError } from './errors.ts';

/**
 * Reports a failed refresh cycle (called only while someone listens).
 *
 * @example
 * if (hub.active) emitRefreshFailed(hub, 'https://idp.example/token', error, 3, startedAt);
 */
export function emitRefreshFailed(
  hub: EventHub,
  source: string | undefined,
  error: Error,
  attempts: number,
  startedAt: number,
): void {
  const code = (error as { code?: unknown }).code;
  const status = error instanceof TokenEndpointError ? error.httpStatus : undefined;
  hub.emit({
    type: 'token.refresh_failed',
    at: Date.now(),
    source: source ?? 'token endpoint',
    code: typeof code === 'string' ? code : error.name,
    reason: error.message,
    ...(status === undefined ? {} : { httpStatus: status }),
    attempts,
    durationMs: now() - startedAt,
  });
}
