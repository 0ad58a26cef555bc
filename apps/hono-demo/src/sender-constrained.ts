/**
 * The demo's DPoP, step-up and RFC 9728 routes (contract: further demo routes), kept apart from the
 * base API: `GET /.well-known/oauth-protected-resource` when the authenticator publishes metadata,
 * and `GET /payments` (a DPoP-bound token with `acr` level 2 or above).
 */
import type { Authenticator } from '@auth/core';
import {
  type AuthEnv,
  protectedResourceMetadata,
  requireAcr,
  requireAuth,
  requireDpopBound,
} from '@auth/hono';
import { PAYMENTS_ACR_VALUES, paymentsJson } from 'demo-support';
import type { Hono } from 'hono';

export function mountSenderConstrainedRoutes(app: Hono, bearer: Authenticator, metadata: boolean): void {
  if (metadata) app.use(protectedResourceMetadata(bearer));
  app.get('/payments', requireAuth(bearer), requireDpopBound(), requireAcr(PAYMENTS_ACR_VALUES), (c) =>
    c.json(paymentsJson((c as unknown as { var: AuthEnv['Variables'] }).var.auth.subject)),
  );
}
