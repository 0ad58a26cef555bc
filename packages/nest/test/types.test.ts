import type { Principal as CorePrincipal } from '@auth/core';
import { describe, expectTypeOf, it } from 'vitest';
import { Principal, type AuthModuleOptions } from '../src/index.ts';

// Type-level pins (checked by `tsc -p tsconfig.json`, which includes the tests).
declare module '@auth/core' {
  interface Register {
    claims: { tenant?: string };
  }
}

describe('types', () => {
  it('Principal is the decorator and core’s Principal type', () => {
    expectTypeOf<Principal>().toEqualTypeOf<CorePrincipal>();
    expectTypeOf(Principal()).toEqualTypeOf<ParameterDecorator>();
    expectTypeOf(Principal('subject')).toEqualTypeOf<ParameterDecorator>();
    // @ts-expect-error not a field of the principal
    Principal('password');
  });

  it('claims follow core’s Register augmentation', () => {
    expectTypeOf<Principal['claims']['tenant']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Principal['claims']['sub']>().toEqualTypeOf<string | undefined>();
  });

  it('module options accept core options, a verifier or an authenticator', () => {
    expectTypeOf<{ issuers: [{ issuer: string; audience: string }] }>().toMatchTypeOf<AuthModuleOptions>();
    // @ts-expect-error options need issuers (or a verifier / authenticator)
    const bad: AuthModuleOptions = { realm: 'x' };
    void bad;
  });
});
