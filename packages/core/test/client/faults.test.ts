import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ManagedTokenSource,
  MemoryTokenStore,
  RefreshError,
  SubjectMismatchError,
  TokenEndpointError,
  clientCredentials,
  refreshTokens,
} from '../../src/client/index.ts';
import { type FakeEndpoint, fakeTime, jwt, startFakeEndpoint, tokenReply } from '../fixtures/client.ts';

let ep: FakeEndpoint;
let time: ReturnType<typeof fakeTime>;

beforeEach(async () => {
  ep = await startFakeEndpoint();
  time = fakeTime();
});
afterEach(() => ep.close());

function cc(extra: Partial<Parameters<typeof clientCredentials>[0]> = {}): ManagedTokenSource {
  return clientCredentials({
    tokenEndpoint: ep.tokenEndpoint,
    clientId: 'svc',
    clientSecret: 's3cret',
    allowInsecureRequests: true,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    ...extra,
  });
}

describe('client credentials: caching and single flight', () => {
  it('1,000 concurrent getToken calls send exactly one token request', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`);
    const source = cc();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => source.getToken()));
    expect(ep.requests).toHaveLength(1);
    expect(new Set(tokens)).toEqual(new Set(['at-1']));
    expect(source.stats.requests).toBe(1);
  });

  it('serves the cached token, refreshes ahead of expiry (buffer + jitter) in the background', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`, { expires_in: 3600 });
    const source = cc({ random: () => 0 }); // no jitter: refresh exactly 60 s before expiry
    expect(await source.getToken()).toBe('at-1');
    time.advance(3539_000);
    expect(await source.getToken()).toBe('at-1');
    expect(ep.requests).toHaveLength(1);
    time.advance(2_000); // inside the 60 s buffer: old token served, refresh started
    expect(await source.getToken()).toBe('at-1');
    await expect.poll(() => source.peek()).toBe('at-2');
    expect(ep.requests).toHaveLength(2);
  });

  it('jitter spreads the refresh point over [expiry - buffer - jitter, expiry - buffer]', async () => {
    ep.fallback = () => tokenReply('at', { expires_in: 3600 });
    const early = cc({ random: () => 0.999 });
    await early.getToken();
    time.advance(3600_000 - 60_000 - 29_000); // 29 s before the unjittered point: already refreshing
    await early.getToken();
    await expect.poll(() => ep.requests.length).toBe(2);
  });

  it('sends client_secret_basic by default and the requested scope, resource and audience', async () => {
    ep.fallback = () => tokenReply('at');
    await cc({
      scope: ['read:items', 'write:items'],
      resource: 'https://api.example',
      audience: 'api://demo',
    }).getToken();
    const [req] = ep.requests;
    expect(req?.headers.authorization).toBe(`Basic ${btoa('svc:s3cret')}`);
    expect(req?.body.get('grant_type')).toBe('client_credentials');
    expect(req?.body.get('scope')).toBe('read:items write:items');
    expect(req?.body.get('resource')).toBe('https://api.example');
    expect(req?.body.get('audience')).toBe('api://demo');
  });

  it('forceRefresh fetches a new token', async () => {
    let n = 0;
    ep.fallback = () => tokenReply(`at-${++n}`);
    const source = cc();
    expect(await source.getToken()).toBe('at-1');
    expect(await source.getToken({ forceRefresh: true })).toBe('at-2');
  });
});

