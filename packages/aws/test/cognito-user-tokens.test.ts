import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cognito, createVerifier } from '@auth/core';
import { authFetch } from '@auth/core/client';
import { type CognitoIdpServer, startCognitoIdpServer } from '@auth/testing';
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CognitoError, type CognitoUserTokensOptions, cognitoUserTokens } from '../src/index.ts';
import { emulatorClient } from './support/cognito-local.ts';

let idp: CognitoIdpServer;
let sdk: CognitoIdentityProviderClient;
const PUBLIC = 'cli-public';
const SECRET_CLIENT = 'cli-secret';
const CLIENT_SECRET = `s-${randomUUID()}`;

beforeAll(async () => {
  idp = await startCognitoIdpServer({
    userPoolId: 'local_srpPool1',
    clients: [{ clientId: PUBLIC }, { clientId: SECRET_CLIENT, clientSecret: CLIENT_SECRET }],
    tokenLifetimeSeconds: 300,
  });
  sdk = new CognitoIdentityProviderClient({
    endpoint: idp.url,
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  sdk.destroy();
  await idp.close();
});

const newUser = (over: Partial<Parameters<CognitoIdpServer['addUser']>[0]> = {}) => {
  const email = `u-${randomUUID().slice(0, 8)}@example.test`;
  const password = `Pw-${randomUUID()}`;
  const sub = idp.addUser({
    email,
    password,
    groups: ['acme'],
    attributes: { 'custom:role': 'CLIENT_USER' },
    ...over,
  });
  return { email, password: over.password ?? password, sub };
};
const tokensFor = (
  over: Partial<CognitoUserTokensOptions> & Pick<CognitoUserTokensOptions, 'username' | 'password'>,
) => cognitoUserTokens({ userPoolId: idp.userPoolId, clientId: PUBLIC, flow: 'srp', client: sdk, ...over });

/** Every string an error exposes: message, stack, own properties, cause chain. */
const exposed = (err: unknown): string => {
  const e = err as Error;
  return JSON.stringify({
    ...(e as object),
    message: e.message,
    stack: e.stack,
    cause: e.cause === undefined ? undefined : exposed(e.cause),
  });
};

describe('cognitoUserTokens, USER_SRP_AUTH against the loopback server', () => {
  it('signs in with SRP; the access token verifies with cognito({ endpoint })', async () => {
    const { email, password, sub } = newUser();
    const tokens = tokensFor({ username: email, password });
    const token = await tokens.getToken();
    const verifier = createVerifier({
      issuers: [
        cognito({ region: 'local', userPoolId: idp.userPoolId, clientId: PUBLIC, endpoint: idp.url }),
      ],
    });
    const principal = await verifier.verify(token);
    expect(principal).toMatchObject({ subject: sub, clientId: PUBLIC, tokenUse: 'access', groups: ['acme'] });
    expect(idp.calls.slice(-2)).toEqual([
      { operation: 'InitiateAuth', flow: 'USER_SRP_AUTH' },
      { operation: 'RespondToAuthChallenge', flow: 'PASSWORD_VERIFIER' },
    ]);
    const set = await tokens.getTokenSet();
    expect(set.idToken).toBeTypeOf('string');
    expect(set.refreshToken).toBeTypeOf('string');
    verifier.close();
  });

  it('sends SECRET_HASH for an app client with a secret (SRP and password flows)', async () => {
    const { email, password } = newUser();
    for (const flow of ['srp', 'password'] as const) {
      const token = await tokensFor({
        username: email,
        password,
        flow,
        clientId: SECRET_CLIENT,
        clientSecret: CLIENT_SECRET,
      }).getToken();
      expect(token.split('.')).toHaveLength(3);
    }
    // Without the secret the server refuses: not a credentials error.
    const err = await tokensFor({ username: email, password, clientId: SECRET_CLIENT })
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'ERR_COGNITO_NOT_AUTHORIZED',
      awsErrorName: 'NotAuthorizedException',
      httpStatus: 400,
    });
  });

  it('USER_PASSWORD_AUTH signs in too', async () => {
    const { email, password } = newUser();
    await tokensFor({ username: email, password, flow: 'password' }).getToken();
    expect(idp.calls.at(-1)).toEqual({ operation: 'InitiateAuth', flow: 'USER_PASSWORD_AUTH' });
  });

  it.each(['srp', 'password'] as const)(
    '%s: wrong password, unknown, unconfirmed, disabled users are distinct typed errors without the password',
    async (flow) => {
      const ok = newUser();
      const unconfirmed = newUser({ status: 'UNCONFIRMED' });
      const disabled = newUser({ enabled: false });
      const reset = newUser({ status: 'RESET_REQUIRED' });
      const wrong = `Wrong-${randomUUID()}`;
      const cases: [string, string, string][] = [
        [ok.email, wrong, 'ERR_COGNITO_INVALID_CREDENTIALS'],
        [`nobody-${randomUUID()}@example.test`, wrong, 'ERR_COGNITO_USER_NOT_FOUND'],
        [unconfirmed.email, unconfirmed.password, 'ERR_COGNITO_USER_NOT_CONFIRMED'],
        [disabled.email, disabled.password, 'ERR_COGNITO_USER_DISABLED'],
        [reset.email, reset.password, 'ERR_COGNITO_PASSWORD_RESET_REQUIRED'],
      ];
      for (const [username, password, code] of cases) {
        const tokens = tokensFor({ username, password, flow });
        const err = await tokens.getToken().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CognitoError);
        expect({ username, code: (err as CognitoError).code }).toEqual({ username, code });
        expect((err as CognitoError).httpStatus).toBe(400);
        expect(exposed(err)).not.toContain(password);
        expect(JSON.stringify(tokens)).not.toContain(password);
        // The grant is dead: no second attempt with a password that cannot work.
        const calls = idp.calls.length;
        await expect(tokens.getToken()).rejects.toBe(err);
        expect(idp.calls.length).toBe(calls);
      }
    },
  );

  it('NEW_PASSWORD_REQUIRED: a typed error without a handler; answered by onNewPasswordRequired', async () => {
    const { email, password } = newUser({ status: 'FORCE_CHANGE_PASSWORD' });
    await expect(tokensFor({ username: email, password }).getToken()).rejects.toMatchObject({
      code: 'ERR_COGNITO_NEW_PASSWORD_REQUIRED',
    });
    const next = `New-${randomUUID()}`;
    const seen: unknown[] = [];
    const tokens = tokensFor({
      username: email,
      password,
      onNewPasswordRequired: (challenge) => {
        seen.push(challenge);
        return next;
      },
    });
    await tokens.getToken();
    expect(seen).toEqual([expect.objectContaining({ userAttributes: { email }, requiredAttributes: [] })]);
    expect(idp.user(email)).toMatchObject({ status: 'CONFIRMED', password: next });
    // The new password works with SRP afterwards.
    await tokensFor({ username: email, password: next }).getToken();
  });

  it('after NEW_PASSWORD_REQUIRED, a sign-in again (refresh token refused) uses the new password', async () => {
    const { email, password } = newUser({ status: 'FORCE_CHANGE_PASSWORD' });
    const tokens = tokensFor({
      username: email,
      password,
      onNewPasswordRequired: () => `New-${randomUUID()}`,
    });
    const first = await tokens.getToken();
    idp.failNext(1, {
      type: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
      operation: 'InitiateAuth',
    });
    expect(await tokens.getToken({ forceRefresh: true })).not.toBe(first);
  });

  it('refreshes through REFRESH_TOKEN_AUTH ahead of expiry, single flight for concurrent callers', async () => {
    const { email, password } = newUser();
    let now = Date.now();
    const tokens = tokensFor({
      username: email,
      password,
      clock: () => now,
      refreshBufferSeconds: 30,
      refreshJitterSeconds: 0,
    });
    const first = await tokens.getToken();
    const before = idp.calls.length;
    now += 290_000; // 10 s before expiry: inside the 30 s buffer (capped at a tenth of 300 s)
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken({ forceRefresh: false })));
    expect(got.every((t) => t === first)).toBe(true); // served while the refresh runs in the background
    await new Promise((r) => setTimeout(r, 200));
    const refreshCalls = idp.calls.slice(before);
    expect(refreshCalls).toEqual([{ operation: 'InitiateAuth', flow: 'REFRESH_TOKEN_AUTH' }]);
    expect(await tokens.getToken()).not.toBe(first);
    expect(tokens.stats.refreshes).toBe(2);
  });

  it('a refresh token Cognito refuses falls back to a new SRP sign-in', async () => {
    const { email, password } = newUser();
    const tokens = tokensFor({ username: email, password });
    await tokens.getToken();
    idp.failNext(1, {
      type: 'NotAuthorizedException',
      message: 'Refresh Token has expired',
      operation: 'InitiateAuth',
    });
    const before = idp.calls.length;
    await tokens.getToken({ forceRefresh: true });
    expect(idp.calls.slice(before).map((c) => c.flow)).toEqual([
      'REFRESH_TOKEN_AUTH',
      'USER_SRP_AUTH',
      'PASSWORD_VERIFIER',
    ]);
  });

  it('throttling → ERR_COGNITO_THROTTLED (retryable, status 400, AWS name); server down → ERR_COGNITO_UNAVAILABLE', async () => {
    const { email, password } = newUser();
    idp.failNext(1);
    const throttled = await tokensFor({ username: email, password })
      .getToken()
      .catch((e: unknown) => e);
    expect(throttled).toMatchObject({
      code: 'ERR_COGNITO_THROTTLED',
      retryable: true,
      httpStatus: 400,
      awsErrorName: 'TooManyRequestsException',
    });
    expect(exposed(throttled)).not.toContain(password);
    const down = new CognitoIdentityProviderClient({
      endpoint: 'http://127.0.0.1:9',
      region: 'local',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 1,
    });
    const err = await tokensFor({ username: email, password, client: down })
      .getToken()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_COGNITO_UNAVAILABLE', retryable: true, httpStatus: undefined });
    expect(exposed(err)).not.toContain(password);
    down.destroy();
  });

  it('works with authFetch: the API receives the user access token', async () => {
    const { email, password } = newUser();
    const seen: (string | undefined)[] = [];
    const api = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('ok');
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    const tokens = tokensFor({ username: email, password });
    const res = await authFetch(tokens, { allowedOrigins: [origin] })(`${origin}/x`);
    expect(res.status).toBe(200);
    expect(seen).toEqual([`Bearer ${await tokens.getToken()}`]);
    await new Promise((r) => api.close(r));
  });

  it('option misuse is a TypeError at setup', () => {
    const base = {
      userPoolId: idp.userPoolId,
      clientId: PUBLIC,
      username: 'a',
      password: 'b',
      flow: 'srp',
    } as const;
    expect(() => cognitoUserTokens({ ...base, flow: 'magic' as never })).toThrow(TypeError);
    expect(() => cognitoUserTokens({ ...base, password: '' })).toThrow(TypeError);
    expect(() => cognitoUserTokens({ ...base, pasword: 'x' } as never)).toThrow(TypeError);
    expect(() => cognitoUserTokens({ ...base, userPoolId: 'nope' })).toThrow(TypeError);
  });
});

