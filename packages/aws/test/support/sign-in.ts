import {
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';

/** Makes the password permanent and signs in with USER_PASSWORD_AUTH on cognito-local: the user's tokens. */
export async function signIn(
  sdk: CognitoIdentityProviderClient,
  emu: { userPoolId: string; clientId: string },
  email: string,
  password: string,
) {
  await sdk.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: emu.userPoolId,
      Username: email,
      Password: password,
      Permanent: true,
    }),
  );
  const out = await sdk.send(
    new InitiateAuthCommand({
      ClientId: emu.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const r = out.AuthenticationResult;
  if (!r?.IdToken || !r.AccessToken) throw new Error('no tokens');
  return { idToken: r.IdToken, accessToken: r.AccessToken, refreshToken: r.RefreshToken };
}
