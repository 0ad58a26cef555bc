/**
 * The demo's DPoP, step-up and RFC 9728 routes (contract: further demo routes), kept apart from the
 * base API: `GET /.well-known/oauth-protected-resource` when the authenticator publishes metadata,
 * and `GET /payments` (a DPoP-bound token with `acr` level 2 or above).
 */
import type { Authenticator } from '@auth/core';
import { getAuth, protectedResourceMetadata, requireAcr, requireAuth, requireDpopBound } from '@auth/express';
import { PAYMENTS_ACR_VALUES, paymentsJson } from 'demo-support';
import type { Express } from 'express';

export function mountSenderConstrainedRoutes(app: Express, bearer: Authenticator, metadata: boolean): void {
  if (metadata) app.use(protectedResourceMetadata(bearer));
  app.get(
    '/payments',
    requireAuth(bearer),
    requireDpopBound(),
    requireAcr(PAYMENTS_ACR_VALUES),
    (req, res) => {
      res.json(paymentsJson(getAuth(req).subject));
    },
  );
}
