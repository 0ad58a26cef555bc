/**
 * A per-call override that is fine for one issuer entry and too wide for another must not turn into a
 * TypeError chosen by the token: the `iss` of an unsigned token picks the entry, so a client could turn
 * a 401 into the app's 500 (and tell the issuers' rules apart). Misuse is reported the same for every
 * token (static issuers); otherwise the stricter of the two limits applies.
 */
import { describe, expect, it, vi } from 'vitest';
import { isAuthError } from '../../src/errors.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig } from '../../src/verify/options.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const A = 'https://a.overrides-choice.test';
const B = 'https://b.overrides-choice.test';
const rs = await generateKeyPair('RS256', { kid: 'choice' });
const forger = await generateKeyPair('RS256', { kid: 'choice' });

const entry = (issuer: string, extra: Partial<IssuerConfig> = {}): IssuerConfig => ({
  issuer,
  audience: 'api',
  jwksUri: `${issuer}/jwks`,
  ...extra,
});

async function outcome(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => 'resolved',
    (e: unknown) => e,
  );
}

describe('verify overrides: misuse is not chosen by the token', () => {
  const setup = (issuers: IssuerConfig[] | ((iss: string) => IssuerConfig | undefined)) => {
    const clock = createClock(T0);
    const now = clock.seconds();
    const verifier = createVerifier({
      issuers,
      fetch: vi.fn(async () => Response.json({ keys: [rs.publicJwk] })),
      clock,
    });
    const token = (iss: string, key = rs) =>
      signToken(key, { iss, sub: 'u', aud: 'api', iat: now - 500, exp: now + 600 });
    return { verifier, token };
  };

  it('static issuers: a maxTokenAgeSeconds wider than any entry is a TypeError for every token', async () => {
    const t = setup([entry(A), entry(B, { maxTokenAgeSeconds: 300 })]);
    // Issuer A has no age limit: the override is still misuse, and reported as such for A's tokens too.
    const forA = await outcome(t.verifier.verify(t.token(A), { maxTokenAgeSeconds: 3_600 }));
    expect(forA).toBeInstanceOf(TypeError);
    const forB = await outcome(t.verifier.verify(t.token(B, forger), { maxTokenAgeSeconds: 3_600 }));
    expect(forB).toBeInstanceOf(TypeError);
  });

  it('issuer resolver: a forged token naming a stricter issuer gets a 401, not a TypeError', async () => {
    const t = setup((iss) =>
      iss === A ? entry(A) : iss === B ? entry(B, { maxTokenAgeSeconds: 300 }) : undefined,
    );
    await expect(t.verifier.verify(t.token(A), { maxTokenAgeSeconds: 3_600 })).resolves.toMatchObject({
      subject: 'u',
    });
    const forged = await outcome(t.verifier.verify(t.token(B, forger), { maxTokenAgeSeconds: 3_600 }));
    expect(isAuthError(forged)).toBe(true);
    expect(forged).toMatchObject({ status: 401 });
    // The issuer's own, stricter limit still applies to its real tokens.
    const real = await outcome(t.verifier.verify(t.token(B), { maxTokenAgeSeconds: 3_600 }));
    expect(real).toMatchObject({ code: 'ERR_AUTH_TOKEN_TOO_OLD' });
  });
});
