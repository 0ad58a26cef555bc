// The decision-point part of the tour: the dev PDP (apps/dev-pdp, AuthZEN 1.0) in-process, and the
// /documents/:id rows it decides: allowed, denied, and (once the PDP is stopped) unavailable.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const pdpEntry = fileURLToPath(new URL('../../apps/dev-pdp/src/index.ts', import.meta.url));

export async function startPdp() {
  const { demoPolicy, startDevPdp } = await tsImport(pdpEntry, import.meta.url);
  return startDevPdp({ policy: demoPolicy(), port: 0 });
}

const isDoc = (id) => (b) => (b?.id === id ? '' : `body is not document ${id}`);

/** Decided by the PDP: org-member is in org_1 and owns doc_1; writer owns doc_2; reader is in no org. */
export const documentCases = [
  {
    route: 'GET /documents/doc_1',
    method: 'GET',
    path: '/documents/doc_1',
    cred: 'org-member',
    status: 200,
    check: isDoc('doc_1'),
  },
  { route: 'GET /documents/doc_1', method: 'GET', path: '/documents/doc_1', cred: 'reader', status: 403 },
  {
    route: 'DELETE /documents/doc_1',
    method: 'DELETE',
    path: '/documents/doc_1',
    cred: 'org-member',
    status: 204,
  },
  {
    route: 'DELETE /documents/doc_2',
    method: 'DELETE',
    path: '/documents/doc_2',
    cred: 'org-member',
    status: 403,
  },
  { route: 'GET /documents/doc_1', method: 'GET', path: '/documents/doc_1', cred: 'none', status: 401 },
];

/** Run after the PDP is stopped: a typed 503, never a 500 or an allow. */
export const pdpDownCases = [
  {
    route: 'GET /documents/doc_1 (PDP down)',
    method: 'GET',
    path: '/documents/doc_1',
    cred: 'org-member',
    status: 503,
    check: (b) => (b?.code === 'ERR_AUTH_POLICY_UNAVAILABLE' ? '' : `code is ${b?.code}`),
  },
];
