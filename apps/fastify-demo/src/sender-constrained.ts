/**
 * The demo's DPoP, step-up and RFC 9728 routes (contract: further demo routes), kept apart from the
 * base API: `GET /.well-known/oauth-protected-resource` when the authenticator publishes metadata,
 * and `GET /payments` (a DPoP-bound token with `acr` level 2 or above).
 */
import type { Authenticator } from '@auth/core';
import { fastifyAuth, protectedResourceMetadata } from '@auth/fastify';
import { PAYMENTS_ACR_VALUES, paymentsJson } from 'demo-support';
import type { FastifyInstance } from 'fastify';

export async function senderConstrainedRoutes(
  app: FastifyInstance,
  bearer: Authenticator,
  metadata: boolean,
): Promise<void> {
  if (metadata) await app.register(protectedResourceMetadata(bearer));
  await app.register(async (scope) => {
    await scope.register(fastifyAuth, { authenticator: bearer, defaultAuth: 'required' });
    scope.get('/payments', { config: { auth: { dpop: true, acr: PAYMENTS_ACR_VALUES } } }, async (request) =>
      paymentsJson(request.auth!.subject),
    );
  });
}
