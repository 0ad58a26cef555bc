/**
 * bothLoginRequirements: a controller's and a route's step-up requirements together; the result is
 * never looser than either (the acr values both accept, the shorter max age).
 */
import { describe, expect, it } from 'vitest';
import { bothLoginRequirements, loginRequirement } from '../../src/binding/login-requirement.ts';
import { ConfigurationError } from '../../src/configuration-error.ts';

const req = (options: object) =>
  loginRequirement(options, 'test') as NonNullable<ReturnType<typeof loginRequirement>>;
const now = 1_700_000_000_000;
const claims = (acr: string, ageSeconds: number) => ({ acr, auth_time: now / 1000 - ageSeconds });

describe('bothLoginRequirements', () => {
  it('a max age added to an acr keeps the acr (a password session does not pass an MFA controller)', () => {
    const both = bothLoginRequirements(req({ acr: 'mfa' }), req({ maxAgeSeconds: 60 }), 'test');
    expect(both.acrValues).toEqual(['mfa']);
    expect(both.maxAgeSeconds).toBe(60);
    expect(both.satisfiedBy(claims('pwd', 10), now)).toBe(false);
    expect(both.satisfiedBy(claims('mfa', 3600), now)).toBe(false);
    expect(both.satisfiedBy(claims('mfa', 10), now)).toBe(true);
  });

  it('acr lists narrow to the values both accept; max ages to the shorter', () => {
    const both = bothLoginRequirements(
      req({ acr: ['mfa', 'hwk'], maxAgeSeconds: 600 }),
      req({ acr: ['hwk', 'pwd'], maxAgeSeconds: 60 }),
      'test',
    );
    expect(both.acrValues).toEqual(['hwk']);
    expect(both.maxAgeSeconds).toBe(60);
    expect(both.satisfiedBy(claims('pwd', 1), now)).toBe(false);
    expect(both.satisfiedBy(claims('mfa', 1), now)).toBe(false);
  });

  it('acr lists with nothing in common: a ConfigurationError naming the caller', () => {
    expect(() =>
      bothLoginRequirements(req({ acr: 'mfa' }), req({ acr: 'pwd' }), '@auth/nest @StepUpLogin()'),
    ).toThrow(ConfigurationError);
    expect(() =>
      bothLoginRequirements(req({ acr: 'mfa' }), req({ acr: 'pwd' }), '@auth/nest @StepUpLogin()'),
    ).toThrow(/@auth\/nest @StepUpLogin\(\): the acr values \["mfa"\] and \["pwd"\] have none in common/);
  });
});
