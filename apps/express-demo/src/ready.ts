import type { Authenticator } from '@auth/core';
import { readinessHandler } from '@auth/express';
import type { Express } from 'express';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
export function registerReady(app: Express, authenticator: Authenticator): void {
  app.get('/ready', readinessHandler(authenticator));
}
