/**
 * Key events and the errors around a failed JWKS fetch never carry the URL's userinfo or query (a
 * `?api_key=…` or `user:pass@` in a jwksUri is a credential): events, formatted lines and the
 * UnavailableError with its cause chain inspected at full depth.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import type { AuthEvent } from '../../src/observe/events.ts';
import { formatEvent } from '../../src/observe/format.ts';
import type { RequestLike } from '../../src/types.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';

const ISS = 'https://issuer.url-leak.test';
const AUD = 'api://url-leak';
const k1 = await generateKeyPair('RS256', { kid: 'k1' });

async function run(jwksUri: string, respond: () => Response | Promise<Response>) {
  const clock = createClock(T0);
  const events: AuthEvent[] = [];
  const auth = createAuthenticator({
    issuers: [{ issuer: ISS, audience: AUD, jwksUri }],
    fetch: async () => respond(),
    clock,
    onEvent: (e) => events.push(e),
  });
  const now = clock.seconds();
  const token = await signToken(k1, { iss: ISS, sub: 'a', aud: AUD, iat: now, exp: now + 600 });
  const req: RequestLike = { method: 'GET', url: '/', headers: { authorization: `Bearer ${token}` } };
  const error = await auth.authenticate(req).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { events, error };
}

const SECRET_QUERY = 'qs-secret-4f1c9b';
const SECRET_PASSWORD = 'pw-secret-8a2d7e';

describe('JWKS URL secrets stay out of key events and errors', () => {
  for (const [name, respond] of [
    ['HTTP 500', () => new Response('no', { status: 500 })],
    // undici names the URL it could not fetch in some messages.
    [
      'network failure',
      () => Promise.reject(new TypeError(`fetch failed: ${ISS}/jwks?api_key=${SECRET_QUERY}`)),
    ],
    ['keys then failure', () => Response.json({ keys: [k1.publicJwk] })],
  ] as const) {
    it(`query secret, ${name}`, async () => {
      const uri = `${ISS}/jwks?api_key=${SECRET_QUERY}`;
      const { events, error } = await run(uri, respond);
      expect(events.length).toBeGreaterThan(0);
      const all = [
        ...events.map((e) => `${JSON.stringify(e)}\n${formatEvent(e)}`),
        inspect(error, { depth: Number.POSITIVE_INFINITY }),
      ].join('\n');
      expect(all).not.toContain(SECRET_QUERY);
      if (name === 'HTTP 500')
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'keys.unavailable', url: `${ISS}/jwks`, jwksUri: `${ISS}/jwks` }),
        );
      if (name === 'keys then failure')
        expect(events).toContainEqual(
          expect.objectContaining({ type: 'keys.refreshed', jwksUri: `${ISS}/jwks` }),
        );
    });
  }

  it('userinfo password in the JWKS URL, with the real fetch (which refuses such URLs, naming them)', async () => {
    const uri = `https://svc:${SECRET_PASSWORD}@issuer.url-leak.test/jwks`;
    const { events, error } = await run(uri, () => fetch(uri));
    const all = [
      ...events.map((e) => `${JSON.stringify(e)}\n${formatEvent(e)}`),
      inspect(error, { depth: Number.POSITIVE_INFINITY }),
    ].join('\n');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'keys.unavailable', url: 'https://issuer.url-leak.test/jwks' }),
    );
    expect(all).not.toContain(SECRET_PASSWORD);
  });
});
