/** AuthZEN / Authress policies and clients: option mistakes are ConfigurationErrors. */
import { describe, expect, it } from 'vitest';
import { authress, authzen, createAuthZenClient, discoverPdp } from '../../src/index.ts';
import { ConfigurationError } from '../../src/configuration-error.ts';
import { expectConfigurationError, rejectsWithConfigurationError } from '../fixtures/configuration-error.ts';

describe('authzen: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['authzen(null)', () => authzen(null as never), 'authzen: options must be an object'],
    ['authzen with a non-http pdp', () => authzen({ pdp: 'ftp://pdp.example' }), /must be an https URL/],
    [
      'authzen with a remote http pdp',
      () => authzen({ pdp: 'http://pdp.example' }),
      /must be https \(http only on loopback/,
    ],
    [
      'authzen with a bad code',
      () => authzen({ pdp: 'https://pdp.example', code: 'FORBIDDEN' } as never),
      'authzen: option "code" must be an ERR_AUTH_… code',
    ],
    [
      'authzen with an unknown cache key',
      () => authzen({ pdp: 'https://pdp.example', cache: { ttl: 5 } } as never),
      /unknown option "cache.ttl"/,
    ],
    [
      'createAuthZenClient with credentials in the URL',
      () => createAuthZenClient({ pdp: 'https://u:p@pdp.example' }),
      /must not contain credentials/,
    ],
    [
      'createAuthZenClient with a zero timeout',
      () => createAuthZenClient({ pdp: 'https://pdp.example', timeoutMs: 0 }),
      /option "timeoutMs" must be a positive integer/,
    ],
    [
      'authress with both credentials',
      () => authress({ apiUrl: 'https://a.example', serviceClientAccessKey: 'k', credentials: 't' } as never),
      /give "serviceClientAccessKey" or "credentials", not both/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });

  it('discoverPdp with a query in the PDP URL', async () => {
    await rejectsWithConfigurationError(
      () => discoverPdp('https://pdp.example/?x=1'),
      /must have no query or fragment/,
    );
  });

  it('authorizeMany with no items (a call-time argument) stays a plain TypeError', async () => {
    const policy = authzen({ pdp: 'https://pdp.example' });
    const error = await policy.authorizeMany(undefined as never, [] as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(ConfigurationError);
  });
});
