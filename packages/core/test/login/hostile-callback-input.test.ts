/**
 * Hostile input at the callback and the back-channel endpoint, without an IdP (discovery stubbed,
 * no token endpoint reached): every case ends in a typed AuthError, never a TypeError or a crash,
 * and no error (message, cause, at any depth) repeats the attacker's text or a state value.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isAuthError } from '../../src/errors.ts';
import { createWebLogin, LogoutTokenError } from '../../src/login/index.ts';
import { KEY_1 } from './login-fixtures.ts';

const CALLBACK = 'http://127.0.0.1:3000/callback';
const MAX_DESCRIPTION = 500; // documented bound on errorDescription
let tokenCalls = 0;

function makeLogin() {
  return createWebLogin({
    issuer: 'https://id.example',
    clientId: 'app',
    clientSecret: 'secret',
    redirectUri: CALLBACK,
    cookieKeys: [KEY_1],
    fetch: async (input) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.endsWith('/token')) {
        tokenCalls++;
        return Response.json({ error: 'invalid_grant' }, { status: 400 });
      }
      return Response.json({
        issuer: 'https://id.example',
        authorization_endpoint: 'https://id.example/auth',
        token_endpoint: 'https://id.example/token',
        jwks_uri: 'https://id.example/jwks',
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    },
  });
}

async function pending() {
  const login = makeLogin();
  const { url, setCookie } = await login.startLogin();
  const state = url.searchParams.get('state') as string;
  return { login, state, cookie: (setCookie[0] as string).split(';', 1)[0] as string };
}

describe('hostile callback input', () => {
  it.each([
    ['missing code', (s: string) => `?state=${s}`],
    ['repeated code', (s: string) => `?state=${s}&code=a&code=b`],
    ['repeated state', (s: string) => `?state=${s}&state=${s}&code=a`],
    ['empty code', (s: string) => `?state=${s}&code=`],
    [
      'error with a huge description',
      (s: string) => `?state=${s}&error=access_denied&error_description=${'SECRETX'.repeat(20_000)}`,
    ],
    ['error code with quotes and newlines', (s: string) => `?state=${s}&error=%22%0D%0ASet-Cookie:%20x%3D1`],
    ['code and error together', (s: string) => `?state=${s}&code=a&error=access_denied`],
  ])('%s: a typed error before any code exchange, no crash, nothing echoed', async (_name, query) => {
    const { login, state, cookie } = await pending();
    const before = tokenCalls;
    const error = await login.finishLogin(`${CALLBACK}${query(state)}`, cookie).catch((e: unknown) => e);
    expect(isAuthError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(TypeError);
    // errorDescription is the server's text, kept as a documented property: not in message or cause.
    const { errorDescription: _kept, ...rest } = error as { errorDescription?: string };
    const text = `${(error as Error).message} ${inspect(rest, { depth: 20 })} ${inspect((error as Error).cause, { depth: 20 })}`;
    expect(text).not.toContain(state);
    expect(text).not.toContain('SECRETX');
    expect(text).not.toMatch(/Set-Cookie/);
    expect(tokenCalls).toBe(before);
  });

  it('error_description is kept bounded and without control characters (it may reach a log line)', async () => {
    const { login, state, cookie } = await pending();
    const long = `${'d'.repeat(5_000)}`;
    const huge = await login
      .finishLogin(`${CALLBACK}?state=${state}&error=access_denied&error_description=${long}`, cookie)
      .catch((e: unknown) => e);
    expect((huge as { errorDescription?: string }).errorDescription).toBe('d'.repeat(MAX_DESCRIPTION));
    const second = await pending();
    const forged = await second.login
      .finishLogin(
        `${CALLBACK}?state=${second.state}&error=access_denied&error_description=ok%0D%0Aforged%20line%00`,
        second.cookie,
      )
      .catch((e: unknown) => e);
    expect((forged as { errorDescription?: string }).errorDescription).toBe('ok  forged line ');
  });

  it.each([
    ['not a URL', 'not a url'],
    ['no query', CALLBACK],
    ['state only in the fragment', `${CALLBACK}#state=abc&code=x`],
  ])('%s: StateMismatchError', async (_name, url) => {
    const { login, cookie } = await pending();
    await expect(login.finishLogin(url, cookie)).rejects.toMatchObject({
      code: 'ERR_AUTH_LOGIN_STATE_MISMATCH',
    });
  });
});

describe('hostile back-channel logout bodies', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a parsed object (body parser ran first)', { logout_token: 'x' }],
    ['a Buffer', Buffer.from('logout_token=x')],
    ['a huge form', `logout_token=${'a'.repeat(1_000_000)}`],
    ['repeated tokens', 'logout_token=a&logout_token=b'],
  ])('%s: LogoutTokenError, not a TypeError', async (_name, body) => {
    const login = makeLogin();
    const error = await login.handleBackchannelLogout(body as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogoutTokenError);
    expect(inspect(error, { depth: 20 })).not.toContain('a'.repeat(100));
  });
});

describe('secrets in back-channel logout errors', () => {
  it('no error message or cause repeats the logout token or its claims', async () => {
    const login = makeLogin();
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', typ: 'logout+jwt', kid: 'k' })}.${b64({ sub: 'MARKER-SUB', sid: 'MARKER-SID' })}.${'c2ln'.repeat(20)}`;
    const error = await login
      .handleBackchannelLogout(new URLSearchParams({ logout_token: token }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogoutTokenError);
    const text = inspect(error, { depth: 20 });
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain('MARKER');
  });
});
