/**
 * No credential bytes in any event, log record or debug line: hostile tokens (the whole hostile table,
 * tokens in the query and the body, tokens sent twice, oversized ones), rejected and accepted API keys,
 * and a client whose token endpoint fails, all with every output at its most verbose level — `onEvent`,
 * a capturing pino-style logger at `debug`, and the `debug` stderr printer. Then the output is grepped
 * for each token, each of its segments, each secret.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { apiKeyHeaderAuth, apiKeyPairAuth } from '../../src/apikey/api-key-auth.ts';
import { memorySecretStore } from '../../src/apikey/store.ts';
import { createAuthBinding } from '../../src/binding/auth-binding.ts';
import { compileRouteRequirement } from '../../src/binding/route-requirement.ts';
import { clientCredentials } from '../../src/client/client-credentials.ts';
import { refreshTokens } from '../../src/client/refresh-tokens.ts';
import type { AuthEvent } from '../../src/observe/events.ts';
import { formatEvent, loggerListener } from '../../src/observe/format.ts';
import type { RequestLike } from '../../src/types.ts';
import { AUD, cases, claims, clock, ISS, JWKS_URI, jwks, rs, rsToken } from '../fixtures/hostile-cases.ts';
import { signToken } from '../fixtures/jws.ts';
import { startFakeEndpoint } from '../fixtures/client.ts';

/** Everything any output channel produced. */
const output: string[] = [];
const levels = new Set<string>();
const logger = Object.fromEntries(
  (['debug', 'info', 'warn', 'error'] as const).map((level) => [
    level,
    (obj: unknown, msg?: string) => {
      levels.add(level);
      output.push(JSON.stringify(obj), String(msg));
    },
  ]),
) as unknown as Parameters<typeof loggerListener>[0];
const toLogger = loggerListener(logger, { minLevel: 'debug' });
const events: AuthEvent[] = [];
const onEvent = (e: AuthEvent) => {
  events.push(e);
  output.push(JSON.stringify(e), formatEvent(e));
  toLogger(e);
};
const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
  output.push(String(chunk));
  return true;
});
afterAll(() => stderr.mockRestore());

/** Secrets to grep for: the whole value and, for JWS-looking values, every segment of 12+ characters. */
const secrets = new Set<string>();
function secret(value: string): string {
  if (value.length >= 12) secrets.add(value);
  for (const part of value.split(/[.\s,]/)) if (part.length >= 12) secrets.add(part);
  return value;
}

function leaks(): string[] {
  const all = output.join('\n');
  return [...secrets].filter((s) => all.includes(s));
}

function bindingFor(options: Parameters<typeof createAuthenticator>[0]) {
  const auth = createAuthenticator(options);
  return createAuthBinding<RequestLike>(auth, {
    where: 'leak test',
    requestOf: (r) => r,
    contextOf: () => ({ params: {} }),
  });
}

