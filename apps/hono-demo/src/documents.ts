/** `GET /documents/:id` and `DELETE /documents/:id`, decided by the AuthZEN decision point (docs/contract.md). */
import { type AuthEnv, authorize } from '@auth/hono';
import { documentsPolicy, findDocument } from 'demo-support';
import type { Hono } from 'hono';

/** Mounts the document routes (behind `requireAuth`) when a decision point is configured. */
export function documentRoutes(api: Hono<AuthEnv>, pdp: string | undefined): void {
  if (!pdp) return;
  const documents = authorize(documentsPolicy(pdp));
  api.get('/documents/:id', documents, (c) => {
    const doc = findDocument(c.req.param('id'));
    return doc ? c.json(doc) : c.json({ status: 404, code: 'ERR_NOT_FOUND', message: 'Not found' }, 404);
  });
  api.delete('/documents/:id', documents, (c) => c.body(null, 204));
}
