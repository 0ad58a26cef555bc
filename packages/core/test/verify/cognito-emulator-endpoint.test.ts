import { describe, expect, it } from 'vitest';
import { cognito } from '../../src/index.ts';

describe('cognito() endpoint override (emulators, tests only)', () => {
  it('puts the issuer and JWKS under the emulator and accepts its pool ids', () => {
    const config = cognito({
      region: 'local',
      userPoolId: 'local_6so5jOAX',
      clientId: 'c1',
      endpoint: 'http://127.0.0.1:9229/',
    });
    expect(config.issuer).toBe('http://127.0.0.1:9229/local_6so5jOAX');
    expect(config.jwksUri).toBe('http://127.0.0.1:9229/local_6so5jOAX/.well-known/jwks.json');
    expect(config.cognito).toBe(true);
  });

  it('without it an emulator pool id is still refused, and AWS stays the issuer', () => {
    expect(() => cognito({ region: 'local', userPoolId: 'local_6so5jOAX', clientId: 'c1' })).toThrow(
      TypeError,
    );
    expect(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_Ab1', clientId: 'c1' }).issuer).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab1',
    );
  });

  it.each(['not a url', 'ftp://127.0.0.1', 'http://127.0.0.1:9229/?x=1'])(
    'a bad endpoint %s is a TypeError',
    (endpoint) => {
      expect(() => cognito({ region: 'local', userPoolId: 'local_a', clientId: 'c1', endpoint })).toThrow(
        TypeError,
      );
    },
  );
});
