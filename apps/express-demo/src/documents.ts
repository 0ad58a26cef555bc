/** `GET /documents/:id` and `DELETE /documents/:id`, decided by the AuthZEN decision point (docs/contract.md). */
import { authorize } from '@auth/express';
import { documentsPolicy, findDocument } from 'demo-support';
import type { Express } from 'express';

/** Mounts the document routes (after `requireAuth`) when a decision point is configured. */
export function documentRoutes(app: Express, pdp: string | undefined): void {
  if (!pdp) return;
  const documents = authorize(documentsPolicy(pdp));
  app.get('/documents/:id', documents, (req, res) => {
    const doc = findDocument(String(req.params.id));
    if (!doc) res.status(404).json({ status: 404, code: 'ERR_NOT_FOUND', message: 'Not found' });
    else res.json(doc);
  });
  app.delete('/documents/:id', documents, (_req, res) => {
    res.status(204).end();
  });
}
