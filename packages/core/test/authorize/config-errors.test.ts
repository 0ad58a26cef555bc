/** Policy makers check their arguments when the route is declared: mistakes are ConfigurationErrors. */
import { describe, it } from 'vitest';
import {
  allOf,
  anyOf,
  not,
  orgParam,
  remotePolicy,
  requireAcr,
  requireAuthTime,
  requireClaim,
  requireGroups,
  requireOrgRole,
  requirePermission,
  requireScopes,
} from '../../src/index.ts';
import { expectConfigurationError } from '../fixtures/configuration-error.ts';

describe('policy makers: setup mistakes are ConfigurationErrors', () => {
  it.each([
    ['requireScopes()', () => requireScopes(), 'requireScopes: at least one scope is required'],
    [
      'requireScopes with a space',
      () => requireScopes('read items'),
      /every scope must be a non-empty string/,
    ],
    ['requireGroups()', () => requireGroups(), 'requireGroups: at least one group is required'],
    [
      'requireClaim with an empty path',
      () => requireClaim(''),
      'requireClaim: path must not contain empty keys',
    ],
    [
      'requireClaim("__proto__")',
      () => requireClaim('__proto__'),
      'requireClaim: path must not contain "__proto__"',
    ],
    [
      'requireClaim with two matchers',
      () => requireClaim('x', { equals: 1, oneOf: [1] } as never),
      /exactly one of/,
    ],
    ['allOf()', () => allOf(), 'allOf: at least one policy is required'],
    ['anyOf with a string', () => anyOf('admin' as never), 'anyOf: every policy must be a function'],
    ['not with a string', () => not('admin' as never), 'not: policy must be a function'],
    [
      'requirePermission with a wildcard action',
      () => requirePermission('*', 'items'),
      /action must be a name/,
    ],
    [
      'requireOrgRole with an unknown role',
      () => requireOrgRole('boss' as never, 'o1'),
      /role must be one of/,
    ],
    ['orgParam("")', () => orgParam(''), 'orgParam: name must be a non-empty string'],
    ['requireAcr()', () => requireAcr(), /give at least one acr value/],
    [
      'requireAuthTime({ maxAge: -1 })',
      () => requireAuthTime({ maxAge: -1 }),
      /maxAge must be a non-negative/,
    ],
    [
      'remotePolicy with a zero timeout',
      () => remotePolicy(async () => true, { timeoutMs: 0 }),
      'remotePolicy: option "timeoutMs" must be a positive number of milliseconds',
    ],
    ['remotePolicy without a function', () => remotePolicy('x' as never), /must be a function/],
  ])('%s', (_, fn, message) => {
    expectConfigurationError(fn, message);
  });
});
