/**
 * With an issuer resolver, what the verifier holds per issuer is bounded: key sources live exactly as
 * long as the accepted issuers that use them (one LRU), and a flood of rejected issuers cannot evict
 * accepted ones (they are remembered separately).
 */
import { describe, expect, it, vi } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import { verifierInternals } from '../../src/verify/internals.ts';
import { RESOLVED_ISSUERS_MAX } from '../../src/verify/issuer-registry.ts';
import type { IssuerConfig } from '../../src/verify/options.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { b64u, json64, signToken, T0 } from '../fixtures/jws.ts';

const AUD = 'api://tenants';
const ed = await generateKeyPair('EdDSA', { kid: 'tenant-key' });

function setup(resolve: (iss: string) => IssuerConfig | undefined) {
  const clock = createClock(T0);
  const fetch = vi.fn(async (_url: string, _init?: RequestInit) => Response.json({ keys: [ed.publicJwk] }));
  const resolver = vi.fn(resolve);
  const verifier = createVerifier({ issuers: resolver, fetch, clock, signatureVerification: 'sync' });
  const now = clock.seconds();
  const valid = (iss: string, extra: Record<string, unknown> = {}) =>
    signToken(ed, { iss, sub: 'u', aud: AUD, iat: now, exp: now + 600, ...extra });
  // Resolved, then rejected on its expiry before any key is fetched: enough to make the resolver
  // answer (and, unbounded, to leave a key source behind) at the cost of a JSON parse.
  const expired = (iss: string) =>
    `${json64({ alg: 'EdDSA', kid: ed.kid })}.${json64({ iss, sub: 'u', aud: AUD, iat: 1, exp: 2 })}.${b64u(Buffer.alloc(64))}`;
  const stats = () => verifierInternals(verifier)!.stats();
  return { verifier, fetch, resolver, valid, expired, stats };
}

const tenant = (iss: string): IssuerConfig | undefined =>
  iss.startsWith('https://t') ? { issuer: iss, audience: AUD, jwksUri: `${iss}/jwks` } : undefined;

describe('issuer resolver: bounded key sources', () => {
  it('3,000 accepted issuers leave at most the LRU bound of key sources', async () => {
    const t = setup(tenant);
    for (let i = 0; i < 3_000; i++) {
      await expect(t.verifier.verify(t.expired(`https://t${i}.example`))).rejects.toMatchObject({
        code: 'ERR_AUTH_TOKEN_EXPIRED',
      });
    }
    expect(t.resolver).toHaveBeenCalledTimes(3_000);
    expect(t.stats().acceptedIssuers).toBe(RESOLVED_ISSUERS_MAX);
    expect(t.stats().sources).toBeLessThanOrEqual(RESOLVED_ISSUERS_MAX);
    // An evicted issuer is resolved again and works (a new source, a new fetch).
    await expect(t.verifier.verify(t.valid('https://t0.example'))).resolves.toMatchObject({
      issuer: 'https://t0.example',
    });
    expect(t.stats().sources).toBeLessThanOrEqual(RESOLVED_ISSUERS_MAX);
  });

  it('a source shared by several issuers (one JWKS URI) stays open while one of them is held', async () => {
    const shared = 'https://shared.example/jwks';
    const t = setup((iss) =>
      iss.startsWith('https://s') ? { issuer: iss, audience: AUD, jwksUri: shared } : tenant(iss),
    );
    await t.verifier.verify(t.valid('https://s-old.example'));
    await t.verifier.verify(t.valid('https://s-new.example'));
    const sharedFetches = () => t.fetch.mock.calls.filter(([url]) => url === shared).length;
    expect(sharedFetches()).toBe(1);
    // Evict s-old (least recently used) but keep s-new.
    for (let i = 0; i < RESOLVED_ISSUERS_MAX - 1; i++) {
      await t.verifier.verify(t.expired(`https://t${i}.example`)).catch(() => undefined);
    }
    expect(t.stats().acceptedIssuers).toBe(RESOLVED_ISSUERS_MAX);
    await expect(
      t.verifier.verify(t.valid('https://s-new.example', { jti: 'again' })),
    ).resolves.toMatchObject({ subject: 'u', issuer: 'https://s-new.example' });
    expect(sharedFetches()).toBe(1); // the shared source was not closed with s-old
    expect(t.stats().sources).toBeLessThanOrEqual(RESOLVED_ISSUERS_MAX);
  });

  it('rejected issuers do not evict accepted ones', async () => {
    const t = setup(tenant);
    await t.verifier.verify(t.valid('https://t-kept.example'));
    expect(t.resolver).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 3_000; i++) {
      await expect(t.verifier.verify(t.expired(`https://evil${i}.example`))).rejects.toMatchObject({
        code: 'ERR_AUTH_UNTRUSTED_ISSUER',
      });
    }
    expect(t.stats().rejectedIssuers).toBe(RESOLVED_ISSUERS_MAX);
    await expect(
      t.verifier.verify(t.valid('https://t-kept.example', { jti: 'later' })),
    ).resolves.toMatchObject({ subject: 'u', issuer: 'https://t-kept.example' });
    // Neither asked the resolver again nor refetched the keys.
    expect(t.resolver.mock.calls.filter(([iss]) => iss === 'https://t-kept.example')).toHaveLength(1);
    expect(t.fetch).toHaveBeenCalledTimes(1);
  });

  it('a resolver answer for another issuer leaves no key source behind', async () => {
    const t = setup((iss) => ({ issuer: `${iss}/other`, audience: AUD, jwksUri: `${iss}/jwks` }));
    for (let i = 0; i < 50; i++) {
      await expect(t.verifier.verify(t.expired(`https://t${i}.example`))).rejects.toMatchObject({
        code: 'ERR_AUTH_UNTRUSTED_ISSUER',
      });
    }
    expect(t.stats().sources).toBe(0);
  });

  it('close() releases every source', async () => {
    const t = setup(tenant);
    await t.verifier.verify(t.valid('https://t1.example'));
    t.verifier.close();
    expect(t.stats()).toMatchObject({ sources: 0, acceptedIssuers: 0, rejectedIssuers: 0 });
  });
});
