import { expect } from 'vitest';
import { type Case, bearer } from '../case.ts';

const FORBIDDEN = { status: 403, code: 'ERR_AUTH_FORBIDDEN', error: 'insufficient_scope' } as const;

/**
 * `GET|DELETE /documents/:id`, decided by the suite's AuthZEN dev PDP (demo policy: members of the
 * document's organization read it, its owner reads and deletes it). Dev IdP client-credentials tokens:
 * `org-member` is in org_1 and owns doc_1; `writer` owns doc_2 and is in no organization; `reader` is in
 * none and owns nothing.
 */
export const documentCases: Case[] = [
  {
    name: 'GET /documents/doc_1 as a member of its organization (PDP permits)',
    path: '/documents/doc_1',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: { status: 200, check: (json) => expect(json).toMatchObject({ id: 'doc_1', orgID: 'org_1' }) },
  },
  {
    name: 'GET /documents/doc_1 outside its organization (PDP denies: 403 with its reason)',
    path: '/documents/doc_1',
    headers: (env) => bearer(env.tokens.reader),
    expect: FORBIDDEN,
  },
  {
    name: 'DELETE /documents/doc_1 by its owner',
    method: 'DELETE',
    path: '/documents/doc_1',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: { status: 204 },
  },
  {
    name: 'DELETE /documents/doc_2 by a member who is not its owner',
    method: 'DELETE',
    path: '/documents/doc_2',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: FORBIDDEN,
  },
  {
    name: 'DELETE /documents/doc_2 by its owner outside the organization',
    method: 'DELETE',
    path: '/documents/doc_2',
    headers: (env) => bearer(env.tokens.writer),
    expect: { status: 204 },
  },
  {
    name: 'GET /documents/unknown is denied, not revealed (403)',
    path: '/documents/unknown',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: FORBIDDEN,
  },
  {
    name: 'GET /documents/doc_1 without credentials',
    path: '/documents/doc_1',
    expect: { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null },
  },
  {
    name: 'GET /documents/doc_1 while the decision point is down (503, never 500 or an allow)',
    app: 'pdpDown',
    path: '/documents/doc_1',
    headers: (env) => bearer(env.tokens.orgMember),
    expect: { status: 503, code: 'ERR_AUTH_POLICY_UNAVAILABLE' },
  },
];
