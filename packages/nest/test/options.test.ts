import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import { AuthModule, OrgPermission } from '../src/index.ts';
import { fakeAuthenticator } from './support/fake-authenticator.ts';

// A typo in an option that guards something must not silently drop the check: unknown keys throw a
// TypeError naming the key when the decorator is applied or the module is defined.
const VERIFIER_OPTIONS = {
  issuers: [{ issuer: 'https://issuer.test', audience: 'api://test', jwksUri: 'http://127.0.0.1:9/jwks' }],
};
const loose = <T>(value: T): never => value as never;

describe('unknown option keys', () => {
  it('@OrgPermission rejects an unknown option when the class is defined', () => {
    expect(() => {
      class Controller {
        @OrgPermission('read', 'projects', loose({ parm: 'org' }))
        projects() {}
      }
      return Controller;
    }).toThrow(new TypeError('@OrgPermission: unknown option "parm" (did you mean "param"?)'));
    expect(() => OrgPermission('read', 'projects', loose(null))).toThrow(TypeError);
    expect(() => OrgPermission('read', 'projects', { param: 'org' })).not.toThrow();
  });

  it('AuthModule.forRoot(options) rejects an unknown key of core options or of the module settings', () => {
    expect(() => AuthModule.forRoot(loose({ ...VERIFIER_OPTIONS, relm: 'x' }))).toThrow(
      /^AuthModule\.forRoot: unknown option "relm" \(did you mean "realm"\?/,
    );
    expect(() => AuthModule.forRoot(loose({ ...VERIFIER_OPTIONS, isGlobl: true }))).toThrow(
      /unknown option "isGlobl"/,
    );
    expect(() => AuthModule.forRoot(loose({ ...VERIFIER_OPTIONS, scopes: ['read'] }))).toThrow(TypeError);
    expect(() => AuthModule.forRoot({ ...VERIFIER_OPTIONS, realm: 'x', isGlobal: true })).not.toThrow();
  });

  it('AuthModule.forRoot({ authenticator }) takes only the module settings besides it', () => {
    const authenticator = fakeAuthenticator({});
    expect(() => AuthModule.forRoot(loose({ authenticator, exceptionFiltr: false }))).toThrow(
      /unknown option "exceptionFiltr"/,
    );
    // Core options next to an authenticator would be ignored: that is a mistake too.
    expect(() => AuthModule.forRoot(loose({ authenticator, realm: 'other' }))).toThrow(
      /unknown option "realm"/,
    );
    expect(() => AuthModule.forRoot({ authenticator, isGlobal: true, exceptionFilter: false })).not.toThrow();
    expect(() => AuthModule.forRoot(authenticator)).not.toThrow();
    expect(() => AuthModule.forRoot(loose(null))).toThrow(TypeError);
  });

  it('AuthModule.forRootAsync rejects unknown keys when defined, and in what the factory returns', async () => {
    expect(() =>
      AuthModule.forRootAsync(loose({ useFactory: () => VERIFIER_OPTIONS, isGlobl: true })),
    ).toThrow(/^AuthModule\.forRootAsync: unknown option "isGlobl"/);
    expect(() => AuthModule.forRootAsync(loose({ usefactory: () => VERIFIER_OPTIONS }))).toThrow(
      /unknown option "usefactory" \(did you mean "useFactory"\?/,
    );
    await expect(
      Test.createTestingModule({
        imports: [AuthModule.forRootAsync({ useFactory: () => loose({ ...VERIFIER_OPTIONS, relm: 'x' }) })],
      }).compile(),
    ).rejects.toThrow(/unknown option "relm"/);
    // Module settings belong next to useFactory: returned by the factory they would be ignored.
    await expect(
      Test.createTestingModule({
        imports: [
          AuthModule.forRootAsync({ useFactory: () => loose({ ...VERIFIER_OPTIONS, isGlobal: true }) }),
        ],
      }).compile(),
    ).rejects.toThrow(/unknown option "isGlobal"/);
  });
});
