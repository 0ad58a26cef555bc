/**
 * JWKS key-source behaviour against a real node:http server on 127.0.0.1: single-flight, unknown-kid
 * refetch limit, rotation, background refresh, stale-if-error, Cache-Control, timeouts, redirects, caps,
 * discovery, hydrate/ready and the shared cache store. Both signature backends.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UnavailableError, isAuthError } from '../../src/errors.ts';
import type { JwksCacheEntry, JwksCacheStore } from '../../src/jwks/types.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { IssuerConfig, VerifierOptions } from '../../src/verify/options.ts';
import { BACKENDS, withBackend } from '../fixtures/verify-backends.ts';
import { createClock, generateKeyPair, type JwksServer, startJwksServer } from '@auth/testing';
import { signToken } from '../fixtures/jws.ts';

const AUD = 'api://test';
const k1 = await generateKeyPair('RS256', { kid: 'k1' });
const k2 = await generateKeyPair('ES256', { kid: 'k2' });

let server: JwksServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as { code: string; status: number; retryAfterSeconds?: number },
  );
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe.each(BACKENDS)('JWKS key source (%s backend)', (_name, backend) => {
  async function setup(
    issuer: Partial<IssuerConfig> = {},
    extra: Partial<VerifierOptions> = {},
    headers: Record<string, string> = {},
  ) {
    server = await startJwksServer({ keys: [k1.publicJwk], headers });
    const clock = createClock();
    const verifier = createVerifier(
      withBackend(
        {
          issuers: [{ issuer: server.issuer, audience: AUD, jwksUri: server.jwksUri, ...issuer }],
          clock,
          cacheSize: 0,
          ...extra,
        },
        backend,
      ),
    );
    const mint = (key = k1, claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) => {
      const now = clock.seconds();
      return signToken(
        key,
        { iss: server!.issuer, sub: 'u', aud: AUD, iat: now, exp: now + 3600, ...claims },
        header,
      );
    };
    return { srv: server, clock, verifier, mint };
  }

  it('a cold burst of 1,000 concurrent verifications makes one fetch', async () => {
    const { srv, verifier, mint } = await setup();
    const token = mint();
    const results = await Promise.all(Array.from({ length: 1000 }, () => verifier.verify(token)));
    expect(results).toEqual(Array(1000).fill(expect.objectContaining({ subject: 'u' })));
    expect(srv.counters.jwks).toBe(1);
  });

  it('an unknown-kid storm makes one refetch, then fails fast until the refetch bucket refills (5 s)', async () => {
    const { srv, clock, verifier, mint } = await setup();
    await verifier.hydrate();
    expect(srv.counters.jwks).toBe(1);
    const forged = Array.from({ length: 1000 }, (_, i) => mint({ ...k1, kid: `nope-${i}` }));
    const errors = await Promise.all(forged.map((t) => rejection(verifier.verify(t))));
    expect(errors.every((e) => e.code === 'ERR_AUTH_KEY_NOT_FOUND' && e.status === 401)).toBe(true);
    expect(srv.counters.jwks).toBe(2);
    await rejection(verifier.verify(mint({ ...k1, kid: 'again' })));
    expect(srv.counters.jwks).toBe(2);
    clock.advance(4_900);
    await rejection(verifier.verify(mint({ ...k1, kid: 'not-yet' })));
    expect(srv.counters.jwks).toBe(2);
    clock.advance(100);
    await rejection(verifier.verify(mint({ ...k1, kid: 'later' })));
    expect(srv.counters.jwks).toBe(3);
  });

  it('picks up a rotated-in key with one refetch and drops removed keys at the next refresh', async () => {
    const { srv, clock, verifier, mint } = await setup({}, { cacheSize: 100 });
    const old = mint(k1);
    await verifier.verify(old);
    srv.setKeys([k1.publicJwk, k2.publicJwk]);
    await expect(verifier.verify(mint(k2))).resolves.toMatchObject({ subject: 'u' });
    expect(srv.counters.jwks).toBe(2);
    // k1 is retired; a refresh happens once the TTL (10 min) is 80% spent.
    srv.setKeys([k2.publicJwk]);
    clock.advance(9 * 60_000);
    await verifier.verify(mint(k2)); // triggers the background refresh, does not wait for it
    await tick(100);
    expect(srv.counters.jwks).toBe(3);
    // Even the cached principal of the old token is no longer served.
    expect((await rejection(verifier.verify(old))).code).toBe('ERR_AUTH_KEY_NOT_FOUND');
  });

  it('refreshes in the background: a warm verifier does not wait on a slow endpoint', async () => {
    const { srv, clock, verifier, mint } = await setup();
    await verifier.hydrate();
    srv.fail('slow', { delayMs: 1_500 }); // 1.5 s responses
    clock.advance(8.5 * 60_000);
    const started = performance.now();
    await verifier.verify(mint());
    expect(performance.now() - started).toBeLessThan(1_000);
    await vi.waitFor(() => expect(srv.counters.jwks).toBe(2));
  });

  it('serves the last good keys for a bounded time when refreshes fail (stale-if-error)', async () => {
    const { srv, clock, verifier, mint } = await setup({ jwks: { staleIfErrorMs: 60_000 } });
    await verifier.hydrate();
    srv.fail('error500', { status: 503 });
    clock.advance(10 * 60_000 + 1);
    await expect(verifier.verify(mint())).resolves.toMatchObject({ subject: 'u' });
    await tick(50);
    clock.advance(61_000);
    const e = await rejection(verifier.verify(mint()));
    expect(e).toBeInstanceOf(UnavailableError);
    expect(e.code).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
    expect(e.status).toBe(503);
    expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(verifier.ready).toBe(false);
  });

  it('a down endpoint with nothing cached is a 503 with Retry-After, and is not hammered', async () => {
    const { srv, clock, verifier, mint } = await setup();
    srv.fail('error500', { status: 503 });
    const e = await rejection(verifier.verify(mint()));
    expect(e.code).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
    expect(e.status).toBe(503);
    expect(isAuthError(e)).toBe(true);
    expect(
      Number((e as unknown as UnavailableError).toResponse().headers['retry-after']),
    ).toBeGreaterThanOrEqual(1);
    expect((e as unknown as UnavailableError).toResponse().headers['www-authenticate']).toBeUndefined();
    await rejection(verifier.verify(mint()));
    expect(srv.counters.jwks).toBe(1);
    srv.fail(null);
    clock.advance(2_000);
    await expect(verifier.verify(mint())).resolves.toMatchObject({ subject: 'u' });
    expect(srv.counters.jwks).toBe(2);
  });

  it.each([
    ['redirecting', (srv: JwksServer) => srv.fail('redirect')],
    ['malformed', (srv: JwksServer) => srv.fail('malformed')],
    ['huge', (srv: JwksServer) => srv.fail('huge', { bytes: 2 * 1024 * 1024 })],
    [
      'listing too many keys',
      (srv: JwksServer) =>
        srv.setKeys({ keys: Array.from({ length: 1000 }, (_, i) => ({ ...k1.publicJwk, kid: `k${i}` })) }),
    ],
  ] as const)('a %s JWKS endpoint yields 503, never a crash', async (_label, misbehave) => {
    const { srv, verifier, mint } = await setup();
    misbehave(srv);
    const e = await rejection(verifier.verify(mint()));
    expect(e.code).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
    expect(srv.counters.jwks).toBe(1);
  });

  it('times out a hanging endpoint', async () => {
    const { srv, verifier, mint } = await setup({ jwks: { timeoutMs: 150 } });
    srv.fail('slow', { delayMs: 60_000 }); // hangs until close()
    const started = performance.now();
    const e = await rejection(verifier.verify(mint()));
    expect(e.code).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('honours Cache-Control max-age within the configured bounds', async () => {
    const { srv, clock, verifier, mint } = await setup(
      { jwks: { maxTtlMs: 15 * 60_000 } },
      {},
      { 'cache-control': 'public, max-age=3600' },
    );
    await verifier.hydrate();
    clock.advance(11 * 60_000); // past the default TTL's refresh point, before 80% of 15 min
    await verifier.verify(mint());
    await tick();
    expect(srv.counters.jwks).toBe(1);
    clock.advance(2 * 60_000); // 13 min > 0.8 × 15 min (the clamped max-age)
    await verifier.verify(mint());
    await tick();
    expect(srv.counters.jwks).toBe(2);
  });

  it('hydrate() fetches ahead and ready reflects usable keys', async () => {
    const { srv, verifier } = await setup();
    expect(verifier.ready).toBe(false);
    await verifier.hydrate();
    expect(verifier.ready).toBe(true);
    expect(srv.counters.jwks).toBe(1);
    verifier.close();
    expect(verifier.ready).toBe(false);
  });

  it('hydrate() rejects with UnavailableError when the endpoint is down', async () => {
    const { srv, verifier } = await setup();
    srv.fail('error500', { status: 503 });
    await expect(verifier.hydrate()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('discovers the JWKS URI once when none is configured', async () => {
    server = await startJwksServer({ keys: [k1.publicJwk] });
    const clock = createClock();
    const verifier = createVerifier(
      withBackend({ issuers: [{ issuer: server.issuer, audience: AUD }], clock, cacheSize: 0 }, backend),
    );
    const now = clock.seconds();
    const token = signToken(k1, { iss: server.issuer, sub: 'u', aud: AUD, iat: now, exp: now + 60 });
    await Promise.all([verifier.verify(token), verifier.verify(token)]);
    await verifier.verify(token);
    expect(server.counters.discovery).toBe(1);
    expect(server.counters.jwks).toBe(1);
  });

  it('rejects a discovery document naming another issuer', async () => {
    server = await startJwksServer({ keys: [k1.publicJwk] });
    server.setDiscovery({ issuer: 'https://evil.example' });
    const verifier = createVerifier(
      withBackend({ issuers: [{ issuer: server.issuer, audience: AUD }] }, backend),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(k1, { iss: server.issuer, sub: 'u', aud: AUD, iat: now, exp: now + 60 });
    expect((await rejection(verifier.verify(token))).code).toBe('ERR_AUTH_KEYS_UNAVAILABLE');
    expect(server.counters.jwks).toBe(0);
  });

  it('uses a shared cache store before the network and fills it after a fetch', async () => {
    const saved = new Map<string, JwksCacheEntry>();
    const store: JwksCacheStore = {
      get: async (uri) => saved.get(uri),
      set: async (uri, entry) => {
        saved.set(uri, entry);
      },
    };
    const first = await setup({ jwks: { store } });
    await first.verifier.hydrate();
    expect(first.srv.counters.jwks).toBe(1);
    expect([...saved.values()].map((entry) => entry.keys.map((k) => k.kid))).toEqual([['k1']]);
    const second = createVerifier(
      withBackend(
        {
          issuers: [{ issuer: first.srv.issuer, audience: AUD, jwksUri: first.srv.jwksUri, jwks: { store } }],
          clock: first.clock,
        },
        backend,
      ),
    );
    await expect(second.verify(first.mint())).resolves.toMatchObject({ subject: 'u' });
    expect(first.srv.counters.jwks).toBe(1);
  });

  it('ignores a failing cache store', async () => {
    const store: JwksCacheStore = {
      get: () => {
        throw new Error('redis down');
      },
      set: () => Promise.reject(new Error('redis down')),
    };
    const { verifier, mint } = await setup({ jwks: { store } });
    await expect(verifier.verify(mint())).resolves.toMatchObject({ subject: 'u' });
  });
});
