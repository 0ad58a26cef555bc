/** `GET /documents/:id` and `DELETE /documents/:id`, decided by the AuthZEN decision point (docs/contract.md). */
import { documentsPolicy, findDocument } from 'demo-support';
import type { FastifyInstance } from 'fastify';

/** Declares the document routes in an authenticated scope when a decision point is configured. */
export function documentRoutes(api: FastifyInstance, pdp: string | undefined): void {
  if (!pdp) return;
  const auth = { policy: documentsPolicy(pdp) };
  api.get('/documents/:id', { config: { auth } }, async (request, reply) => {
    const doc = findDocument((request.params as { id: string }).id);
    return doc ?? reply.code(404).send({ status: 404, code: 'ERR_NOT_FOUND', message: 'Not found' });
  });
  api.delete('/documents/:id', { config: { auth } }, async (_request, reply) => reply.code(204).send());
}
