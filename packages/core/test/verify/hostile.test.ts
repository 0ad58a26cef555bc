/**
 * The hostile suite: table-driven attacks and malformed inputs, each asserting the exact error code,
 * a 401 (never a 500), and that nothing outside the configured JWKS is fetched. Runs on both backends.
 */
import { describe, expect, it } from 'vitest';
import { type AuthErrorCode, isAuthError } from '../../src/errors.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig, Verifier } from '../../src/verify/options.ts';
import {
  AUD,
  ISS,
  JWKS_URI,
  cases,
  claims,
  clock,
  jwks,
  rawRs,
  rsHeader,
  rsToken,
} from '../fixtures/hostile-cases.ts';
import { b64u } from '../fixtures/jws.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';

function build(backend: (typeof BACKENDS)[number][1], issuer: Partial<IssuerConfig> = {}) {
  const fetched: string[] = [];
  const verifier: Verifier = createVerifier(
    withBackend(
      {
        issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS_URI, ...issuer }],
        clock,
        cacheSize: 0,
        fetch: async (url) => {
          fetched.push(url);
          return Response.json({ keys: jwks });
        },
      },
      backend,
    ),
  );
  return { verifier, fetched };
}

describe.each(BACKENDS)('hostile tokens (%s backend)', (_name, backend) => {
  it('has at least 60 cases', () => {
    expect(cases.filter((c) => c.expect !== 'ok').length).toBeGreaterThanOrEqual(60);
  });

  const shared = build(backend);
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const { verifier, fetched } = c.issuer ? build(backend, c.issuer) : shared;
    const token = c.token();
    if (c.expect === 'ok') {
      const p = await verifier.verify(token);
      expect(p.issuer).toBe(ISS);
      return;
    }
    const err = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(err), `expected an AuthError, got ${String(err)}`).toBe(true);
    const e = err as { code: AuthErrorCode; status: number; message: string };
    const allowed = typeof c.expect === 'string' ? [c.expect] : c.expect;
    expect(allowed).toContain(e.code);
    expect(e.status).toBe(401);
    // Messages are fixed texts: never the token or a claim value.
    if (token.length > 20) expect(e.message).not.toContain(token.slice(0, 20));
    expect(e.message).not.toContain('user-1');
    // Only the configured JWKS is ever fetched (never jku/x5u, never for an unknown issuer).
    expect(fetched.every((u) => u === JWKS_URI)).toBe(true);
  });

  it('never fetches for an unknown issuer', async () => {
    const { verifier, fetched } = build(backend);
    await expect(verifier.verify(rsToken({ iss: 'https://evil.example' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_UNTRUSTED_ISSUER',
    });
    expect(fetched).toEqual([]);
  });

  it('keeps __proto__ claims out of the principal prototype chain', async () => {
    const { verifier } = build(backend);
    const payload = `${JSON.stringify(claims()).slice(0, -1)},"__proto__":{"admin":true},"nested":{"__proto__":{"x":1}}}`;
    const p = await verifier.verify(rawRs(rsHeader, b64u(payload)));
    expect(Object.getPrototypeOf(p.claims)).toBe(null);
    expect(Object.hasOwn(p.claims, '__proto__')).toBe(false);
    expect((p.claims as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.hasOwn(p.claims.nested as object, '__proto__')).toBe(false);
  });
});
