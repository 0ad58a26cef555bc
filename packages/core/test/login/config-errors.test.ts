/** Setup mistakes of web login (options, cookies, sealing keys, session stores) are ConfigurationErrors. */
import { describe, expect, it } from 'vitest';
import {
  cookieName,
  cookieSessionStore,
  cookieSettings,
  createSealer,
  createWebLogin,
  memorySessionStore,
  serializeCookie,
} from '../../src/login/index.ts';
import { expectConfigurationError, expectPlainTypeError } from '../fixtures/configuration-error.ts';

const settings = cookieSettings('https://app.example.com/callback');

describe('web login: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['createWebLogin(null)', () => createWebLogin(null as never), 'options are required'],
    [
      'createWebLogin with an http issuer URL that does not parse',
      () =>
        createWebLogin({
          issuer: 'not a url',
          clientId: 'c',
          redirectUri: 'https://app.example/cb',
        } as never),
      /issuer must be an absolute URL|cookieKeys/,
    ],
    ['createSealer([])', () => createSealer([]), 'keys must be a non-empty array'],
    [
      'createSealer with a short secret',
      () => createSealer([{ id: 'k1', secret: 'too-short' }]),
      'key "k1": secret must be at least 32 bytes (value not shown)',
    ],
    [
      'cookieSettings for a plain-http app outside loopback',
      () => cookieSettings('http://app.example.com/callback'),
      'An http:// app outside loopback cannot keep Secure cookies',
    ],
    [
      'cookieName with a space',
      () => cookieName('my session', settings),
      'cookie name must be a valid token',
    ],
    [
      'memorySessionStore({ maxSessions: 0 })',
      () => memorySessionStore({ maxSessions: 0 } as never),
      'maxSessions must be an integer >= 1',
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });

  it('the messages never carry the secret', () => {
    const error = expectConfigurationError(
      () => createSealer([{ id: 'k1', secret: 'hunter2-hunter2' }]),
      /secret must be at least 32 bytes/,
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('session stores: a bad lifetime or a misspelt option is a ConfigurationError, not a silent default', () => {
    const sealer = createSealer([{ id: 'k1', secret: 'x'.repeat(32) }]);
    expectConfigurationError(
      () => cookieSessionStore({ name: 'session', settings, sealer, absoluteLifetimeSeconds: -1 }),
      'absoluteLifetimeSeconds must be a number of seconds > 0',
    );
    expectConfigurationError(
      () => cookieSessionStore({ name: 'session', settings, sealer, absoluteSeconds: 60 } as never),
      'cookieSessionStore(): unknown option "absoluteSeconds"',
    );
    expectConfigurationError(
      () => memorySessionStore({ name: 'session', settings, idleSeconds: 60 } as never),
      'memorySessionStore(): unknown option "idleSeconds"',
    );
  });

  it('serializeCookie (called per response) keeps its plain TypeError', () => {
    expectPlainTypeError(() => serializeCookie('session', 'a;b', settings), 'cookie value holds characters');
  });
});
