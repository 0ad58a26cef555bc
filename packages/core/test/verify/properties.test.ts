/**
 * Property tests (fast-check): whatever the input — random strings, random JSON segments, mutated valid
 * tokens, random JWKS documents — `verify` never throws synchronously and only ever rejects with an
 * AuthError. Both backends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../../src/errors.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { Verifier } from '../../src/verify/options.ts';
import { AUD, ISS, JWKS_URI, claims, clock, jwks, rs } from '../fixtures/hostile-cases.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { b64u, json64, signToken } from '../fixtures/jws.ts';

async function outcome(v: Verifier, token: unknown): Promise<'ok' | 'auth-error'> {
  let p: Promise<unknown>;
  try {
    p = v.verify(token as string);
  } catch (e) {
    throw new Error(`verify threw synchronously: ${String(e)}`);
  }
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isAuthError(e)) throw new Error(`non-AuthError rejection: ${String(e)}`);
    expect([400, 401, 403, 503]).toContain(e.status);
    return 'auth-error';
  }
}

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const segment = fc.oneof(
  jsonValue.map((v) => json64(v)),
  fc.string().map((s) => b64u(s)),
  fc.string(),
  fc.constant(''),
);
const headerLike = fc.record(
  {
    alg: fc.oneof(fc.constantFrom('RS256', 'ES256', 'EdDSA', 'HS256', 'none', 'PS256', 'RS1'), jsonValue),
    kid: fc.oneof(fc.constantFrom('rs', 'es', 'weak', 'offcurve', '__proto__'), jsonValue),
    typ: fc.oneof(fc.constantFrom('JWT', 'at+jwt'), jsonValue),
    crit: jsonValue,
    b64: fc.boolean(),
    cty: fc.constantFrom('JWT', 'json'),
  },
  { requiredKeys: [] },
);
const claimsLike = fc.record(
  {
    iss: fc.oneof(fc.constant(ISS), jsonValue),
    sub: fc.oneof(fc.constant('u'), jsonValue),
    aud: fc.oneof(fc.constant(AUD), jsonValue),
    exp: fc.oneof(fc.integer(), fc.double(), jsonValue),
    iat: fc.oneof(fc.integer(), fc.double(), jsonValue),
    nbf: fc.oneof(fc.integer(), jsonValue),
    scope: jsonValue,
    scp: jsonValue,
    groups: jsonValue,
    organizations: jsonValue,
    token_use: fc.oneof(fc.constantFrom('access', 'id'), jsonValue),
    realm_access: jsonValue,
  },
  { requiredKeys: [] },
);

describe.each(BACKENDS)('verify never throws anything but an AuthError (%s backend)', (_name, backend) => {
  const v = createVerifier(
    withBackend(
      {
        issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS_URI }],
        clock,
        fetch: async () => Response.json({ keys: jwks }),
      },
      backend,
    ),
  );
  const runs = { numRuns: 300 };

  it('random strings and non-strings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 400 }), fc.anything()), async (t) => {
        expect(await outcome(v, t)).toBe('auth-error');
      }),
      runs,
    );
  });

  it('three random segments', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        await outcome(v, `${a}.${b}.${c}`);
      }),
      runs,
    );
  });

  it('signed tokens with random headers and claims', async () => {
    await fc.assert(
      fc.asyncProperty(headerLike, claimsLike, async (header, payload) => {
        await outcome(v, signToken(rs, payload, header));
      }),
      runs,
    );
  });

  it('mutations of a valid token are rejected unless they leave it unchanged', async () => {
    const valid = signToken(rs, claims());
    expect(await outcome(v, valid)).toBe('ok');
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: valid.length - 1 }),
        fc.string({ minLength: 1, maxLength: 3 }),
        fc.constantFrom('replace', 'insert', 'delete'),
        async (at, s, op) => {
          const mutated =
            op === 'replace'
              ? valid.slice(0, at) + s + valid.slice(at + s.length)
              : op === 'insert'
                ? valid.slice(0, at) + s + valid.slice(at)
                : valid.slice(0, at) + valid.slice(at + 1);
          const r = await outcome(v, mutated);
          if (mutated !== valid) expect(r).toBe('auth-error');
        },
      ),
      runs,
    );
  });

  it('random JWKS documents never crash verification', async () => {
    const token = signToken(rs, claims());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          jsonValue,
          fc
            .array(
              fc.oneof(
                jsonValue,
                fc.record({
                  kty: fc.constantFrom('RSA', 'EC', 'OKP'),
                  kid: fc.constant('rs'),
                  n: fc.string(),
                  e: fc.string(),
                  crv: fc.string(),
                  x: fc.string(),
                  y: fc.string(),
                }),
              ),
            )
            .map((keys) => ({ keys })),
        ),
        async (doc) => {
          const fresh = createVerifier(
            withBackend(
              {
                issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS_URI }],
                clock,
                fetch: async () => Response.json(doc),
              },
              backend,
            ),
          );
          expect(await outcome(fresh, token)).toBe('auth-error');
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('duplicate-member detection', () => {
  it('agrees with a reference on random JSON with and without injected duplicates', async () => {
    const { hasDuplicateKeys } = await import('../../src/verify/json-guard.ts');
    // Reference: re-serialise with a reviver that records each object's member names as parsed text.
    const reference = (text: string): boolean => {
      let dup = false;
      const walk = (t: string) => {
        // A tiny recursive-descent reader over valid JSON.
        let i = 0;
        const ws = () => {
          while (/\s/.test(t[i] ?? '')) i++;
        };
        const str = (): string => {
          const start = i;
          i++;
          while (t[i] !== '"') i += t[i] === '\\' ? 2 : 1;
          i++;
          return JSON.parse(t.slice(start, i)) as string;
        };
        const value = (): void => {
          ws();
          if (t[i] === '{') {
            i++;
            const seen = new Set<string>();
            ws();
            if (t[i] === '}') {
              i++;
              return;
            }
            for (;;) {
              ws();
              const k = str();
              if (seen.has(k)) dup = true;
              seen.add(k);
              ws();
              i++; // :
              value();
              ws();
              if (t[i++] === '}') return;
            }
          } else if (t[i] === '[') {
            i++;
            ws();
            if (t[i] === ']') {
              i++;
              return;
            }
            for (;;) {
              value();
              ws();
              if (t[i++] === ']') return;
            }
          } else if (t[i] === '"') str();
          else while (i < t.length && !/[,}\]\s]/.test(t[i]!)) i++;
        };
        value();
      };
      walk(text);
      return dup;
    };
    const obj = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
    await fc.assert(
      fc.property(
        obj,
        fc.string({ maxLength: 4 }),
        fc.jsonValue({ maxDepth: 1 }),
        fc.boolean(),
        (o, k, v, inject) => {
          let text = JSON.stringify({ outer: o, ...o });
          if (inject)
            text = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(k)} : ${JSON.stringify(v)}}`;
          let parsedOk = true;
          try {
            JSON.parse(text);
          } catch {
            parsedOk = false;
          }
          if (!parsedOk) return;
          expect(hasDuplicateKeys(text)).toBe(reference(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('canonical base64url', () => {
  it('accepts exactly the strings that re-encode to themselves', async () => {
    const { isCanonicalBase64url } = await import('../../src/verify/compact.ts');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ \n';
    const candidate = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url')),
      fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 40 }),
    );
    fc.assert(
      fc.property(candidate, (s) => {
        const reencodes = s !== '' && Buffer.from(s, 'base64url').toString('base64url') === s;
        expect(isCanonicalBase64url(s)).toBe(reencodes);
      }),
      { numRuns: 2000 },
    );
  });
});
