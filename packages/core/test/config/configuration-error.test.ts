/**
 * Start-up mistakes are ConfigurationErrors: still TypeErrors (older catch blocks and tests keep
 * working), with a stable code, the variable's name when the setting came from the environment, and
 * never the value.
 */
import { describe, expect, it } from 'vitest';
import { ConfigurationError, cognito, createVerifier, verifierOptionsFromEnv } from '../../src/index.ts';
import { clientCredentials } from '../../src/client/index.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('start-up mistakes are ConfigurationErrors that are still TypeErrors', () => {
  it('a bad environment variable names the variable, not its value', () => {
    const error = thrown(() =>
      verifierOptionsFromEnv({
        AUTH_ISSUER: 'https://idp.example',
        AUTH_AUDIENCE: 'api',
        AUTH_HMAC_SECRET: 'hunter2-secret',
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    const e = error as ConfigurationError;
    expect(e.code).toBe('ERR_AUTH_CONFIGURATION');
    expect(e.variable).toBe('AUTH_HMAC_SECRET');
    expect(e.name).toBe('TypeError');
    expect(error).toEqual(new TypeError(e.message));
    expect(e.message).toBe('AUTH_HMAC_SECRET must be at least 32 characters');
    expect(e.message).not.toContain('hunter2');
  });

  it('option mistakes of the verifier, the Cognito preset and token sources keep their messages', () => {
    const cases: [() => unknown, string][] = [
      [
        () => createVerifier({ issuers: [{ issuer: '', audience: 'api' }] }),
        'issuers[0].issuer must be a non-empty string',
      ],
      [
        () => cognito({ region: 'nowhere', userPoolId: 'x', clientId: 'c' }),
        'cognito(): `region` must be an AWS region such as eu-west-1',
      ],
      [
        () =>
          clientCredentials({
            issuer: 'https://idp.example',
            clientId: 'c',
            clientSecret: 's',
            refreshBufferSeconds: -1,
          }),
        'refreshBufferSeconds must be a number >= 0',
      ],
    ];
    for (const [fn, message] of cases) {
      const error = thrown(fn);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(message);
      expect((error as ConfigurationError).variable).toBeUndefined();
    }
  });
});

describe('ConfigurationError is recognized by its brand', () => {
  it('a plain TypeError is not a ConfigurationError', () => {
    expect(new TypeError('x')).not.toBeInstanceOf(ConfigurationError);
    expect(new ConfigurationError('x')).toBeInstanceOf(ConfigurationError);
  });
});