describe('no token, signature, secret or refresh token in any event or log line', () => {
  it('every hostile token, in the header, the query, the body, twice, oversized', async () => {
    const binding = bindingFor({
      issuers: [{ issuer: ISS, audience: AUD, jwksUri: JWKS_URI }],
      clock,
      fetch: async () => Response.json({ keys: jwks }),
      tokenLocations: { query: true, body: true },
      onEvent,
      debug: true,
    });
    const strict = compileRouteRequirement({ scopes: ['admin:all'] }, { where: 'leak test' });
    const plain = compileRouteRequirement(true, { where: 'leak test' });
    for (const c of cases) {
      const token = secret(c.token());
      for (const request of [
        { headers: { authorization: `Bearer ${token}` } },
        { headers: { authorization: `Bearer ${token}` } }, // a second time: cache hits
        { headers: {}, url: `/x?access_token=${encodeURIComponent(token)}` },
        {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          method: 'POST',
          body: { access_token: token },
        },
        {
          headers: { authorization: `Bearer ${token}` },
          url: `/x?access_token=${encodeURIComponent(token)}`,
        },
        { headers: { authorization: `Bearer ${token}`, 'x-forwarded': token } },
      ] as RequestLike[]) {
        await binding.run(request, plain);
        await binding.run(request, strict);
      }
    }
    const big = secret(rsToken({ pad: 'x'.repeat(9000) }));
    await binding.run({ headers: { authorization: `Bearer ${big}` } }, plain);
    const garbage = secret(`Bearer ${'A'.repeat(40)}.${'B'.repeat(40)}`);
    await binding.run({ headers: { authorization: garbage } }, plain);
    await binding.run(
      { headers: { authorization: ['Bearer one-token-value-xx', 'Bearer two-token-value-xx'] } },
      plain,
    );
    secret('one-token-value-xx');
    secret('two-token-value-xx');
    // A control character or a newline in token fields cannot forge a log line.
    const forged = secret(signToken(rs, claims({ iss: `${ISS}\nauth error forged line`, aud: 'x\r\ny' })));
    await binding.run({ headers: { authorization: `Bearer ${forged}` } }, plain);
    expect(events.some((e) => e.type === 'auth.success')).toBe(true);
    expect(events.filter((e) => e.type === 'auth.failure').length).toBeGreaterThan(cases.length * 6);
    expect(levels).toContain('debug');
    expect(
      output.filter((l) => l.startsWith('auth ')).every((l) => l.trimEnd().split('\n').length === 1),
    ).toBe(true);
    expect(leaks()).toEqual([]);
  });

  it('API keys: wrong and right secrets, both header styles', async () => {
    const store = memorySecretStore({ svc: { token: 'the-right-api-secret-1234' } });
    secret('the-right-api-secret-1234');
    const header = apiKeyHeaderAuth({ store, onEvent, debug: true });
    const pair = apiKeyPairAuth({ store, onEvent, debug: true });
    for (const attempt of [
      'the-right-api-secret-1234',
      'a-wrong-api-secret-5678!!',
      'bad\nsecret-with-newline-x',
    ]) {
      secret(attempt);
      await header.authenticate({ headers: { 'x-api-key': `svc.${attempt}` } }).catch(() => {});
      await header.authenticate({ headers: { 'x-api-key': `nobody.${attempt}` } }).catch(() => {});
      await pair
        .authenticate({ headers: { 'x-principal-id': 'svc', 'x-principal-token': attempt } })
        .catch(() => {});
      await pair.authenticate({ headers: { 'x-principal-token': attempt } }).catch(() => {});
    }
    expect(events.some((e) => e.type === 'apikey.rejected')).toBe(true);
    expect(leaks()).toEqual([]);
  });

  it('client: client secret, access and refresh tokens, failing and succeeding token endpoints', async () => {
    const ep = await startFakeEndpoint();
    try {
      const clientSecret = secret('client-secret-value-0001');
      const access = secret('access-token-value-00001');
      const refresh = secret('refresh-token-value-0001');
      const rotated = secret('refresh-token-value-0002');
      ep.queue.push({
        json: { access_token: access, token_type: 'Bearer', expires_in: 300, refresh_token: rotated },
      });
      ep.queue.push({
        status: 400,
        json: { error: 'invalid_grant', error_description: 'refresh token revoked' },
      });
      ep.queue.push({ status: 500, text: 'down' });
      const rt = refreshTokens({
        issuer: ep.url,
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'web',
        clientSecret,
        allowInsecureRequests: true,
        retry: { attempts: 1 },
        tokens: { access_token: 'at-0', refresh_token: refresh, expires_in: 0 },
        onEvent,
        debug: true,
      });
      await rt.getToken();
      await rt.getToken({ forceRefresh: true }).catch(() => {});
      const cc = clientCredentials({
        tokenEndpoint: ep.tokenEndpoint,
        clientId: 'svc',
        clientSecret,
        allowInsecureRequests: true,
        retry: { attempts: 1 },
        onEvent,
        debug: true,
      });
      await cc.getToken().catch(() => {});
      expect(events.some((e) => e.type === 'token.refreshed')).toBe(true);
      expect(events.some((e) => e.type === 'token.refresh_failed')).toBe(true);
      expect(leaks()).toEqual([]);
    } finally {
      await ep.close();
    }
  });

  it('the grep finds a token when one is there (the check itself works)', () => {
    const token = rsToken();
    const before = output.length;
    output.push(`oops ${token}`);
    secrets.add(token);
    expect(leaks()).toContain(token);
    output.length = before;
    secrets.delete(token);
  });
});