describe('expiry', () => {
  it('uses the JWT exp when it is earlier than expires_in', async () => {
    const now = Math.floor(time.now / 1000);
    ep.fallback = () => tokenReply(ep.requests.length === 1 ? 'opaque-unused' : 'x', {});
    const token = await jwt({ sub: 'svc', exp: now + 120 });
    ep.queue.push(tokenReply(token, { expires_in: 3600 }));
    const source = cc();
    const set = await source.getTokenSet();
    expect(set.expiresAtMs).toBe((now + 120) * 1000);
  });

  it('uses expires_in when it is earlier than the JWT exp', async () => {
    const now = Math.floor(time.now / 1000);
    const token = await jwt({ sub: 'svc', exp: now + 3600 });
    ep.queue.push(tokenReply(token, { expires_in: 300 }));
    const set = await cc().getTokenSet();
    expect(set.expiresAtMs).toBe(time.now + 300_000);
  });

  it('an opaque token without expires_in gets the short default lifetime', async () => {
    ep.queue.push({ json: { access_token: 'opaque', token_type: 'bearer' } });
    const set = await cc({ defaultLifetimeSeconds: 45 }).getTokenSet();
    expect(set.expiresAtMs).toBe(time.now + 45_000);
  });
});

describe('retries', () => {
  it('503 then success: retried after a jittered backoff', async () => {
    ep.queue.push({ status: 503, text: 'busy' }, tokenReply('at'));
    const source = cc();
    expect(await source.getToken()).toBe('at');
    expect(ep.requests).toHaveLength(2);
    expect(time.sleeps).toHaveLength(1);
    expect(time.sleeps[0]).toBe(125); // random 0.5 × base 250 ms
  });

  it('429 with Retry-After waits at least that long', async () => {
    ep.queue.push(
      { status: 429, headers: { 'retry-after': '3' }, json: { error: 'slow_down' } },
      tokenReply('at'),
    );
    expect(await cc().getToken()).toBe('at');
    expect(time.sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(time.sleeps[0]).toBeLessThan(3300);
  });

  it('a Retry-After beyond maxRetryAfterMs ends the retries with the 429', async () => {
    ep.queue.push({ status: 429, headers: { 'retry-after': '120' } });
    const error = await cc()
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect((error as TokenEndpointError).httpStatus).toBe(429);
    expect((error as TokenEndpointError).retryAfterSeconds).toBe(120);
    expect(ep.requests).toHaveLength(1);
  });

  it('gives up after the configured attempts with a retryable TokenEndpointError', async () => {
    ep.fallback = () => ({ status: 502 });
    const error = await cc({ retry: { attempts: 3 } })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error).toMatchObject({
      code: 'ERR_AUTH_TOKEN_ENDPOINT',
      httpStatus: 502,
      retryable: true,
    });
    // An outgoing call's failure carries no status for a server's error handler to render.
    expect(error).not.toHaveProperty('status');
    expect(ep.requests).toHaveLength(3);
    expect(time.sleeps).toEqual([125, 250]);
  });

  it('never retries invalid_client', async () => {
    ep.fallback = () => ({ status: 401, json: { error: 'invalid_client', error_description: 'bad secret' } });
    const error = (await cc()
      .getToken()
      .catch((e: unknown) => e)) as TokenEndpointError;
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.errorDescription).toBe('bad secret');
    expect(error.message).not.toContain('s3cret');
    expect(ep.requests).toHaveLength(1);
  });

  it('malformed JSON is an invalid-response error, not retried', async () => {
    ep.fallback = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      text: '{"access_token": ',
    });
    const error = (await cc()
      .getToken()
      .catch((e: unknown) => e)) as TokenEndpointError;
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error.message).toBe('The authorization server returned an invalid response');
    expect(error.retryable).toBe(false);
    expect(ep.requests).toHaveLength(1);
  });

  it('a hanging endpoint times out and is retried, then fails', async () => {
    ep.fallback = () => 'hang';
    const started = Date.now();
    const error = (await cc({ timeoutMs: 150, retry: { attempts: 2 } })
      .getToken()
      .catch((e: unknown) => e)) as TokenEndpointError;
    expect(error).toBeInstanceOf(TokenEndpointError);
    expect(error.timedOut).toBe(true);
    expect(error.message).toBe('The authorization server did not answer in time');
    expect(ep.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a network failure is retried', async () => {
    const port = new URL(ep.url).port;
    await ep.close();
    const errors: Error[] = [];
    const source = clientCredentials({
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      clientId: 'svc',
      clientSecret: 'x',
      allowInsecureRequests: true,
      sleep: time.sleep,
      retry: { attempts: 2 },
      onRefreshError: (e) => errors.push(e),
    });
    ep = await startFakeEndpoint();
    await expect(source.getToken()).rejects.toMatchObject({
      message: 'The authorization server could not be reached',
      retryable: true,
    });
    expect(time.sleeps).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });
});

