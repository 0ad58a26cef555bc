/**
 * Token material never reaches an error's cause chain: oauth4webapi attaches the parsed response body
 * (access, refresh and ID tokens), the Response and ID token claims to the errors it throws, and a
 * JSON parse error echoes the start of the body in its message. `util.inspect` at any depth must show
 * none of it, on every client path.
 */
import { inspect } from 'node:util';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DiscoveryError,
  RefreshError,
  TokenEndpointError,
  authFetch,
  clientCredentials,
  introspectToken,
  refreshTokens,
  revokeToken,
} from '../../src/client/index.ts';
import { authInterceptor } from '../../src/client/undici.ts';
import { type FakeEndpoint, type Reply, fakeTime, jwt, startFakeEndpoint } from '../fixtures/client.ts';

const AT = 'at-SECRET-8f3a91c2';
const RT = 'rt-SECRET-77b0e4d1';
const SENT_RT = 'rt-SENT-51c9aa07';
const CLIENT_SECRET = 'cs-SECRET-0d2e6b13';
const SECRETS = [AT, RT, SENT_RT, CLIENT_SECRET];

let ep: FakeEndpoint;
let time: ReturnType<typeof fakeTime>;

beforeEach(async () => {
  ep = await startFakeEndpoint();
  time = fakeTime();
});
afterEach(() => ep.close());

function shown(error: unknown): string {
  return [
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    inspect(error, { depth: Number.POSITIVE_INFINITY }),
  ].join('\n');
}

