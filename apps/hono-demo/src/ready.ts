import type { Authenticator } from '@auth/core';
import { readinessHandler } from '@auth/hono';
import type { Hono } from 'hono';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
export function registerReady(app: Hono<any>, authenticator: Authenticator): void {
  app.get('/ready', readinessHandler(authenticator));
}
