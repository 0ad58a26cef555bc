import {
  type AuthError,
  DEFAULT_REALM,
  isAuthError,
  type RenderedAuthError,
  renderAuthError,
} from '@auth/core';
import type { FastifyReply } from 'fastify';

/**
 * Sends the contract's response (status, `WWW-Authenticate`/`Retry-After`, JSON body) for an AuthError.
 * Use it in your own `setErrorHandler` when the plugin runs with `throwErrors: true`; returns false
 * (sending nothing) for any other error.
 */
export function replyAuthError(reply: FastifyReply, error: unknown, realm?: string): boolean {
  if (!isAuthError(error)) return false;
  sendAuthError(reply, error, realm ?? error.realm ?? DEFAULT_REALM);
  return true;
}

export function sendAuthError(reply: FastifyReply, error: AuthError, realm: string): FastifyReply {
  return sendRendered(reply, renderAuthError(error, realm));
}

/** A pre-rendered rejection: the body is already JSON text, sent as is under its JSON content type. */
export function sendRendered(reply: FastifyReply, rendered: RenderedAuthError): FastifyReply {
  return reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}
