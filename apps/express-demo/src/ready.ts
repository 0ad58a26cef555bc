import { type Authenticator, readiness } from '@auth/core';
import type { Express } from 'express';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
export function registerReady(app: Express, authenticator: Authenticator): void {
  app.get('/ready', (_req, res) => {
    const { status, body } = readiness(authenticator);
    res.status(status).json(body);
  });
}
