/**
 * The typed event stream: every part reports what happened (authentication, authorization, key
 * sources, API keys, the client token manager) to `onEvent`, with server-side detail, once per outcome;
 * a listener that throws changes nothing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthenticator, oneOfAuthenticators } from '../../src/authenticate.ts';
import { apiKeyHeaderAuth } from '../../src/apikey/api-key-auth.ts';
import { memorySecretStore } from '../../src/apikey/store.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { compileRouteRequirement } from '../../src/binding/route-requirement.ts';
import { clientCredentials } from '../../src/client/client-credentials.ts';
import type { AuthEvent } from '../../src/observe/events.ts';
import { eventHubOf } from '../../src/observe/event-hub.ts';
import { formatEvent } from '../../src/observe/format.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';
import type { Principal, RequestLike } from '../../src/types.ts';
import { createClock, generateKeyPair } from '@auth/testing';
import { signToken, T0 } from '../fixtures/jws.ts';
import { startFakeEndpoint } from '../fixtures/client.ts';

const ISS = 'https://issuer.events.test';
const AUD = 'api://events';
const JWKS = `${ISS}/jwks`;
const k1 = await generateKeyPair('RS256', { kid: 'k1' });
const k2 = await generateKeyPair('RS256', { kid: 'k2' });

function setup(opts: { keys?: () => Response } = {}) {
  const clock = createClock(T0);
  const events: AuthEvent[] = [];
  let keys = opts.keys ?? (() => Response.json({ keys: [k1.publicJwk] }));
  const fetch = vi.fn(async () => keys());
  const auth = createAuthenticator({
    issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS }],
    fetch,
    clock,
    onEvent: (e) => events.push(e),
  });
  const now = clock.seconds();
  const claims = { iss: ISS, sub: 'alice', aud: AUD, iat: now, exp: now + 600, scope: 'read' };
  return {
    auth,
    events,
    clock,
    claims,
    fetch,
    setKeys: (f: () => Response) => {
      keys = f;
    },
  };
}

const req = (token?: string): RequestLike => ({
  headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
});
const types = (events: AuthEvent[]) => events.map((e) => e.type);

describe('authentication events', () => {
  it('a first request: keys.refreshed then auth.success (uncached, timed); the next one is cached', async () => {
    const t = setup();
    const token = signToken(k1, t.claims);
    await t.auth.authenticate(req(token));
    expect(types(t.events)).toEqual(['keys.refreshed', 'auth.success']);
    const [keys, success] = t.events;
    expect(keys).toMatchObject({ issuer: ISS, jwksUri: JWKS, keyCount: 1, kids: ['k1'], fromStore: false });
    expect(success).toMatchObject({ method: 'bearer', subject: 'alice', issuer: ISS, cached: false });
    expect((success as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
    await t.auth.authenticate(req(token));
    expect(t.events[2]).toMatchObject({ type: 'auth.success', cached: true });
    expect(t.events[2]).not.toHaveProperty('durationMs');
  });

  it('a wrong audience: auth.failure naming the claim, the audience seen and the ones configured', async () => {
    const t = setup();
    await expect(
      t.auth.authenticate(req(signToken(k1, { ...t.claims, aud: 'api://other' }))),
    ).rejects.toThrow();
    const failure = t.events.find((e) => e.type === 'auth.failure');
    expect(failure).toMatchObject({
      stage: 'authenticate',
      method: 'bearer',
      code: 'ERR_AUTH_INVALID_AUDIENCE',
      status: 401,
      detail: { claim: 'aud', audience: ['api://other'], configuredAudiences: [AUD] },
    });
    expect(formatEvent(failure!)).toMatch(
      /ERR_AUTH_INVALID_AUDIENCE.*detail\.audience=\["api:\/\/other"\].*configuredAudiences=\["api:\/\/events"\]/,
    );
  });

  it('an untrusted issuer: the issuer seen and the configured ones', async () => {
    const t = setup();
    await expect(
      t.auth.authenticate(req(signToken(k1, { ...t.claims, iss: 'https://evil.test' }))),
    ).rejects.toThrow();
    expect(t.events).toEqual([
      expect.objectContaining({
        type: 'auth.failure',
        code: 'ERR_AUTH_UNTRUSTED_ISSUER',
        detail: expect.objectContaining({ issuer: 'https://evil.test', configuredIssuers: [ISS] }),
      }),
    ]);
  });

  it('through the binding: no credentials on a required route, a denial naming the required scope, a cached hit', async () => {
    const t = setup();
    const binding = createAuthBinding<RequestLike>(t.auth, {
      where: 'test',
      requestOf: (r) => r,
      contextOf: () => ({}),
    });
    const route = compileRouteRequirement({ scopes: ['write'] }, { where: 'test' });
    await binding.run(req(), route);
    expect(t.events.at(-1)).toMatchObject({
      type: 'auth.failure',
      stage: 'authenticate',
      code: 'ERR_AUTH_MISSING_TOKEN',
      status: 401,
    });
    const token = signToken(k1, t.claims);
    await binding.run(req(token), route);
    expect(t.events.at(-1)).toMatchObject({
      type: 'auth.failure',
      stage: 'authorize',
      code: 'ERR_AUTH_INSUFFICIENT_SCOPE',
      status: 403,
      required: ['write'],
      policy: 'requireScopes',
    });
    expect(formatEvent(t.events.at(-1)!)).toContain('(policy requireScopes)');
    t.events.length = 0;
    const outcome = binding.run(req(token), compileRouteRequirement(true, { where: 'test' }));
    expect(outcome).toMatchObject({ subject: 'alice' }); // synchronous: the cache peek
    expect(t.events).toEqual([expect.objectContaining({ type: 'auth.success', cached: true })]);
  });

  it('an allowed authorization: auth.authorized with the policy name, subject, issuer and duration', async () => {
    const t = setup();
    const binding = createAuthBinding<RequestLike>(t.auth, {
      where: 'test',
      requestOf: (r) => r,
      contextOf: () => ({}),
    });
    const token = signToken(k1, t.claims);
    const route = compileRouteRequirement({ scopes: ['read'] }, { where: 'test' });
    expect(await binding.run(req(token), route)).toMatchObject({ subject: 'alice' });
    const authorized = t.events.at(-1)!;
    expect(authorized).toMatchObject({
      type: 'auth.authorized',
      policy: 'requireScopes',
      subject: 'alice',
      issuer: ISS,
    });
    expect((authorized as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
    expect(formatEvent(authorized)).toMatch(
      /^auth debug auth\.authorized authorized "alice" by requireScopes /,
    );
    // A named function of the app keeps its name; an anonymous or odd name is `policy`.
    function onlyAlicePolicy(p: Principal) {
      return p.subject === 'alice'
        ? { allowed: true as const }
        : { allowed: false as const, code: 'ERR_AUTH_FORBIDDEN' as const, reason: 'no' };
    }
    const odd = Object.defineProperty(() => ({ allowed: true as const }), 'name', { value: 'x y\n' });
    await binding.run(req(token), { mode: 'required', policy: onlyAlicePolicy });
    expect(t.events.at(-1)).toMatchObject({ type: 'auth.authorized', policy: 'onlyAlice' });
    await binding.run(req(token), { mode: 'required', policy: odd });
    expect(t.events.at(-1)).toMatchObject({ type: 'auth.authorized', policy: 'policy' });
    await binding.run(
      req(token),
      compileRouteRequirement({ scopes: ['read'], groups: ['g'] }, { where: 't' }),
    );
    expect(t.events.at(-1)).toMatchObject({ type: 'auth.failure', stage: 'authorize', policy: 'allOf' });
  });

  it('a policy that throws: policy.unavailable and the 503 failure', async () => {
    const t = setup();
    const binding = createAuthBinding<RequestLike>(t.auth, {
      where: 'test',
      requestOf: (r) => r,
      contextOf: () => ({}),
    });
    const route = compileRouteRequirement(
      { policy: () => Promise.reject(new Error('pdp down')) },
      { where: 'test' },
    );
    await binding.run(req(signToken(k1, t.claims)), route);
    expect(types(t.events).slice(-2)).toEqual(['policy.unavailable', 'auth.failure']);
    expect(t.events.at(-2)).toMatchObject({ code: 'ERR_AUTH_POLICY_UNAVAILABLE' });
    expect(t.events.at(-1)).toMatchObject({ stage: 'authorize', status: 503 });
    expect(JSON.stringify(t.events)).not.toContain('pdp down'); // the cause stays out
  });

  it('a listener that throws changes no outcome', async () => {
    const auth = createAuthenticator({
      issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS }],
      fetch: async () => Response.json({ keys: [k1.publicJwk] }),
      clock: createClock(T0),
      onEvent: () => {
        throw new Error('logger bug');
      },
    });
    const now = T0 / 1000;
    const p = await auth.authenticate(
      req(signToken(k1, { iss: ISS, sub: 's', aud: AUD, iat: now, exp: now + 60 })),
    );
    expect((p as Principal).subject).toBe('s');
  });

  it('onEvent and debug of the wrong type are TypeErrors at setup', () => {
    const issuers = [{ issuer: ISS, audience: AUD, jwksUri: JWKS }];
    expect(() => createVerifier({ issuers, onEvent: 'log' as never })).toThrow(TypeError);
    expect(() => createVerifier({ issuers, debug: 1 as never })).toThrow(/debug must be a boolean/);
    expect(() => apiKeyHeaderAuth({ store: memorySecretStore({}), onEvent: {} as never })).toThrow(TypeError);
  });
});

describe('key source events', () => {
  it('keys.rotated names the kids added and removed', async () => {
    const t = setup();
    await t.auth.authenticate(req(signToken(k1, t.claims)));
    t.setKeys(() => Response.json({ keys: [k2.publicJwk] }));
    await t.auth.authenticate(req(signToken(k2, t.claims))); // unknown kid: refetch
    expect(t.events).toContainEqual(
      expect.objectContaining({ type: 'keys.rotated', issuer: ISS, added: ['k2'], removed: ['k1'] }),
    );
  });

  it('keys.unavailable with the URL and HTTP status; stale: false without usable keys', async () => {
    const t = setup({ keys: () => new Response('nope', { status: 404 }) });
    await expect(t.auth.authenticate(req(signToken(k1, t.claims)))).rejects.toMatchObject({ status: 503 });
    expect(t.events[0]).toMatchObject({
      type: 'keys.unavailable',
      issuer: ISS,
      url: JWKS,
      httpStatus: 404,
      stale: false,
    });
    expect(t.events[1]).toMatchObject({
      type: 'auth.failure',
      code: 'ERR_AUTH_KEYS_UNAVAILABLE',
      status: 503,
    });
  });

  it('with a listener added later (an adapter logger), the key events of a given verifier reach it', async () => {
    const verifier = createVerifier({
      issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS }],
      fetch: async () => Response.json({ keys: [k1.publicJwk] }),
      clock: createClock(T0),
    });
    const auth = createAuthenticator(verifier);
    const seen: AuthEvent[] = [];
    const stop = eventHubOf(auth)!.add((e) => seen.push(e));
    await verifier.hydrate();
    expect(types(seen)).toEqual(['keys.refreshed']);
    stop();
    expect(eventHubOf(auth)!.active).toBe(false);
  });
});

describe('API-key and combined authenticators', () => {
  it('apikey.rejected for a wrong key, auth.success (api_key) for a good one, through oneOfAuthenticators', async () => {
    const keys = apiKeyHeaderAuth({ store: memorySecretStore({ svc: { token: 'right-secret-value' } }) });
    const t = setup();
    const either = oneOfAuthenticators(t.auth, keys);
    const seen: AuthEvent[] = [];
    eventHubOf(either)!.add((e) => seen.push(e));
    await expect(
      either.authenticate({ headers: { 'x-api-key': 'svc.wrong-secret-value' } }),
    ).rejects.toThrow();
    await either.authenticate({ headers: { 'x-api-key': 'svc.right-secret-value' } });
    expect(seen).toEqual([
      expect.objectContaining({ type: 'apikey.rejected', code: 'ERR_AUTH_INVALID_API_KEY', status: 401 }),
      expect.objectContaining({ type: 'auth.success', method: 'api_key', subject: 'svc' }),
    ]);
    await expect(
      either.authenticate({ headers: { 'x-api-key': 'svc.x', authorization: 'Bearer a.b.c' } }),
    ).rejects.toThrow();
    expect(seen.at(-1)).toMatchObject({ type: 'auth.failure', code: 'ERR_AUTH_INVALID_REQUEST' });
  });
});

describe('client token manager events', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('token.refreshed, then token.refresh_failed with the HTTP status', async () => {
    const endpoint = await startFakeEndpoint();
    close = endpoint.close;
    endpoint.queue.push({ json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 } });
    const seen: AuthEvent[] = [];
    const tokens = clientCredentials({
      tokenEndpoint: endpoint.tokenEndpoint,
      clientId: 'c',
      clientSecret: 's',
      allowInsecureRequests: true,
      onEvent: (e) => seen.push(e),
      retry: { attempts: 1 },
      // A fixed clock: under load the real one moves between receiving the token and reporting it.
      clock: () => 1_700_000_000_000,
    });
    await tokens.getToken();
    expect(seen[0]).toMatchObject({
      type: 'token.refreshed',
      source: endpoint.tokenEndpoint,
      expiresInSeconds: 300,
      attempts: 1,
    });
    endpoint.queue.push({ status: 401, json: { error: 'invalid_client' } });
    await expect(tokens.getToken({ forceRefresh: true })).rejects.toThrow();
    expect(seen[1]).toMatchObject({ type: 'token.refresh_failed', httpStatus: 401, attempts: 1 });
  });
});