describe('stale while failing', () => {
  it('keeps serving the cached token while refreshes fail, until it truly expires', async () => {
    const errors: Error[] = [];
    ep.queue.push(tokenReply('at-1', { expires_in: 600 }));
    ep.fallback = () => ({ status: 503 });
    const source = cc({ random: () => 0, retry: { attempts: 2 }, onRefreshError: (e) => errors.push(e) });
    expect(await source.getToken()).toBe('at-1');
    time.advance(590_000); // inside the refresh window (buffer = min(60 s, 600 s / 10))
    expect(await source.getToken()).toBe('at-1');
    await expect.poll(() => errors.length).toBe(1);
    expect(await source.getToken()).toBe('at-1');
    time.advance(11_000); // now truly expired
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
  });

  it('after a failed cycle, callers without a token get the last error during the cooldown (no hammering)', async () => {
    ep.fallback = () => ({ status: 503 });
    const source = cc({ retry: { attempts: 2 } });
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
    const sent = ep.requests.length;
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenEndpointError);
    expect(ep.requests.length).toBe(sent);
    time.advance(20_000);
    ep.queue.push(tokenReply('at'));
    expect(await source.getToken()).toBe('at');
  });
});

describe('refresh tokens', () => {
  const issuer = () => ep.url;
  function rt(extra: Partial<Parameters<typeof refreshTokens>[0]> = {}): ManagedTokenSource {
    return refreshTokens({
      issuer: issuer(),
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'web',
      clientSecret: 'web-secret',
      allowInsecureRequests: true,
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
      tokens: { access_token: 'at-0', refresh_token: 'rt-0', expires_in: 0 },
      ...extra,
    });
  }

  it('rotates the refresh token and hands new tokens to onRefresh', async () => {
    const seen: string[] = [];
    ep.queue.push(tokenReply('at-1', { refresh_token: 'rt-1' }));
    const source = rt({ onRefresh: (t) => void seen.push(`${t.accessToken}/${t.refreshToken}`) });
    expect(await source.getToken()).toBe('at-1');
    expect(ep.requests[0]?.body.get('grant_type')).toBe('refresh_token');
    expect(ep.requests[0]?.body.get('refresh_token')).toBe('rt-0');
    ep.queue.push(tokenReply('at-2', { refresh_token: 'rt-2' }));
    await source.getToken({ forceRefresh: true });
    expect(ep.requests[1]?.body.get('refresh_token')).toBe('rt-1');
    expect(seen).toEqual(['at-1/rt-1', 'at-2/rt-2']);
  });

  it('replicas sharing a store refresh with the newest (rotated) refresh token', async () => {
    const store = new MemoryTokenStore();
    ep.queue.push(
      tokenReply('at-1', { refresh_token: 'rt-1' }),
      tokenReply('at-2', { refresh_token: 'rt-2' }),
    );
    const a = rt({ store });
    const b = rt({ store });
    expect(await a.getToken()).toBe('at-1');
    time.advance(1000);
    expect(await b.getToken()).toBe('at-1'); // adopted from the store, no request
    expect(ep.requests).toHaveLength(1);
    expect(await b.getToken({ forceRefresh: true })).toBe('at-2');
    expect(ep.requests[1]?.body.get('refresh_token')).toBe('rt-1');
  });

  it('keeps the old refresh token when the response omits one', async () => {
    ep.queue.push(tokenReply('at-1'), tokenReply('at-2'));
    const source = rt();
    await source.getToken();
    expect((await source.getTokenSet()).refreshToken).toBe('rt-0');
    await source.getToken({ forceRefresh: true });
    expect(ep.requests[1]?.body.get('refresh_token')).toBe('rt-0');
  });

  it('invalid_grant: no retry, RefreshError (sign in again), the grant is dead but the cached token serves until expiry', async () => {
    ep.queue.push(tokenReply('at-1', { expires_in: 600 }));
    ep.fallback = () => ({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'grant revoked' },
    });
    const errors: Error[] = [];
    const source = rt({ random: () => 0, onRefreshError: (e) => errors.push(e) });
    expect(await source.getToken()).toBe('at-1');
    await expect(source.getToken({ forceRefresh: true })).rejects.toBeInstanceOf(RefreshError);
    expect(ep.requests).toHaveLength(2);
    const [error] = errors as [RefreshError];
    expect(error).toMatchObject({
      code: 'ERR_AUTH_REFRESH_FAILED',
      oauthError: 'invalid_grant',
    });
    expect(error).not.toHaveProperty('status');
    expect(error.cause).toBeInstanceOf(TokenEndpointError);
    expect(await source.getToken()).toBe('at-1');
    time.advance(601_000);
    await expect(source.getToken()).rejects.toBeInstanceOf(RefreshError);
    expect(ep.requests).toHaveLength(2); // dead grant: never asked again
  });

  it('a refreshed ID token for another subject fails with SubjectMismatchError and drops the tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: issuer(), aud: 'web', iat: now, exp: now + 600 };
    const original = await jwt({ ...base, sub: 'alice' });
    ep.queue.push(
      tokenReply('at-1', { id_token: await jwt({ ...base, sub: 'alice' }), refresh_token: 'rt-1' }),
    );
    ep.queue.push(
      tokenReply('at-2', { id_token: await jwt({ ...base, sub: 'mallory' }), refresh_token: 'rt-2' }),
    );
    const source = refreshTokens({
      issuer: issuer(),
      tokenEndpoint: ep.tokenEndpoint,
      clientId: 'web',
      clientSecret: 'web-secret',
      allowInsecureRequests: true,
      tokens: { refresh_token: 'rt-0', id_token: original },
    });
    expect(await source.getToken()).toBe('at-1');
    const error = await source.getToken({ forceRefresh: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubjectMismatchError);
    expect(error).toMatchObject({ code: 'ERR_AUTH_SUBJECT_MISMATCH' });
    expect(error).not.toHaveProperty('status');
    expect(source.peek()).toBeUndefined();
    await expect(source.getToken()).rejects.toBeInstanceOf(SubjectMismatchError);
  });
});

describe('option errors', () => {
  it('throws TypeError naming the option', () => {
    expect(() => clientCredentials({ clientId: 'x', clientSecret: 'y' })).toThrow(/issuer or tokenEndpoint/);
    expect(() => clientCredentials({ tokenEndpoint: 'nope', clientId: 'x', clientSecret: 'y' })).toThrow(
      /tokenEndpoint/,
    );
    expect(() =>
      clientCredentials({ tokenEndpoint: ep.tokenEndpoint, clientId: 'x', clientAuth: 'client_secret_post' }),
    ).toThrow(/clientSecret/);
    expect(() =>
      clientCredentials({ tokenEndpoint: ep.tokenEndpoint, clientId: 'x', clientAuth: 'private_key_jwt' }),
    ).toThrow(/privateKey/);
    expect(() =>
      clientCredentials({
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'x',
        clientSecret: 'y',
        refreshBufferSeconds: -1,
      }),
    ).toThrow(/refreshBufferSeconds must be/);
    expect(() => refreshTokens({ issuer: ep.url, clientId: 'x', tokens: { refresh_token: '' } })).toThrow(
      /refresh_token/,
    );
  });
});
