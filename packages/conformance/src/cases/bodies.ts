import { expect } from 'vitest';
import { type Case, bearer } from '../case.ts';

const MISSING = { status: 401, code: 'ERR_AUTH_MISSING_TOKEN', error: null } as const;
const BAD_JSON = '{"name": "widget",';
// Larger than any demo's body limit (100 KiB), small enough to send quickly.
const OVERSIZED = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });

/** No stack trace, no HTML page: what a demo may answer for a body it cannot use. */
function expectPlainJson(json: unknown, text: string): void {
  expect(json, text.slice(0, 200)).toBeTypeOf('object');
  expect(text).not.toMatch(/<html|<pre|\bat [\w.<>]+ \(|node:internal|\.[jt]s:\d+:\d+/i);
}

/** Authentication comes before the body: a client without credentials learns nothing from a parser. */
export const bodyCases: Case[] = [
  {
    name: 'POST /items without credentials and with bad JSON: 401, not a parser error',
    method: 'POST',
    path: '/items',
    body: BAD_JSON,
    expect: MISSING,
  },
  {
    name: 'POST /items without credentials and with an oversized body: 401, not a parser error',
    method: 'POST',
    path: '/items',
    body: OVERSIZED,
    expect: MISSING,
  },
  {
    name: 'POST /items with a token lacking write:items and bad JSON: 403 first',
    method: 'POST',
    path: '/items',
    body: BAD_JSON,
    headers: (env) => bearer(env.tokens.reader),
    expect: { status: 403, code: 'ERR_AUTH_INSUFFICIENT_SCOPE', scope: 'write:items' },
  },
  {
    name: 'POST /items authenticated with bad JSON: 400 as JSON without a stack trace',
    method: 'POST',
    path: '/items',
    body: BAD_JSON,
    headers: (env) => bearer(env.tokens.writer),
    expect: { status: 400, check: expectPlainJson },
  },
];
