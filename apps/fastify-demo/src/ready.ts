import type { Authenticator } from '@auth/core';
import { readinessHandler } from '@auth/fastify';
import type { FastifyInstance } from 'fastify';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
export function registerReady(app: FastifyInstance, authenticator: Authenticator): void {
  app.get('/ready', readinessHandler(authenticator));
}
