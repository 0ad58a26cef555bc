import type { Principal as CorePrincipal } from '@auth/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Authenticator } from '@auth/core';
import { AuthModule, OrgPermission, Principal, type AuthModuleOptions } from '../src/index.ts';

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

  it('option objects are exact: a misspelt key does not compile', () => {
    // Compiled, never called: each line would throw at run time (see options.test.ts).
    const typeOnly = (authenticator: Authenticator) => {
      const issuers = [{ issuer: 'https://issuer.test', audience: 'api://test' }];
      // @ts-expect-error `relm` is not an option
      AuthModule.forRoot({ issuers, relm: 'x' });
      // @ts-expect-error `isGlobl` is not a module setting
      AuthModule.forRoot({ issuers, isGlobl: true });
      // @ts-expect-error `exceptionFiltr` is not a module setting
      AuthModule.forRoot({ authenticator, exceptionFiltr: false });
      // @ts-expect-error core options next to an authenticator would be ignored
      AuthModule.forRoot({ authenticator, realm: 'other' });
      // @ts-expect-error `isGlobl` is not a forRootAsync option
      AuthModule.forRootAsync({ useFactory: () => ({ issuers }), isGlobl: true });
      // @ts-expect-error `parm` is not an @OrgPermission option
      OrgPermission('read', 'projects', { parm: 'org' });
      // The correct spellings compile.
      AuthModule.forRoot({ issuers, realm: 'x', isGlobal: true, exceptionFilter: false });
      AuthModule.forRoot({ authenticator, isGlobal: true });
      AuthModule.forRootAsync({ useFactory: () => ({ issuers }), isGlobal: true });
      OrgPermission('read', 'projects', { param: 'org' });
    };
    expectTypeOf(typeOnly).toBeFunction();
  });
});
