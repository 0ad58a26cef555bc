/**
 * `pnpm --filter @auth/aws tour`: the user-administration tour on cognito-local. Starts the emulator,
 * mounts userAdminRoutes on Express (as the README shows), signs in an INTERNAL_ADMIN and a CLIENT_ADMIN
 * of `acme`, then creates, updates and lists users as each, and shows the 403 of a cross-client update.
 * Prints one line per call; exits 1 if any status differs from the expected one.
 */
import { randomUUID } from 'node:crypto';
import { cognitoUsers, type UserRole } from '../src/index.ts';
import { startAdminApp } from '../test/support/admin-app.ts';
import { emulatorClient, startCognitoLocal } from '../test/support/cognito-local.ts';
import { signIn } from '../test/support/sign-in.ts';

const cognito = await startCognitoLocal();
const sdk = emulatorClient(cognito.endpoint);
const users = cognitoUsers({ userPoolId: cognito.userPoolId, client: sdk });
const app = await startAdminApp(cognito, users);
let ok = true;
try {
  const actor = async (role: UserRole, client: string) => {
    const email = `${role.toLowerCase().replace('_', '-')}@example.test`;
    await users.createUser({ email, name: role, role, client, sendInvite: false });
    return (await signIn(sdk, cognito, email, `Pw-${randomUUID()}`)).idToken;
  };
  const internal = await actor('INTERNAL_ADMIN', 'initech');
  const acmeAdmin = await actor('CLIENT_ADMIN', 'acme');
  const step = async (
    who: string,
    token: string,
    method: string,
    path: string,
    expected: number,
    body?: unknown,
  ) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json()) as Record<string, unknown>;
    const pass = res.status === expected;
    ok &&= pass;
    const summary = Array.isArray(json.users)
      ? `${json.users.length} users`
      : JSON.stringify(json).slice(0, 70);
    console.log(
      `${pass ? 'ok  ' : 'FAIL'} ${who.padEnd(15)} ${method.padEnd(5)} ${path.padEnd(40)} ${res.status} (expected ${expected}) ${summary}`,
    );
    return json;
  };
  console.log(`cognito-local on ${cognito.endpoint}, pool ${cognito.userPoolId}; admin API on ${app.url}\n`);
  const bob = (
    await step('INTERNAL_ADMIN', internal, 'POST', '/admin/users', 201, {
      email: 'bob@globex.test',
      name: 'Bob',
      role: 'CLIENT_USER',
      client: 'globex',
      sendInvite: false,
    })
  ).id as string;
  await step('INTERNAL_ADMIN', internal, 'PATCH', `/admin/users/${bob}`, 200, { clientsToAdd: ['initech'] });
  await step('INTERNAL_ADMIN', internal, 'GET', '/admin/users?client=globex', 200);
  const ann = (
    await step('CLIENT_ADMIN', acmeAdmin, 'POST', '/admin/users', 201, {
      email: 'ann@acme.test',
      name: 'Ann',
      role: 'CLIENT_USER',
      client: 'acme',
      sendInvite: false,
    })
  ).id as string;
  await step('CLIENT_ADMIN', acmeAdmin, 'PATCH', `/admin/users/${ann}`, 200, { enabled: false });
  await step('CLIENT_ADMIN', acmeAdmin, 'GET', '/admin/users?client=acme&enabled=false', 200);
  await step('CLIENT_ADMIN', acmeAdmin, 'PATCH', `/admin/users/${bob}`, 403, { enabled: false });
  await step('CLIENT_ADMIN', acmeAdmin, 'PATCH', `/admin/users/${ann}`, 403, { role: 'INTERNAL_ADMIN' });
  await step('CLIENT_ADMIN', acmeAdmin, 'GET', '/admin/users?client=globex', 403);
  console.log(ok ? '\nall as expected' : '\nSOME STEPS FAILED');
} finally {
  await app.close();
  sdk.destroy();
  await cognito.stop();
}
process.exit(ok ? 0 : 1);
