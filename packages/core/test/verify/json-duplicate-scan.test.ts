/**
 * The duplicate-member scan (verify/json-guard.ts) runs on every unauthenticated token before its
 * signature is checked, so its cost must stay linear in the number of members: a wide header or payload
 * must not buy an attacker quadratic CPU. Correctness must hold on both scan paths (escape-free JSON
 * compared in place, and JSON with backslash escapes, whose names are decoded first).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { hasDuplicateKeys, scanOps } from '../../src/verify/json-guard.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { json64, signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.dup-scan.test';
const AUD = 'api://dup-scan';
const rs = await generateKeyPair('RS256', { kid: 'dup-scan' });

/** `{"m0":0,"m1":0,…}` with `n` members, plus `extra` raw member text appended. */
function wideObject(n: number, extra = ''): string {
  const members = Array.from({ length: n }, (_, i) => `"m${i}":0`);
  return `{${members.join(',')}${extra}}`;
}

function opsOf(json: string): number {
  const before = scanOps.count;
  expect(JSON.parse(json)).toBeTypeOf('object');
  hasDuplicateKeys(json);
  return scanOps.count - before;
}

describe('duplicate-member scan stays linear in the member count', () => {
  it.each([
    ['escape-free JSON', ''],
    ['JSON with a backslash escape', ',"note":"a\\"b"'],
  ])('%s: 4× the members cost at most ~4× the operations', (_name, extra) => {
    const n = 585;
    const small = opsOf(wideObject(n, extra));
    const large = opsOf(wideObject(4 * n, extra));
    // Quadratic would be ~16×; the in-place phase of a small object adds a constant per object.
    expect(large / small).toBeLessThan(4.5);
    expect(large).toBeLessThan(3 * 4 * n);
  });

  it('nested objects each get their own bound (an array of many wide objects stays linear)', () => {
    const one = (n: number) => `[${Array.from({ length: 4 }, () => wideObject(n)).join(',')}]`;
    const small = opsOf(one(200));
    const large = opsOf(one(800));
    expect(large / small).toBeLessThan(4.5);
  });
});

describe('duplicate-member scan stays correct on wide objects', () => {
  const cases: [string, string, boolean][] = [
    ['585 distinct members', wideObject(585), false],
    ['duplicate of the first member, last', wideObject(585, ',"m0":1'), true],
    ['duplicate of the last member', wideObject(585, ',"m584":1'), true],
    ['duplicate right past the in-place phase', wideObject(8, ',"m0":1'), true],
    ['duplicate inside the in-place phase', wideObject(3, ',"m2":1'), true],
    ['escaped JSON, duplicate of the first member', wideObject(585, ',"x":"\\n","m0":1'), true],
    ['escaped JSON, escaped duplicate of the first member', wideObject(585, ',"\\u006d0":1'), true],
    ['escaped JSON, first member duplicated immediately', '{"a":"\\n","a":1}', true],
    ['escaped JSON, 585 distinct members', wideObject(585, ',"x":"\\n"'), false],
    ['same names in sibling objects are fine', `[${wideObject(20)},${wideObject(20)}]`, false],
    ['same name in a nested object is fine', `{"m0":${wideObject(20)},"m1":0}`, false],
    ['duplicate after a nested wide object', `{"a":${wideObject(20)},"b":0,"a":1}`, true],
    ['names as values do not count', `{"a":"a","b":["a","a"],"c":{"a":"a"}}`, false],
  ];
  it.each(cases)('%s', (_name, json, duplicate) => {
    expect(() => JSON.parse(json)).not.toThrow();
    expect(hasDuplicateKeys(json)).toBe(duplicate);
  });

  it('agrees with the generated truth on random wide objects (both paths)', () => {
    const name = fc.oneof(
      fc.constantFrom('a', 'b', 'sub', 'iss', 'm1', 'm10'),
      fc.string({ maxLength: 3 }),
      fc.string({ unit: 'grapheme', maxLength: 2 }),
    );
    fc.assert(
      fc.property(fc.array(name, { maxLength: 40 }), fc.boolean(), (names, escapeOne) => {
        // Escape one ASCII letter of names that carry no escape of their own (`"a"` → `"\\u0061"`).
        const encode = (k: string) => {
          const text = JSON.stringify(k);
          if (!escapeOne || text.includes('\\')) return text;
          return text.replace(/[a-z]/, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`);
        };
        const json = `{${names.map((k, i) => `${encode(k)}:${i}`).join(',')}}`;
        expect(hasDuplicateKeys(json)).toBe(new Set(names).size !== names.length);
      }),
      { numRuns: 400 },
    );
  });
});

describe('a token with ~585 members goes through the verifier correctly', () => {
  const clock = createClock(T0);
  const now = clock.seconds();
  const verifier = createVerifier({
    issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
    fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
    clock,
    cacheSize: 0,
  });
  const claims = `"iss":"${ISS}","sub":"u","aud":"${AUD}","iat":${now},"exp":${now + 600}`;
  const payload = (extra: string) => b64(`{${claims},${wideObject(585).slice(1, -1)}${extra}}`);
  const b64 = (s: string) => Buffer.from(s).toString('base64url');

  it('accepts the wide payload and rejects its duplicates, escaped or not', async () => {
    await expect(verifier.verify(signToken(rs, payload('')))).resolves.toMatchObject({ subject: 'u' });
    for (const extra of [',"iss":"x"', ',"m0":1', ',"n":"\\n","iss":"x"', ',"\\u0069ss":"x"']) {
      await expect(verifier.verify(signToken(rs, payload(extra)))).rejects.toMatchObject({
        code: 'ERR_AUTH_MALFORMED_TOKEN',
      });
    }
  });

  it('rejects a wide header repeating its first member', async () => {
    const wide = createVerifier({
      issuers: [{ issuer: ISS, audience: AUD, jwksUri: `${ISS}/jwks` }],
      fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
      clock,
      maxTokenBytes: 32 * 1024,
    });
    const header = (extra: string) =>
      b64(`{"alg":"RS256","kid":"${rs.kid}",${wideObject(585).slice(1, -1)}${extra}}`);
    const body = json64({ iss: ISS, sub: 'u', aud: AUD, iat: now, exp: now + 600 });
    await expect(wide.verify(signToken(rs, body, header('')))).resolves.toMatchObject({ subject: 'u' });
    for (const extra of [',"alg":"RS256"', ',"x":"\\n","alg":"RS256"', ',"\\u0061lg":"RS256"']) {
      await expect(wide.verify(signToken(rs, body, header(extra)))).rejects.toMatchObject({
        code: 'ERR_AUTH_MALFORMED_TOKEN',
      });
    }
  });
});
