/**
 * The `Host` header only names a host: a `Host` carrying a path, query, fragment or userinfo cannot
 * make a proof for one URL match a request for another (the htu check exists so that a captured,
 * unused proof cannot be spent on another route).
 */
import { describe, expect, it } from 'vitest';
import { createClock, dpopProof, generateKeyPair } from '@auth/testing';
import { readDpopSettings } from '../../src/dpop/dpop-options.ts';
import { requestHtu } from '../../src/dpop/htu.ts';
import { createProofVerifier } from '../../src/dpop/proof.ts';
import { isAuthError } from '../../src/errors.ts';
import type { RequestLike } from '../../src/types.ts';
import { BACKENDS } from '../fixtures/verify-backends.ts';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln';
const client = await generateKeyPair('ES256', { kid: 'client' });
const clock = createClock(1_900_000_000_000);

const req = (host: string, url: string, dpop = ''): RequestLike => ({
  headers: { authorization: `DPoP ${TOKEN}`, dpop, host },
  method: 'POST',
  url,
  protocol: 'https',
});

const HOSTILE_HOSTS = [
  'api.dpop.test/payments?',
  'api.dpop.test/payments#',
  'api.dpop.test/payments/..',
  'api.dpop.test/payments/%2e%2e',
  'api.dpop.test/payments\\',
  'x@api.dpop.test/payments?',
  'api.dpop.test:443/payments?',
  'api.dpop.test?',
  'api.dpop.test ',
  '',
];

describe('requestHtu reads only a host from the Host header', () => {
  it.each(HOSTILE_HOSTS)('Host %j names no URL', (host) => {
    expect(requestHtu(req(host, '/admin'), undefined)).toBeUndefined();
  });

  it.each([
    ['api.dpop.test', 'https://api.dpop.test/admin'],
    ['API.dpop.test:443', 'https://api.dpop.test/admin'],
    ['api.dpop.test:8443', 'https://api.dpop.test:8443/admin'],
    ['127.0.0.1:3000', 'https://127.0.0.1:3000/admin'],
    ['[::1]:3000', 'https://[::1]:3000/admin'],
  ])('Host %j still works', (host, htu) => {
    expect(requestHtu(req(host, '/admin'), undefined)).toBe(htu);
  });
});

type Backend = (typeof BACKENDS)[number][1];

/** A fresh verifier and a proof for POST https://api.dpop.test/payments; the reason `host` + `url` get. */
async function attempt(backend: Backend, host: string, url: string) {
  const verify = createProofVerifier(readDpopSettings({ algorithms: ['ES256'], clock }, undefined), backend);
  const proof = await dpopProof({
    key: client,
    htm: 'POST',
    htu: 'https://api.dpop.test/payments',
    accessToken: TOKEN,
    iat: clock.seconds(),
  });
  const error = await verify(req(host, url, proof), TOKEN).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { verify, proof, reason: isAuthError(error) ? error.detail?.reason : undefined };
}

describe.each(BACKENDS)('a proof for /payments is not accepted at /admin (%s backend)', (_name, backend) => {
  it.each(HOSTILE_HOSTS.slice(0, 7))('Host %j', async (host) => {
    const { verify, proof, reason } = await attempt(backend, host, '/admin');
    expect(reason).toMatch(/^htu/);
    // The same proof is still good where it was meant to go.
    await expect(verify(req('api.dpop.test', '/payments', proof), TOKEN)).resolves.toHaveProperty('jkt');
  });
});

// A router matches the raw path; the URL parser would resolve these to /payments.
const SMUGGLED_PATHS = [
  '/admin/../payments',
  '/admin/%2e%2e/payments',
  '/admin/.%2E/payments',
  '/admin\\..\\payments',
  '/./payments',
  '/pay\tments',
  'https://api.dpop.test/admin/../payments',
  'https://api.dpop.test\\admin\\..\\payments',
];

describe.each(BACKENDS)(
  'a proof for /payments is not accepted at a path resolving to it (%s backend)',
  (_n, backend) => {
    it.each(SMUGGLED_PATHS.slice(0, 4))('%j', async (url) => {
      expect((await attempt(backend, 'api.dpop.test', url)).reason).toMatch(/^htu/);
    });
  },
);

describe('a request path the URL parser would rewrite names no htu', () => {
  it.each(SMUGGLED_PATHS)('%j', (url) => {
    expect(requestHtu(req('api.dpop.test', url), undefined)).toBeUndefined();
    expect(requestHtu(req('api.dpop.test', url), 'https://api.dpop.test')).toBeUndefined();
  });

  it.each([
    ['/payments', 'https://api.dpop.test/payments'],
    ['/a.b/..c/.well-known/x', 'https://api.dpop.test/a.b/..c/.well-known/x'],
    ['/p%61yments?x=/../', 'https://api.dpop.test/payments'],
  ])('%j still works', (url, htu) => {
    expect(requestHtu(req('api.dpop.test', url), undefined)).toBe(htu);
  });
});
