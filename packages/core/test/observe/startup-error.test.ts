/**
 * StartupError: a warm-up that cannot fetch keys names the issuer, the URL that failed (JWKS or
 * discovery, without userinfo or query) and how, and carries nothing secret at any depth.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import { StartupError } from '../../src/index.ts';
import { warmUp } from '../../src/observe/readiness.ts';
import { toStartupError } from '../../src/observe/startup-error.ts';
import { lateJwksServer, startJwksServer } from '@auth/testing';

/** A port nothing listens on yet (connection refused). */
async function closedPort(): Promise<number> {
  return Number(new URL((await lateJwksServer()).url).port);
}

async function failure(promise: Promise<unknown>): Promise<StartupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StartupError);
  return error as StartupError;
}

const full = (e: unknown) => inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true });

describe('StartupError', () => {
  it('an unreachable JWKS: connection refused, the JWKS URL named without its query', async () => {
    const port = await closedPort();
    const auth = createAuthenticator({
      issuers: [
        {
          issuer: 'https://idp.startup.test',
          audience: 'api',
          jwksUri: `http://127.0.0.1:${port}/keys?api_key=sekrit-query-value`,
        },
      ],
    });
    const error = await failure(warmUp(auth, 'fail'));
    expect(error).toMatchObject({
      name: 'StartupError',
      code: 'ERR_AUTH_STARTUP_KEYS_UNAVAILABLE',
      issuer: 'https://idp.startup.test',
      url: `http://127.0.0.1:${port}/keys`,
      httpStatus: undefined,
      reason: 'request failed (ECONNREFUSED)',
    });
    expect(error.message).toBe(
      `warmUp: start-up failed: the signing keys of "https://idp.startup.test" could not be fetched from http://127.0.0.1:${port}/keys: request failed (ECONNREFUSED)`,
    );
    expect(error.cause).toBeUndefined();
    expect(full(error)).not.toContain('sekrit');
    auth.close();
  });

  it('credentials in the JWKS URL appear nowhere in the error', async () => {
    const port = await closedPort();
    const auth = createAuthenticator({
      issuers: [
        {
          issuer: 'https://idp.startup.test',
          audience: 'api',
          jwksUri: `http://svc:hunter2-pw@127.0.0.1:${port}/jwks`,
        },
      ],
    });
    const error = await failure(warmUp(auth, 'fail'));
    expect(error.url).toBe(`http://127.0.0.1:${port}/jwks`);
    expect(full(error)).not.toMatch(/hunter2|svc:/);
    auth.close();
  });

  it('an answer that is not a JWKS: the status, or what was wrong with the body', async () => {
    const server = await startJwksServer();
    try {
      const auth = () =>
        createAuthenticator({
          issuers: [{ issuer: 'https://idp.startup.test', audience: 'api', jwksUri: server.jwksUri }],
        });
      server.fail('error500', { status: 503 });
      const a = auth();
      expect(await failure(warmUp(a, 'fail'))).toMatchObject({
        url: server.jwksUri,
        httpStatus: 503,
        reason: 'unexpected status 503',
      });
      a.close();
      server.fail('malformed');
      const b = auth();
      const malformed = await failure(warmUp(b, 'fail'));
      expect(malformed.url).toBe(server.jwksUri);
      expect(malformed.message).toContain(server.jwksUri);
      b.close();
    } finally {
      await server.close();
    }
  });

  it('discovery that fails names the discovery URL', async () => {
    const port = await closedPort();
    const issuer = `http://127.0.0.1:${port}`;
    const auth = createAuthenticator({ issuers: [{ issuer, audience: 'api' }] });
    const error = await failure(warmUp(auth, 'fail'));
    expect(error.url).toBe(`${issuer}/.well-known/openid-configuration`);
    expect(error.issuer).toBe(issuer);
    auth.close();
  });

  it('anything else still becomes a StartupError with a fixed reason; a StartupError is kept', () => {
    const odd = toStartupError('a string with a token eyJhbGciOiJIUzI1NiJ9.e30.x', '@auth/x');
    expect(odd).toMatchObject({ reason: 'the key source failed', url: undefined, issuer: undefined });
    expect(odd.message).toBe(
      '@auth/x: start-up failed: the signing keys could not be fetched: the key source failed',
    );
    expect(full(odd)).not.toContain('eyJ');
    expect(toStartupError(odd)).toBe(odd);
  });
});
