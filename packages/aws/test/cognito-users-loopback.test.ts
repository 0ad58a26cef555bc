/**
 * cognitoUsers on what cognito-local does not serve: Cognito's own pagination tokens (cognito-local
 * answers every ListUsers / ListUsersInGroup in one page), AdminResetUserPassword, AdminCreateUser
 * with MessageAction RESEND, and throttling. Against @auth/testing's loopback Cognito server.
 */
import { type CognitoIdpServer, startCognitoIdpServer } from '@auth/testing';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoUser, cognitoUsers } from '../src/index.ts';

let idp: CognitoIdpServer;
let sdk: CognitoIdentityProviderClient;
let users: ReturnType<typeof cognitoUsers>;
const acme: string[] = [];

beforeAll(async () => {
  idp = await startCognitoIdpServer({ userPoolId: 'local_pages1' });
  // 150 users: 3 AWS pages of 60; every third one a CLIENT_ADMIN of acme, every other one in acme.
  for (let k = 0; k < 150; k++) {
    const sub = idp.addUser({
      email: `user${String(k).padStart(3, '0')}@example.test`,
      password: 'x',
      name: `User ${k}`,
      groups: k % 2 === 0 ? ['acme'] : ['globex'],
      attributes: { 'custom:role': k % 3 === 0 ? 'CLIENT_ADMIN' : 'CLIENT_USER' },
      status: k === 7 ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED',
    });
    if (k % 2 === 0) acme.push(sub);
  }
  sdk = new CognitoIdentityProviderClient({
    endpoint: idp.url,
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
  });
  users = cognitoUsers({ userPoolId: idp.userPoolId, client: sdk });
});
afterAll(async () => {
  sdk.destroy();
  await idp.close();
});

async function all(query: Parameters<typeof users.listUsers>[0] & { pageSize: number }) {
  const seen: CognitoUser[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await users.listUsers({ ...query, paginationToken: token });
    expect(page.users.length).toBeLessThanOrEqual(query.pageSize);
    seen.push(...page.users);
    token = page.nextPaginationToken;
    pages++;
  } while (token);
  return { seen, pages };
}

describe('cognitoUsers pagination over Cognito pagination tokens', () => {
  it('ListUsers: pages of 25 across 3 AWS pages, each user once, in order', async () => {
    const before = idp.calls.length;
    const { seen, pages } = await all({ pageSize: 25 });
    expect(seen).toHaveLength(150);
    expect(new Set(seen.map((u) => u.id)).size).toBe(150);
    expect(pages).toBe(6);
    const listCalls = idp.calls.slice(before).filter((c) => c.operation === 'ListUsers').length;
    // Cost: a page that ends inside an AWS page reads that AWS page again on the next call.
    expect(listCalls).toBeLessThanOrEqual(8);
  });

  it('ListUsersInGroup with a client-side role filter: pages fill across AWS pages', async () => {
    const { seen } = await all({ client: 'acme', roleFilter: 'CLIENT_ADMIN', pageSize: 7 });
    // acme = even k, CLIENT_ADMIN = k % 3 === 0 → k % 6 === 0: 0, 6, …, 144 = 25 users
    expect(seen).toHaveLength(25);
    expect(seen.every((u) => u.role === 'CLIENT_ADMIN')).toBe(true);
  });

  it('totalCount: exact on a first page that read everything, undefined otherwise, exact with countTotal', async () => {
    const few = await users.listUsers({ emailFilter: 'user14' });
    expect(few).toMatchObject({ hasMore: false, totalCount: 10 });
    const first = await users.listUsers({ client: 'acme', pageSize: 10 });
    expect(first.totalCount).toBeUndefined();
    const counted = await users.listUsers({ client: 'acme', pageSize: 10, countTotal: true });
    expect(counted.totalCount).toBe(acme.length);
  });

  it('a scan budget (maxScanPages) bounds the AWS calls of one page; the token continues the scan', async () => {
    const bounded = cognitoUsers({ userPoolId: idp.userPoolId, client: sdk, maxScanPages: 1 });
    const page = await bounded.listUsers({ nameFilter: 'User 14', emailFilter: 'user' });
    // email ^= "user" goes to Cognito; name prefix "User 14" is client-side: the first AWS page has 1 match (User 14).
    expect(page.users.map((u) => u.name)).toEqual(['User 14']);
    expect(page.hasMore).toBe(true);
    // AWS page 2 (users 60–119) holds no match: an empty page that still has more (documented).
    const empty = await bounded.listUsers({
      nameFilter: 'User 14',
      emailFilter: 'user',
      paginationToken: page.nextPaginationToken,
    });
    expect(empty).toMatchObject({ users: [], hasMore: true });
    const rest = await bounded.listUsers({
      nameFilter: 'User 14',
      emailFilter: 'user',
      paginationToken: empty.nextPaginationToken,
    });
    expect(rest.hasMore).toBe(false);
    expect(rest.users.map((u) => u.name)).toEqual([
      'User 140',
      'User 141',
      'User 142',
      'User 143',
      'User 144',
      'User 145',
      'User 146',
      'User 147',
      'User 148',
      'User 149',
    ]);
  });
});

describe('cognitoUsers operations served by the loopback server', () => {
  it('resetPassword → AdminResetUserPassword; resendInvite → AdminCreateUser RESEND', async () => {
    await users.resetPassword(acme[1] as string);
    expect(idp.user(acme[1] as string)?.status).toBe('RESET_REQUIRED');
    const invited = idp.user('user007@example.test');
    await users.resendInvite(invited?.sub as string);
    expect(idp.messages.map((m) => m.kind)).toEqual(['reset', 'invite']);
    await expect(users.resendInvite(acme[2] as string)).rejects.toMatchObject({
      code: 'ERR_COGNITO_REQUEST_FAILED',
      awsErrorName: 'UnsupportedUserStateException',
    });
  });

  it('throttling → ERR_COGNITO_THROTTLED with status and AWS name', async () => {
    idp.failNext(1);
    await expect(users.listUsers()).rejects.toMatchObject({
      code: 'ERR_COGNITO_THROTTLED',
      retryable: true,
      httpStatus: 400,
      awsErrorName: 'TooManyRequestsException',
      operation: 'ListUsers',
    });
    idp.failNext(1, { type: 'InternalErrorException', status: 500 });
    await expect(users.listUsers()).rejects.toMatchObject({
      code: 'ERR_COGNITO_UNAVAILABLE',
      httpStatus: 500,
    });
  });
});
