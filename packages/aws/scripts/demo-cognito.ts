/**
 * cognito-local for the demos: the emulator (test/support/cognito-local.ts) plus two signed-in admins,
 * an INTERNAL_ADMIN (group `initech`) and a CLIENT_ADMIN of `acme`, whose ID tokens (issued by the
 * emulator, carrying `custom:role` and `cognito:groups`) call the admin routes. Used by this package's
 * `tour` script and by the root `pnpm demo` (scripts/demo/cognito.mjs).
 */
import { randomUUID } from 'node:crypto';
import { cognitoUsers, type UserRole } from '../src/index.ts';
import { type CognitoLocal, emulatorClient, startCognitoLocal } from '../test/support/cognito-local.ts';
import { signIn } from '../test/support/sign-in.ts';

export interface DemoCognito {
  cognito: CognitoLocal;
  /** ID tokens of the two admins (valid for an hour). */
  tokens: Record<'INTERNAL_ADMIN' | 'CLIENT_ADMIN', string>;
  /** The environment of a demo app that mounts the admin routes against this emulator. */
  env: { DEMO_COGNITO_ENDPOINT: string; DEMO_COGNITO_USER_POOL_ID: string; DEMO_COGNITO_CLIENT_ID: string };
  stop(): Promise<void>;
}

/**
 * Starts the emulator and signs the two admins in.
 *
 * @example
 * const demo = await startDemoCognito();
 * await fetch(`${api}/admin/users?client=acme`, { headers: { authorization: `Bearer ${demo.tokens.CLIENT_ADMIN}` } });
 * await demo.stop();
 */
export async function startDemoCognito(options: { startTimeoutMs?: number } = {}): Promise<DemoCognito> {
  const cognito = await startCognitoLocal(options);
  const sdk = emulatorClient(cognito.endpoint);
  try {
    const users = cognitoUsers({ userPoolId: cognito.userPoolId, client: sdk });
    const admin = async (role: UserRole, client: string) => {
      const email = `${role.toLowerCase().replace('_', '-')}@example.test`;
      await users.createUser({ email, name: role, role, client, sendInvite: false });
      return (await signIn(sdk, cognito, email, `Pw-${randomUUID()}`)).idToken;
    };
    const tokens = {
      INTERNAL_ADMIN: await admin('INTERNAL_ADMIN', 'initech'),
      CLIENT_ADMIN: await admin('CLIENT_ADMIN', 'acme'),
    };
    return {
      cognito,
      tokens,
      env: {
        DEMO_COGNITO_ENDPOINT: cognito.endpoint,
        DEMO_COGNITO_USER_POOL_ID: cognito.userPoolId,
        DEMO_COGNITO_CLIENT_ID: cognito.clientId,
      },
      stop: () => cognito.stop(),
    };
  } catch (err) {
    await cognito.stop();
    throw err;
  } finally {
    sdk.destroy();
  }
}

/** One call of the tour and what it showed. */
export interface TourRow {
  who: 'INTERNAL_ADMIN' | 'CLIENT_ADMIN';
  method: string;
  path: string;
  /** The call without ids (`PATCH /admin/users/:bob`), the same for every app. */
  label: string;
  expected: number;
  status: number;
  pass: boolean;
  /** `3 users`, `{"id":…}`, the error code: short, never a token. */
  summary: string;
}

/**
 * The tour against one mounted admin API: creates, updates and lists users as the INTERNAL_ADMIN and as
 * the CLIENT_ADMIN of `acme`, then the CLIENT_ADMIN's cross-client update and role escalation (403).
 * `tag` keeps the users of several apps on one emulator apart.
 *
 * @example
 * const rows = await runAdminTour('http://127.0.0.1:3001', demo.tokens, 'express');
 * console.log(rows.every((r) => r.pass));
 */
export async function runAdminTour(
  baseUrl: string,
  tokens: DemoCognito['tokens'],
  tag: string,
): Promise<TourRow[]> {
  const rows: TourRow[] = [];
  let bob: unknown;
  let ann: unknown;
  const step = async (
    who: TourRow['who'],
    method: string,
    path: string,
    expected: number,
    note: string,
    body?: unknown,
  ) => {
    let status = 0;
    let json: Record<string, unknown> = {};
    try {
      const res = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${tokens[who]}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    } catch (err) {
      json = { error: (err as Error).name };
    }
    const summary = Array.isArray(json.users)
      ? `${json.users.length} user(s)`
      : typeof json.code === 'string'
        ? json.code
        : typeof json.email === 'string'
          ? `${json.email} ${json.role} [${json.clients}]${json.enabled === false ? ' disabled' : ''}`
          : JSON.stringify(json).slice(0, 60);
    const call = `${method} ${path}`
      .replace(String(bob), ':bob')
      .replace(String(ann), ':ann')
      .replaceAll(tag, '…');
    const label = `${call} (${note})`;
    rows.push({ who, method, path, label, expected, status, pass: status === expected, summary });
    return json;
  };
  bob = (
    await step('INTERNAL_ADMIN', 'POST', '/admin/users', 201, 'bob, CLIENT_USER of globex', {
      email: `bob-${tag}@globex.test`,
      name: 'Bob',
      role: 'CLIENT_USER',
      client: 'globex',
      sendInvite: false,
    })
  ).id;
  await step('INTERNAL_ADMIN', 'PATCH', `/admin/users/${bob}`, 200, 'add client initech', {
    clientsToAdd: ['initech'],
  });
  await step('INTERNAL_ADMIN', 'GET', `/admin/users?client=globex&email=bob-${tag}`, 200, 'list globex');
  ann = (
    await step('CLIENT_ADMIN', 'POST', '/admin/users', 201, 'ann, CLIENT_USER of acme', {
      email: `ann-${tag}@acme.test`,
      name: 'Ann',
      role: 'CLIENT_USER',
      client: 'acme',
      sendInvite: false,
    })
  ).id;
  await step('CLIENT_ADMIN', 'PATCH', `/admin/users/${ann}`, 200, 'disable', { enabled: false });
  await step('CLIENT_ADMIN', 'GET', '/admin/users?client=acme&enabled=false', 200, 'list acme');
  await step('CLIENT_ADMIN', 'PATCH', `/admin/users/${bob}`, 403, 'cross-client update', { enabled: false });
  await step('CLIENT_ADMIN', 'PATCH', `/admin/users/${ann}`, 403, 'grant INTERNAL_ADMIN', {
    role: 'INTERNAL_ADMIN',
  });
  await step('CLIENT_ADMIN', 'GET', '/admin/users?client=globex', 403, 'list another client');
  return rows;
}
