/** userAdminClient against the admin routes mounted on Express, with ID tokens of cognito-local. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiRequestError, type UserRole, cognitoUsers, userAdminClient } from '../src/index.ts';
import { startAdminApp } from './support/admin-app.ts';
import { emulatorClient } from './support/cognito-local.ts';
import { signIn } from './support/sign-in.ts';

const emu = inject('cognito');
const sdk = emulatorClient(emu.endpoint);
const users = cognitoUsers({ userPoolId: emu.userPoolId, client: sdk });
let app: Awaited<ReturnType<typeof startAdminApp>>;
const unique = () => randomUUID().slice(0, 8);

/** A user of the emulator with a permanent password and its ID token (carries custom:role and groups). */
async function actor(role: UserRole, client: string) {
  const email = `client-${role.toLowerCase()}-${unique()}@example.test`;
  await users.createUser({ email, name: role, role, client, sendInvite: false });
  return (await signIn(sdk, emu, email, `Pw-${randomUUID()}`)).idToken;
}

let internalAdmin: string;
let acmeAdmin: string;

beforeAll(async () => {
  app = await startAdminApp(emu, users);
  internalAdmin = await actor('INTERNAL_ADMIN', 'initech');
  acmeAdmin = await actor('CLIENT_ADMIN', 'acme');
});
afterAll(async () => {
  await app.close();
  sdk.destroy();
});

describe('userAdminClient', () => {
  const tokensOf = (token: string) => ({ getToken: async () => token });

  it('creates, updates and lists through authFetch as INTERNAL_ADMIN', async () => {
    const admin = userAdminClient({ baseUrl: app.url, tokens: tokensOf(internalAdmin) });
    const email = `cl-${unique()}@example.test`;
    const { id } = await admin.createUser({
      email,
      name: 'Cl',
      role: 'CLIENT_USER',
      client: 'acme',
      sendInvite: false,
    });
    const updated = await admin.updateUser(id, { clientsToAdd: ['globex'] });
    expect(updated.clients.sort()).toEqual(['acme', 'globex']);
    const page = await admin.listUsers({ email, pageSize: 5 });
    expect(page.users.map((u) => u.id)).toEqual([id]);
  });

  it('a 403 is an ApiRequestError with the status and code; a 400 names the field', async () => {
    const admin = userAdminClient({ baseUrl: app.url, tokens: tokensOf(acmeAdmin) });
    const denied = await admin.listUsers({ client: 'globex' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ApiRequestError);
    expect(denied).toMatchObject({ status: 403, code: 'ERR_AUTH_FORBIDDEN' });
    const bad = await admin.listUsers({ client: 'acme', pageSize: 100 }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, field: 'pageSize' });
    expect(JSON.stringify({ ...(bad as object), m: (bad as Error).message })).not.toContain(acmeAdmin);
  });

  it('an unreachable API → ApiRequestError status 0', async () => {
    const admin = userAdminClient({ baseUrl: 'http://127.0.0.1:9', tokens: tokensOf('t') });
    await expect(admin.listUsers()).rejects.toMatchObject({ name: 'ApiRequestError', status: 0 });
  });

  it('option misuse is a TypeError', () => {
    expect(() => userAdminClient({ baseUrl: 'not a url', tokens: tokensOf('t') })).toThrow(TypeError);
    expect(() => userAdminClient({ baseUrl: app.url, tokens: tokensOf('t'), token: 'x' } as never)).toThrow(
      TypeError,
    );
  });
});