describe('cognitoUserTokens, USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH against cognito-local', () => {
  const emu = inject('cognito');
  it('signs in with the password flow and refreshes; the token verifies with cognito({ endpoint })', async () => {
    const local = emulatorClient(emu.endpoint);
    const email = `pw-${randomUUID().slice(0, 8)}@example.test`;
    const temporary = `Tmp-${randomUUID()}`;
    await local.send(
      new AdminCreateUserCommand({
        UserPoolId: emu.userPoolId,
        Username: email,
        TemporaryPassword: temporary,
        MessageAction: 'SUPPRESS',
      }),
    );
    const permanent = `Pw-${randomUUID()}`;
    const tokens = cognitoUserTokens({
      userPoolId: emu.userPoolId,
      clientId: emu.clientId,
      username: email,
      password: temporary,
      flow: 'password',
      client: local,
      onNewPasswordRequired: () => permanent,
    });
    const first = await tokens.getToken();
    const verifier = createVerifier({
      issuers: [
        cognito({
          region: 'local',
          userPoolId: emu.userPoolId,
          clientId: emu.clientId,
          endpoint: emu.endpoint,
        }),
      ],
    });
    expect((await verifier.verify(first)).tokenUse).toBe('access');
    const refreshed = await tokens.getToken({ forceRefresh: true });
    expect(refreshed).not.toBe(first);
    expect((await verifier.verify(refreshed)).clientId).toBe(emu.clientId);
    const wrong = await cognitoUserTokens({
      userPoolId: emu.userPoolId,
      clientId: emu.clientId,
      username: email,
      password: 'Wrong-1',
      flow: 'password',
      client: local,
    })
      .getToken()
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'ERR_COGNITO_INVALID_CREDENTIALS' });
    verifier.close();
    local.destroy();
  });
});
