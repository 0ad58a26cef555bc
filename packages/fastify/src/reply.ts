import { DEFAULT_REALM, isAuthError, type RenderedAuthError, renderAuthError } from '@auth/core';
import type { FastifyReply } from 'fastify';

/**
 * Sends the contract's response (status, `WWW-Authenticate`/`Retry-After`, JSON body) for an AuthError.
 * Use it in your own `setErrorHandler` when the plugin runs with `throwErrors: true`; returns false
 * (sending nothing) for any other error.
 *
 * @example
 * ```ts
 * app.setErrorHandler(async (error, request, reply) => {
 *   if (replyAuthError(reply, error)) return reply;
 *   return reply.code(500).send({ error: 'internal' });
 * });
 * ```
 */
export function replyAuthError(reply: FastifyReply, error: unknown, realm?: string): boolean {
  if (!isAuthError(error)) return false;
  sendRendered(reply, renderAuthError(error, realm ?? error.realm ?? DEFAULT_REALM));
  return true;
}

/** A pre-rendered rejection: the body is already JSON text, sent as is under its JSON content type. */
export function sendRendered(reply: FastifyReply, rendered: RenderedAuthError): FastifyReply {
  return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}
