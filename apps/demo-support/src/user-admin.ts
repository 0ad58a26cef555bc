/**
 * The user-administration routes of @auth/aws for the demo apps, against the Cognito emulator that
 * `pnpm demo` starts (cognito-local). Off unless DEMO_COGNITO_ENDPOINT, DEMO_COGNITO_USER_POOL_ID and
 * DEMO_COGNITO_CLIENT_ID are set: the apps run as before without them. Callers authenticate with ID
 * tokens the emulator issued, verified by core's `cognito()` preset through its test-only `endpoint`.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { type Authenticator, cognito, createAuthenticator, type EnvLike } from '@auth/core';
import { cognitoUsers, type UserAdminRoutes, userAdminRoutes } from '@auth/aws';

export interface DemoUserAdmin {
  /** The routes (`POST /admin/users`, `PATCH /admin/users/:id`, `GET /admin/users`) and their policy. */
  admin: UserAdminRoutes;
  /** Verifies the emulator's ID tokens (not the dev IdP's). */
  authenticator: Authenticator;
  close(): void;
}

const NAMES = ['DEMO_COGNITO_ENDPOINT', 'DEMO_COGNITO_USER_POOL_ID', 'DEMO_COGNITO_CLIENT_ID'] as const;

/** The admin routes when the DEMO_COGNITO_* variables are set, else `undefined`; some but not all set throws. */
export function userAdminFromEnv(env: EnvLike = process.env): DemoUserAdmin | undefined {
  const [endpoint, userPoolId, clientId] = NAMES.map((n) => env[n]);
  if (!endpoint && !userPoolId && !clientId) return undefined;
  if (!endpoint || !userPoolId || !clientId) throw new Error(`demo: set all of ${NAMES.join(', ')} or none`);
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(endpoint))
    throw new Error('demo: DEMO_COGNITO_ENDPOINT must be a loopback emulator (http://127.0.0.1:<port>)');
  // The emulator checks no signature: fixed local credentials, no retries.
  const client = new CognitoIdentityProviderClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const authenticator = createAuthenticator({
    issuers: [cognito({ region: 'local', userPoolId, clientId, tokenUse: 'id', endpoint })],
  });
  return {
    admin: userAdminRoutes({ users: cognitoUsers({ userPoolId, client }) }),
    authenticator,
    close() {
      authenticator.close();
      client.destroy();
    },
  };
}
