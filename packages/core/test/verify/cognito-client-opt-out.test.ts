/**
 * The cognito() preset: the app-client check can be skipped only explicitly (`clientId: null`, like
 * `audience: null` on an issuer entry), and options it would silently replace or ignore are refused.
 */
import { generateKeyPair, jwksFetch, mintCognitoToken } from '@auth/testing';
import { describe, expect, it } from 'vitest';
import { type CognitoOptions, cognito } from '../../src/verify/cognito.ts';
import { createVerifier } from '../../src/verify/create-verifier.ts';

const region = 'eu-west-1';
const userPoolId = 'eu-west-1_OptOut1';
const issuer = `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;

async function setup(options: Omit<CognitoOptions, 'region' | 'userPoolId'>) {
  const key = await generateKeyPair('RS256', { kid: 'cog-opt' });
  const inner = jwksFetch({ keys: [key] });
  const fetch = async (url: string, init?: RequestInit) =>
    url === `${issuer}/.well-known/jwks.json`
      ? inner(inner.jwksUri, init)
      : new Response('', { status: 404 });
  const verifier = createVerifier({ issuers: [cognito({ region, userPoolId, ...options })], fetch });
  const mint = (o: Partial<Parameters<typeof mintCognitoToken>[0]>) =>
    mintCognitoToken({
      key,
      region,
      userPoolId,
      tokenUse: options.tokenUse ?? 'access',
      clientId: 'any-app',
      ...o,
    });
  return { verifier, mint };
}

describe('cognito(): client-id check opt-out', () => {
  it('clientId: null accepts access tokens of any app client of the pool (typed)', async () => {
    const options: CognitoOptions = { region, userPoolId, clientId: null };
    const config = cognito(options);
    expect(config).toMatchObject({ issuer, audience: null, tokenUse: 'access', cognito: true });
    expect(config.clientId).toBeUndefined();
    const { verifier, mint } = await setup({ clientId: null });
    await expect(verifier.verify(await mint({ clientId: 'app-1' }))).resolves.toMatchObject({
      clientId: 'app-1',
    });
    await expect(verifier.verify(await mint({ clientId: 'app-2' }))).resolves.toMatchObject({
      clientId: 'app-2',
    });
    // The other Cognito rules still hold.
    await expect(verifier.verify(await mint({ tokenUse: 'id' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
  });

  it('clientId: null with id tokens skips the aud check but not token_use', async () => {
    const { verifier, mint } = await setup({ clientId: null, tokenUse: 'id' });
    await expect(verifier.verify(await mint({ clientId: 'app-3' }))).resolves.toMatchObject({
      tokenUse: 'id',
    });
    await expect(verifier.verify(await mint({ tokenUse: 'access' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_TOKEN_USE',
    });
  });

  it('the check stays required: a missing or empty clientId is a TypeError pointing at null', () => {
    // @ts-expect-error clientId is required (null is the explicit opt-out)
    expect(() => cognito({ region, userPoolId })).toThrow(/pass null/);
    expect(() => cognito({ region, userPoolId, clientId: '' })).toThrow(TypeError);
    expect(() => cognito({ region, userPoolId, clientId: [] })).toThrow(TypeError);
  });

  it('a set clientId is still enforced', async () => {
    const { verifier, mint } = await setup({ clientId: 'web' });
    await expect(verifier.verify(await mint({ clientId: 'other' }))).rejects.toMatchObject({
      code: 'ERR_AUTH_INVALID_CLIENT_ID',
    });
  });
});

describe('cognito(): options it would silently drop are refused', () => {
  it.each([
    ['overrides.audience', { overrides: { audience: 'x' } }],
    ['overrides.clientId', { overrides: { clientId: 'x' } }],
    ['overrides.tokenUse', { overrides: { tokenUse: 'id' } }],
    ['overrides.issuer', { overrides: { issuer: 'https://evil.example' } }],
    ['clientIds (typo)', { clientIds: 'web' }],
  ])('%s', (name, extra) => {
    const options = { region, userPoolId, clientId: 'web', ...extra } as unknown as CognitoOptions;
    expect(() => cognito(options)).toThrow(TypeError);
    expect(() => cognito(options)).toThrow(name.split(' ')[0]!.replace('overrides.', ''));
  });
});