function expectNoSecret(error: unknown): void {
  const text = shown(error);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // The signature segment of an ID token is as secret as the token.
  expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const tokens = (extra: Record<string, unknown> = {}) => ({
  access_token: AT,
  refresh_token: RT,
  token_type: 'Bearer',
  expires_in: 3600,
  ...extra,
});

/** Malformed token responses that oauth4webapi (or JSON parsing) rejects with the body at hand. */
const malformedTokenResponses: Array<[string, () => Reply | Promise<Reply>]> = [
  ['token_type "mac"', () => ({ json: tokens({ token_type: 'mac' }) })],
  ['expires_in that is not a number', () => ({ json: tokens({ expires_in: 'soon' }) })],
  ['negative expires_in', () => ({ json: tokens({ expires_in: -1 }) })],
  ['no access_token, a refresh_token', () => ({ json: { refresh_token: RT, token_type: 'Bearer' } })],
  ['a non-string scope', () => ({ json: tokens({ scope: [AT] }) })],
  [
    'truncated JSON carrying the tokens',
    () => ({
      headers: { 'content-type': 'application/json' },
      text: `{"access_token":"${AT}","refresh_token":"${RT}","token_type":`,
    }),
  ],
  [
    'JSON with a trailing garbage byte',
    () => ({ headers: { 'content-type': 'application/json' }, text: `${JSON.stringify(tokens())}x` }),
  ],
  [
    'an unquoted token in JSON (the parse error quotes the input)',
    () => ({ headers: { 'content-type': 'application/json' }, text: `{"access_token": ${AT}}` }),
  ],
  ['a bare token where JSON belongs', () => ({ headers: { 'content-type': 'application/json' }, text: AT })],
  ['a JSON array', () => ({ json: [AT, RT] })],
  [
    'a 400 error body that also carries tokens',
    () => ({ status: 400, json: tokens({ error: 'invalid_request' }) }),
  ],
  [
    'a 401 challenge beside a body with tokens',
    () => ({
      status: 401,
      headers: { 'www-authenticate': 'Basic realm="idp", error="invalid_client"' },
      json: tokens(),
    }),
  ],
  [
    'an ID token for another issuer',
    async () => ({
      json: tokens({ id_token: await jwt({ iss: 'https://evil.example', sub: AT, aud: 'web' }) }),
    }),
  ],
];

describe('token material never reaches error causes', () => {
  it.each(malformedTokenResponses)('client credentials: %s', async (_, reply) => {
    ep.queue.push(await reply());
    const error = await failure(
      clientCredentials({
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'svc',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        clock: time.clock,
        sleep: time.sleep,
        retry: { attempts: 1 },
      }).getToken(),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expectNoSecret(error);
  });

  it.each(malformedTokenResponses)('refresh: %s', async (_, reply) => {
    ep.queue.push(await reply());
    const errors: Error[] = [];
    const error = await failure(
      refreshTokens({
        issuer: ep.url,
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'web',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        clock: time.clock,
        sleep: time.sleep,
        retry: { attempts: 1 },
        tokens: { refresh_token: SENT_RT },
        onRefreshError: (e) => errors.push(e),
      }).getToken(),
    );
    expect(error).toBeInstanceOf(RefreshError);
    expectNoSecret(error);
    expect(errors).toHaveLength(1);
    expectNoSecret(errors[0]);
  });

  it.each([
    ['an active flag that is not a boolean', { json: { active: 'yes', token: AT, refresh_token: RT } }],
    [
      'truncated JSON',
      { headers: { 'content-type': 'application/json' }, text: `{"active":true,"jti":"${AT}` },
    ],
    ['an unquoted token', { headers: { 'content-type': 'application/json' }, text: `{"active": ${AT}}` }],
    ['a 400 body carrying tokens', { status: 400, json: { error: 'invalid_request', token: AT } }],
  ] as Array<[string, Reply]>)('introspection: %s', async (_, reply) => {
    ep.queue.push(reply);
    const error = await failure(
      introspectToken({
        introspectionEndpoint: `${ep.url}/introspect`,
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'svc',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        token: SENT_RT,
      }),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expectNoSecret(error);
  });

  it('revocation: a 400 body carrying tokens', async () => {
    ep.queue.push({ status: 400, json: { error: 'invalid_request', token: SENT_RT, access_token: AT } });
    const error = await failure(
      revokeToken({
        revocationEndpoint: `${ep.url}/revoke`,
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'svc',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        token: SENT_RT,
      }),
    );
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect((error as TokenEndpointError).oauthError).toBe('invalid_request');
    expectNoSecret(error);
  });

  it.each([
    ['truncated JSON', { headers: { 'content-type': 'application/json' }, text: `{"issuer":"${AT}` }],
    ['a bare token', { headers: { 'content-type': 'application/json' }, text: AT }],
    ['an issuer mismatch', { json: { issuer: `https://${AT}.example`, token_endpoint: AT } }],
  ] as Array<[string, Reply]>)('discovery: %s', async (_, reply) => {
    ep.queue.push(reply);
    const error = await failure(
      clientCredentials({
        issuer: `${ep.url}/tenant-${Math.random().toString(36).slice(2)}`,
        clientId: 'svc',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        retry: { attempts: 1 },
      }).getToken(),
    );
    expect(error).toBeInstanceOf(DiscoveryError);
    expectNoSecret(error);
  });

  it('keeps what explains the failure: the library error code and message, one level down', async () => {
    ep.queue.push({ json: tokens({ token_type: 'mac' }) });
    const error = await failure(
      clientCredentials({
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'svc',
        clientSecret: CLIENT_SECRET,
        allowInsecureRequests: true,
        retry: { attempts: 1 },
      }).getToken(),
    );
    const cause = error.cause as Error & { code?: string };
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('UnsupportedOperationError');
    expect(typeof cause.code).toBe('string');
    expect(cause.message).toMatch(/token_type/);
    expect(cause.cause).toBeUndefined();
  });
});

describe('authFetch and the undici interceptor: a credential that is not a valid header value', () => {
  // Fetch's Headers.set quotes the whole rejected value ("Bearer <token>") in its TypeError message.
  const api = 'https://api.example.com';
  const okFetch = async () => new Response('ok');

  for (const [name, bad] of [
    ['a line break', `${AT}\nX-Injected: 1`],
    ['a NUL', `${AT}\u0000`],
    ['a character above U+00FF', `${AT}\u20ac`],
  ] as const) {
    it(`a token with ${name} fails with a typed error that does not quote it`, async () => {
      const f = authFetch({ getToken: async () => bad }, { allowedOrigins: [api], fetch: okFetch });
      const error = await failure(f(`${api}/x`));
      expect(error).toBeInstanceOf(TokenEndpointError);
      expect((error as TokenEndpointError).code).toBe('ERR_AUTH_TOKEN_ENDPOINT');
      expectNoSecret(error);
    });
  }

  it('an API key with a control character is refused at setup without quoting it', () => {
    let error: unknown;
    try {
      authFetch({ getToken: async () => 'ok' }, { allowedOrigins: [api], apiKey: `${CLIENT_SECRET}\nx` });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expectNoSecret(error);
  });

  it('the undici interceptor answers such a token with the same typed error, and checks the API key at setup', async () => {
    const dispatcher = new Agent().compose(
      authInterceptor({ getToken: async () => `${AT}\nX` }, { allowedOrigins: [api] }),
    );
    try {
      const error = await failure(request(`${api}/x`, { dispatcher }));
      expect(error).toBeInstanceOf(TokenEndpointError);
      expectNoSecret(error);
    } finally {
      await dispatcher.close();
    }
    expect(() =>
      authInterceptor(
        { getToken: async () => 'ok' },
        { allowedOrigins: [api], apiKey: `${CLIENT_SECRET}\u0000` },
      ),
    ).toThrow(TypeError);
  });
});
