import { type AuthZenPolicy, authzen } from '@auth/core';

/** `GET|DELETE /documents/:id`: the demo documents (owners are dev IdP client ids: a client-credentials token's `sub`). */
export const demoDocuments: Readonly<
  Record<string, { id: string; title: string; orgID: string; ownerID: string }>
> = {
  doc_1: { id: 'doc_1', title: 'Roadmap', orgID: 'org_1', ownerID: 'org-member' },
  doc_2: { id: 'doc_2', title: 'Budget', orgID: 'org_1', ownerID: 'writer' },
  doc_3: { id: 'doc_3', title: 'Elsewhere', orgID: 'org_2', ownerID: 'admin' },
};

export const findDocument = (id: string) =>
  Object.hasOwn(demoDocuments, id) ? demoDocuments[id] : undefined;

/**
 * The documents' policy: the AuthZEN decision point at `pdp` (the dev PDP by default) decides; the app
 * sends the document's organization and owner as resource properties (an unknown id has none, so the
 * PDP denies it: 403, its existence is not revealed). Action by method: GET can_read, DELETE can_delete.
 */
export function documentsPolicy(pdp: string, options: { timeoutMs?: number } = {}): AuthZenPolicy {
  return authzen({
    pdp,
    timeoutMs: options.timeoutMs ?? 1000,
    resource: (_principal, ctx) => {
      const id = String(ctx?.params?.id ?? '');
      const doc = findDocument(id);
      return { type: 'document', id, properties: doc ? { orgID: doc.orgID, ownerID: doc.ownerID } : {} };
    },
    // A demo that shows the PDP going down and coming back: no breaker pause.
    breaker: false,
  });
}

/** The decision point of the document routes: PDP_URL, else the dev PDP (`pnpm --filter dev-pdp start`). */
export const demoPdpUrl = (env: Record<string, string | undefined> = process.env): string =>
  env.PDP_URL || 'http://127.0.0.1:4100';
