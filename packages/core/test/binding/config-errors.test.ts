/** The binding layer the adapters share: option and route-declaration mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import {
  compileRouteRequirement,
  createAuthBinding,
  createWebLoginRoutes,
  metadataRoute,
  resolveAuthenticator,
} from '../../src/binding/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

const where = 'GET /items';

describe('binding: setup mistakes are ConfigurationErrors', () => {
  it.each([
    [
      'a route spec that is a string',
      () => compileRouteRequirement('yes' as never, { where }),
      'GET /items must be a boolean or an object',
    ],
    [
      'scopes that are not an array',
      () => compileRouteRequirement({ scopes: 'read' } as never, { where }),
      'GET /items.scopes must be an array of strings',
    ],
    [
      'a public route with requirements',
      () => compileRouteRequirement({ public: true, scopes: ['read'] } as never, { where }),
      /a public route cannot also be optional or carry requirements/,
    ],
    [
      'a non-boolean flag',
      () => compileRouteRequirement({ optional: 'yes' } as never, { where }),
      'GET /items.optional must be a boolean',
    ],
    [
      'an authenticator of the wrong kind',
      () => resolveAuthenticator({ authenticator: 42 }, { where: '@auth/x options' }),
      /authenticator must be an Authenticator or a Verifier/,
    ],
    [
      'options that are a number',
      () => resolveAuthenticator(42, { where: '@auth/x options' }),
      /options must be an object, a verifier or an authenticator/,
    ],
    [
      'a binding without request accessors',
      () =>
        createAuthBinding({ issuers: [{ issuer: 'https://idp.example', audience: 'api' }] }, {
          where: '@auth/x',
        } as never),
      /requestOf and contextOf must be functions/,
    ],
    [
      'a metadata route without an authenticator',
      () => metadataRoute({}, '@auth/x metadata'),
      /pass the Authenticator/,
    ],
    [
      'web login routes without options',
      () => createWebLoginRoutes(undefined as never),
      'web login routes: options are required',
    ],
    [
      'web login routes without login options',
      () => createWebLoginRoutes({} as never),
      /login options are required/,
    ],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
