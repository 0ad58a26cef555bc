import { expect } from 'vitest';
import type { Reply } from './http.ts';

/** What the contract says a failure looks like. */
export interface Failure {
  status: 400 | 401 | 403 | 429 | 503;
  /** Exact body `code`, the codes the contract allows, or a pattern ("or a more precise code"). */
  code: string | readonly string[] | RegExp;
  /** RFC 6750 error of the challenge; null: a challenge without `error` (`Bearer realm="api"`). */
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null;
  /** Required scopes listed in an insufficient_scope challenge. */
  scope?: string;
  realm?: string;
}

const quote = (value: string) => value.replace(/["\\]/g, (c) => `\\${c}`);

/**
 * RFC 6750 §3: `error_description` holds only `%x20-21 / %x23-5B / %x5D-7E` (no quotes, backslashes or
 * non-ASCII text). The contract: other characters are dropped, runs of spaces left behind become one,
 * and an attribute with nothing left is not sent. The body's `message` keeps the full text.
 */
export function challengeDescription(message: string): string {
  return message
    .replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** The exact `WWW-Authenticate` text for a failure, given the message of the body. */
export function expectedChallenge(failure: Failure, message: string): string {
  const params: [string, string][] = [['realm', quote(failure.realm ?? 'api')]];
  if (failure.error) {
    params.push(['error', failure.error]);
    const description = challengeDescription(message);
    if (description.length > 0) params.push(['error_description', description]);
    if (failure.scope !== undefined) params.push(['scope', failure.scope]);
  }
  return `Bearer ${params.map(([k, v]) => `${k}="${v}"`).join(', ')}`;
}

/** Status, body shape and code, the exact challenge (none on 429 and 503) and Retry-After on 429 and 503. */
export function expectFailure(reply: Reply, failure: Failure): void {
  const context = `${reply.status} ${reply.text}`;
  expect(reply.status, context).toBe(failure.status);
  expect(reply.headers['content-type'], 'JSON body').toMatch(/^application\/(problem\+)?json/);
  const body = reply.json as Record<string, unknown>;
  expect(body, 'JSON body').toBeTypeOf('object');
  expect(body.status).toBe(failure.status);
  if (failure.code instanceof RegExp) {
    expect(body.code, 'body code').toMatch(failure.code);
  } else {
    const codes = typeof failure.code === 'string' ? [failure.code] : failure.code;
    expect(codes, `body code ${String(body.code)}`).toContain(body.code);
  }
  expect(body.message).toBeTypeOf('string');
  expect((body.message as string).length).toBeGreaterThan(0);

  if (failure.status === 503 || failure.status === 429) {
    expect(reply.headers['www-authenticate'], `no challenge on ${failure.status}`).toBeUndefined();
    expect(reply.headers['retry-after'], `Retry-After on ${failure.status}`).toMatch(/^[1-9]\d*$/);
    expect(body.error).toBeUndefined();
    return;
  }
  // Header values a client can parse: printable ASCII only (RFC 6750 §3, RFC 9110 field values).
  expect(reply.headers['www-authenticate']).toMatch(/^[\x20-\x7e]+$/);
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
