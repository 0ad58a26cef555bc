import { type Authenticator, readiness } from '@auth/core';
import type { FastifyInstance } from 'fastify';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
export function registerReady(app: FastifyInstance, authenticator: Authenticator): void {
  app.get('/ready', async (_request, reply) => {
    const { status, body } = readiness(authenticator);
    return reply.code(status).send(body);
  });
}
