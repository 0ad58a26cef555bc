/**
 * Lint: setup-time option checks throw ConfigurationError (a TypeError with a stable code), not a bare
 * `new TypeError(` / `new RangeError(`. The few plain ones left are failures that happen while serving
 * (a request, a call made per request, a runtime capability), each listed here with the reason. A new
 * bare throw in `src` of core, an adapter, `@auth/aws` or `@auth/redis` fails this test: make it a
 * ConfigurationError, or add it here with a reason if it is not a setup mistake.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['core', 'express', 'fastify', 'hono', 'nest', 'aws', 'redis'];

/** [file under packages/, text on the throwing line, why it is not a ConfigurationError] */
const ALLOWED: readonly (readonly [string, string, string])[] = [
  [
    'core/src/binding/auth-binding.ts',
    'non-object principal',
    "a custom authenticator's per-request answer; fails the request closed",
  ],
  [
    'core/src/client/auth-fetch.ts',
    'Too many redirects',
    'a response while calling an API; the same TypeError fetch throws',
  ],
  [
    'core/src/verify/crypto/node.ts',
    'invalid UTF-8',
    'token bytes; turned into an AuthError by the verifier',
  ],
  [
    'core/src/verify/crypto/web.ts',
    'WebCrypto',
    'a runtime capability found missing at the first verification, not an option',
  ],
  ['core/src/login/session.ts', 'bufferSeconds', 'the argument of session.isExpired(), called per request'],
  [
    'core/src/login/cookies.ts',
    'NAME.test(name)',
    'serializeCookie() runs per response (names are checked at setup by cookieName)',
  ],
  [
    'core/src/login/cookies.ts',
    'VALUE.test(value)',
    'serializeCookie() runs per response with the value being written',
  ],
  [
    'core/src/metadata/protected-resource.ts',
    'must return a JWT',
    "the result of the app's sign() callback when metadata is served",
  ],
  [
    'core/src/authorize/decision.ts',
    'decisionToError: decision must be',
    'argument of a helper called per request',
  ],
  [
    'core/src/authorize/decision.ts',
    'decisionToError: the decision allows',
    'argument of a helper called per request',
  ],
  ['core/src/authorize/decision.ts', 'evaluatePolicy: policy', 'argument of a helper called per request'],
  ['core/src/authorize/decision.ts', 'assertAllowed: policy', 'argument of a helper called per request'],
  ['core/src/authzen/authzen-policy.ts', 'authorizeMany:', 'per-call items, possibly built from a request'],
  ['core/src/authzen/authress.ts', 'authorizeUser:', 'per-call values, possibly taken from a request'],
  ['core/src/authzen/authzen-client.ts', "'evaluations: unknown", 'a per-call request to the PDP'],
  ['core/src/authzen/authzen-client.ts', "'evaluations: request", 'a per-call request to the PDP'],
  ['core/src/client/revoke-token.ts', 'token is required', 'the token of one call'],
  ['core/src/client/introspect-token.ts', 'token is required', 'the token of one call'],
  ['redis/src/secret-store.ts', 'must be a non-empty string', 'ids given to create()/rotate() at run time'],
  ['redis/src/secret-store.ts', 'overlapSeconds', 'argument of rotate() at run time'],
  ['redis/src/secret-store.ts', 'to rotate', 'state of the store at run time (no such key)'],
  ['redis/src/secret-store.ts', 'exists already', 'state of the store at run time (key taken)'],
  ['redis/src/replay-store.ts', 'claim(): id', 'a proof id, per request'],
  ['redis/src/replay-store.ts', 'claim(): lifetimeSeconds', 'a proof lifetime, per request'],
  [
    'redis/src/revocation.ts',
    'must be a non-empty string`)',
    'ids given to revokeToken()/revokeSubject() at run time',
  ],
  ['redis/src/revocation.ts', 'revokeToken(): expiresAtSeconds', 'argument of revokeToken() at run time'],
];

const BARE = /\bnew (TypeError|RangeError)\(/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every line of code (not comment) with a bare TypeError/RangeError construction. */
function bareThrows(): { file: string; line: number; text: string }[] {
  const found: { file: string; line: number; text: string }[] = [];
  for (const pkg of SCANNED) {
    for (const path of files(join(packages, pkg, 'src'))) {
      const file = relative(packages, path).split('\\').join('/');
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const code = text.trim();
          if (code.startsWith('*') || code.startsWith('//') || code.startsWith('/*')) return;
          if (BARE.test(code)) found.push({ file, line: i + 1, text: code });
        });
    }
  }
  return found;
}

describe('no bare TypeError/RangeError for setup mistakes', () => {
  const found = bareThrows();

  it('scans every package that has option checks', () => {
    expect(found.length).toBeGreaterThan(0);
    for (const pkg of SCANNED) expect(files(join(packages, pkg, 'src')).length).toBeGreaterThan(0);
  });

  it('every bare TypeError/RangeError left is on the allow-list, with a reason', () => {
    const unexplained = found
      .filter(({ file, text }) => !ALLOWED.some(([f, t]) => f === file && text.includes(t)))
      .map(({ file, line, text }) => `${file}:${line}: ${text}`);
    expect(unexplained, 'make these ConfigurationErrors, or allow-list them with a reason').toEqual([]);
  });

  it('every allow-list entry still matches a line (no stale entries)', () => {
    const stale = ALLOWED.filter(([f, t]) => !found.some(({ file, text }) => file === f && text.includes(t)));
    expect(stale).toEqual([]);
    for (const [, , reason] of ALLOWED) expect(reason.length).toBeGreaterThan(10);
  });
});
