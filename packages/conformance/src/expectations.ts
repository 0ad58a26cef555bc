import { expect } from 'vitest';
import type { Reply } from './http.ts';

/** What the contract says a failure looks like. */
export interface Failure {
  status: 400 | 401 | 403 | 503;
  /** Exact body `code`, or the codes the contract allows for this situation. */
  code: string | readonly string[];
  /** RFC 6750 error of the challenge; null: a challenge without `error` (`Bearer realm="api"`). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null;
  /** Required scopes listed in an insufficient_scope challenge. */
  scope?: string;
  realm?: string;
}

const quote = (value: string) => value.replace(/["\\]/g, (c) => `\\${c}`);

/** The exact `WWW-Authenticate` text for a failure, given the (fixed) message of the body. */
export function expectedChallenge(failure: Failure, message: string): string {
  const params: [string, string][] = [['realm', failure.realm ?? 'api']];
  if (failure.error) {
    params.push(['error', failure.error], ['error_description', message]);
    if (failure.scope !== undefined) params.push(['scope', failure.scope]);
  }
  return `Bearer ${params.map(([k, v]) => `${k}="${quote(v)}"`).join(', ')}`;
}

/** Status, body shape and code, the exact challenge (none on 503) and Retry-After on 503. */
export function expectFailure(reply: Reply, failure: Failure): void {
  const context = `${reply.status} ${reply.text}`;
  expect(reply.status, context).toBe(failure.status);
  expect(reply.headers['content-type'], 'JSON body').toMatch(/^application\/(problem\+)?json/);
  const body = reply.json as Record<string, unknown>;
  expect(body, 'JSON body').toBeTypeOf('object');
  expect(body.status).toBe(failure.status);
  const codes = typeof failure.code === 'string' ? [failure.code] : failure.code;
  expect(codes, `body code ${String(body.code)}`).toContain(body.code);
  expect(body.message).toBeTypeOf('string');
  expect((body.message as string).length).toBeGreaterThan(0);

  if (failure.status === 503) {
    expect(reply.headers['www-authenticate'], 'no challenge on 503').toBeUndefined();
    expect(reply.headers['retry-after'], 'Retry-After on 503').toMatch(/^[1-9]\d*$/);
    expect(body.error).toBeUndefined();
    return;
  }
  const error = failure.error === undefined ? defaultError(failure.status) : failure.error;
  expect(reply.headers['www-authenticate']).toBe(
    expectedChallenge({ ...failure, error }, body.message as string),
  );
  if (error) expect(body.error).toBe(error);
  else expect(body.error).toBeUndefined();
  if (failure.scope !== undefined) expect(body.scope).toBe(failure.scope);
}

function defaultError(status: number): Failure['error'] {
  if (status === 400) return 'invalid_request';
  if (status === 403) return 'insufficient_scope';
  return 'invalid_token';
}

/** The principal as JSON: `{"subject","issuer","clientId","tokenUse","scopes":[],"groups":[]}`. */
export function expectPrincipal(
  json: unknown,
  expected: { issuer: string; clientId?: string | null; scopes?: string[]; groups?: string[] },
): void {
  const principal = json as Record<string, unknown>;
  expect(principal.subject).toBeTypeOf('string');
  expect(principal.issuer).toBe(expected.issuer);
  if (expected.clientId !== undefined) expect(principal.clientId).toBe(expected.clientId);
  expect(principal).toHaveProperty('tokenUse');
  expect(Array.isArray(principal.scopes)).toBe(true);
  expect(Array.isArray(principal.groups)).toBe(true);
  if (expected.scopes)
    expect([...(principal.scopes as string[])].sort()).toEqual([...expected.scopes].sort());
  if (expected.groups) expect(principal.groups).toEqual(expected.groups);
}
