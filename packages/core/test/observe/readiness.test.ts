/**
 * Readiness: false until every issuer has usable keys, true once they arrive (a JWKS that comes up
 * late), and the start-up warm-up modes: 'fail' rejects with the reason, 'warn' retries in the
 * background, 'lazy' fetches nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { createAuthenticator, oneOfAuthenticators } from '../../src/authenticate.ts';
import { apiKeyHeaderAuth } from '../../src/apikey/api-key-auth.ts';
import { memorySecretStore } from '../../src/apikey/store.ts';
import { isReady, readiness, warmUp } from '../../src/observe/readiness.ts';
import { generateKeyPair } from '@auth/testing';

const ISS = 'https://issuer.ready.test';
const key = await generateKeyPair('RS256', { kid: 'r1' });

function lateJwks() {
  let up = false;
  const fetch = vi.fn(async () =>
    up ? Response.json({ keys: [key.publicJwk] }) : new Response('starting', { status: 503 }),
  );
  const auth = createAuthenticator({
    issuers: [{ issuer: ISS, audience: 'api', jwksUri: `${ISS}/jwks` }],
    fetch,
    jwks: { failureBackoffMinMs: 0, failureBackoffMaxMs: 0 },
  });
  return { auth, fetch, bringUp: () => (up = true) };
}

describe('readiness', () => {
  it('flips from false to true when a late JWKS comes up (warm-up "warn" retries)', async () => {
    const t = lateJwks();
    expect(isReady(t.auth)).toBe(false);
    expect(readiness(t.auth)).toEqual({ status: 503, body: { ready: false } });
    await warmUp(t.auth, 'warn', { retryMs: 20 });
    await vi.waitFor(() => expect(t.fetch.mock.calls.length).toBeGreaterThanOrEqual(2));
    expect(isReady(t.auth)).toBe(false);
    t.bringUp();
    await vi.waitFor(() => expect(isReady(t.auth)).toBe(true));
    expect(readiness(t.auth)).toEqual({ status: 200, body: { ready: true } });
    t.auth.close();
  });

  it("'fail' rejects with the reason; 'lazy' fetches nothing", async () => {
    const t = lateJwks();
    await warmUp(t.auth, 'lazy');
    expect(t.fetch).not.toHaveBeenCalled();
    await expect(warmUp(t.auth, 'fail')).rejects.toMatchObject({ code: 'ERR_AUTH_KEYS_UNAVAILABLE' });
    t.bringUp();
    await warmUp(t.auth, 'fail');
    expect(isReady(t.auth)).toBe(true);
    await expect(warmUp(t.auth, 'sometimes' as never)).rejects.toThrow(TypeError);
  });

  it('a combined authenticator is ready when its bearer part is; API keys need no keys', async () => {
    const t = lateJwks();
    const either = oneOfAuthenticators(t.auth, apiKeyHeaderAuth({ store: memorySecretStore({}) }));
    expect(isReady(either)).toBe(false);
    t.bringUp();
    await warmUp(either, 'fail');
    expect(isReady(either)).toBe(true);
  });
});

describe('issuers that discovery cannot use', () => {
  it('an issuer without a scheme is a TypeError at setup when keys would be discovered', () => {
    expect(() => createAuthenticator({ issuers: [{ issuer: '127.0.0.1:4000', audience: 'api' }] })).toThrow(
      /issuers\[0\]\.issuer must be an http\(s\) URL when keys are discovered/,
    );
    // With a JWKS URL, or HMAC only, nothing is discovered: any issuer string is fine.
    createAuthenticator({
      issuers: [{ issuer: '127.0.0.1:4000', audience: 'api', jwksUri: 'https://x.test/jwks' }],
    }).close();
    createAuthenticator({
      issuers: [
        {
          issuer: 'urn:local',
          audience: 'api',
          algorithms: ['HS256'],
          secret: 'a-secret-of-32-bytes-0123456789ab',
        },
      ],
    }).close();
  });
});
