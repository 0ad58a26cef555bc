/**
 * A loopback Cognito user-pool server speaking the AWS JSON protocol (`POST /`, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`) for what `cognito-local` lacks:
 *
 * - `InitiateAuth` with `USER_SRP_AUTH` (server side of SRP-6a, written here independently of any
 *   client), `USER_PASSWORD_AUTH` and `REFRESH_TOKEN_AUTH`, with `SECRET_HASH` checks, disabled,
 *   unconfirmed, unknown users and `NEW_PASSWORD_REQUIRED`;
 * - `RespondToAuthChallenge` for `PASSWORD_VERIFIER` and `NEW_PASSWORD_REQUIRED`;
 * - `ListUsers` / `ListUsersInGroup` with real `Limit` and pagination tokens (cognito-local returns
 *   everything in one page), `AdminResetUserPassword`, `AdminCreateUser` with `MessageAction: RESEND`;
 * - faults: the next N calls answer throttling (or any AWS error) first.
 *
 * Tokens are RS256 JWTs shaped like Cognito's (see `mintCognitoToken`), issuer
 * `<url>/<userPoolId>`, keys at `<issuer>/.well-known/jwks.json`.
 */
import {
  createHash,
  createHmac,
  getDiffieHellman,
  randomBytes,
  randomUUID,
  timingSafeEqual,
} from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mintCognitoToken } from './cognito.ts';
import { generateKeyPair, type TestKeyPair } from './keys.ts';

/**
 * A user of the loopback pool.
 *
 * @example
 * const user: CognitoIdpUser = { username: 'ann', password: 'Passw0rd!', email: 'ann@acme.test', groups: ['acme'] };
 */
export interface CognitoIdpUser {
  /** `USER_ID_FOR_SRP` and `cognito:username` (default: a UUID, as in email-as-username pools). */
  username?: string;
  email: string;
  password: string;
  name?: string;
  /** default `CONFIRMED`; `FORCE_CHANGE_PASSWORD` answers NEW_PASSWORD_REQUIRED; `UNCONFIRMED`, `RESET_REQUIRED` refuse sign-in */
  status?: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'UNCONFIRMED' | 'RESET_REQUIRED';
  enabled?: boolean;
  groups?: string[];
  attributes?: Record<string, string>;
}

/**
 * Options of `startCognitoIdpServer()`.
 *
 * @example
 * const idp = await startCognitoIdpServer({ userPoolId: 'local_test1', clients: [{ clientId: 'cli' }] } satisfies CognitoIdpServerOptions);
 */
export interface CognitoIdpServerOptions {
  /** default `local_loopback1` */
  userPoolId?: string;
  clients?: { clientId: string; clientSecret?: string }[];
  users?: CognitoIdpUser[];
  /** access and id token lifetime in seconds (default 3600) */
  tokenLifetimeSeconds?: number;
}

/**
 * The started server.
 *
 * @example
 * const idp = await startCognitoIdpServer({ clients: [{ clientId: 'cli' }] });
 * idp.addUser({ email: 'ann@acme.test', password: 'Passw0rd!' });
 * await idp.close();
 */
export interface CognitoIdpServer {
  /** `http://127.0.0.1:<port>`: the SDK's `endpoint` */
  url: string;
  userPoolId: string;
  /** `<url>/<userPoolId>` */
  issuer: string;
  /** Adds a user; returns its `sub`. */
  addUser(user: CognitoIdpUser): string;
  /** A user's current state (status, enabled, password) for assertions. */
  user(emailOrUsername: string): (Required<Omit<CognitoIdpUser, 'attributes'>> & { sub: string }) | undefined;
  /** The next `count` calls (optionally of one operation) answer this AWS error (default: throttling, 400). */
  failNext(
    count: number,
    fault?: { type?: string; status?: number; message?: string; operation?: string },
  ): void;
  /** Every call received: operation and auth flow / challenge. */
  readonly calls: { operation: string; flow?: string }[];
  /** Invitations and reset codes "sent". */
  readonly messages: { kind: 'invite' | 'reset'; username: string }[];
  close(): Promise<void>;
}

const N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
const G = 2n;
const pad = (n: bigint) => {
  let h = n.toString(16);
  if (h.length % 2) h = `0${h}`;
  return /^[89a-f]/.test(h) ? `00${h}` : h;
};
const H = (hex: string) => BigInt(`0x${createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')}`);
const pow = (b: bigint, e: bigint) => {
  let r = 1n;
  let x = b % N;
  let k = e;
  while (k > 0n) {
    if (k & 1n) r = (r * x) % N;
    x = (x * x) % N;
    k >>= 1n;
  }
  return r;
};
const K = H(pad(N) + pad(G));

interface StoredUser {
  sub: string;
  username: string;
  email: string;
  password: string;
  name: string;
  status: NonNullable<CognitoIdpUser['status']>;
  enabled: boolean;
  groups: string[];
  attributes: Record<string, string>;
  created: number;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Starts the loopback Cognito server on 127.0.0.1 (a free port).
 *
 * @example
 * const idp = await startCognitoIdpServer({ clients: [{ clientId: 'cli' }], users: [{ email: 'ann@acme.test', password: 'Passw0rd!' }] });
 * // new CognitoIdentityProviderClient({ endpoint: idp.url, region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } })
 * await idp.close();
 */
export async function startCognitoIdpServer(
  options: CognitoIdpServerOptions = {},
): Promise<CognitoIdpServer> {
  const userPoolId = options.userPoolId ?? 'local_loopback1';
  const poolName = userPoolId.split('_')[1] ?? '';
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const clients = new Map((options.clients ?? []).map((c) => [c.clientId, c.clientSecret]));
  const users = new Map<string, StoredUser>();
  const refreshTokens = new Map<string, { sub: string; clientId: string }>();
  const sessions = new Map<
    string,
    {
      sub: string;
      clientId: string;
      b?: bigint;
      B?: bigint;
      salt?: string;
      secretBlock?: string;
      kind: 'srp' | 'new-password';
    }
  >();
  const salts = new Map<string, string>();
  const faults: { type: string; status: number; message: string; operation?: string }[] = [];
  const calls: { operation: string; flow?: string }[] = [];
  const messages: { kind: 'invite' | 'reset'; username: string }[] = [];
  const key: TestKeyPair = await generateKeyPair('RS256');
  let created = 0;

  const find = (name: string | undefined) => {
    if (!name) return undefined;
    for (const u of users.values()) if (u.username === name || u.email === name || u.sub === name) return u;
    return undefined;
  };
  const addUser = (u: CognitoIdpUser): string => {
    const sub = randomUUID();
    users.set(sub, {
      sub,
      username: u.username ?? sub,
      email: u.email,
      password: u.password,
      name: u.name ?? u.email,
      status: u.status ?? 'CONFIRMED',
      enabled: u.enabled ?? true,
      groups: [...(u.groups ?? [])],
      attributes: { ...(u.attributes ?? {}) },
      created: created++,
    });
    return sub;
  };
  for (const u of options.users ?? []) addUser(u);

  const checkClient = (clientId: unknown, username: string | undefined, secretHash: unknown) => {
    if (typeof clientId !== 'string' || !clients.has(clientId))
      throw new AwsError('ResourceNotFoundException', 'User pool client does not exist.');
    const secret = clients.get(clientId);
    if (secret !== undefined) {
      const expected = createHmac('sha256', secret)
        .update(`${username ?? ''}${clientId}`)
        .digest();
      const got = Buffer.from(typeof secretHash === 'string' ? secretHash : '', 'base64');
      if (got.length !== expected.length || !timingSafeEqual(got, expected))
        throw new AwsError(
          'NotAuthorizedException',
          `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
        );
    }
  };
  const usable = (u: StoredUser | undefined): StoredUser => {
    if (!u) throw new AwsError('UserNotFoundException', 'User does not exist.');
    if (!u.enabled) throw new AwsError('NotAuthorizedException', 'User is disabled.');
    if (u.status === 'UNCONFIRMED') throw new AwsError('UserNotConfirmedException', 'User is not confirmed.');
    if (u.status === 'RESET_REQUIRED')
      throw new AwsError('PasswordResetRequiredException', 'Password reset required for the user');
    return u;
  };
  const tokens = async (u: StoredUser, clientId: string, withRefresh: boolean) => {
    const issuer = `${url}/${userPoolId}`;
    const common = {
      key,
      clientId,
      issuer,
      userPoolId,
      username: u.username,
      sub: u.sub,
      groups: u.groups.length ? u.groups : undefined,
      expiresIn: lifetime,
    };
    const result: Record<string, unknown> = {
      AccessToken: await mintCognitoToken({
        ...common,
        tokenUse: 'access',
        scope: 'aws.cognito.signin.user.admin',
      }),
      IdToken: await mintCognitoToken({
        ...common,
        tokenUse: 'id',
        email: u.email,
        claims: { name: u.name, ...u.attributes },
      }),
      ExpiresIn: lifetime,
      TokenType: 'Bearer',
    };
    if (withRefresh) {
      const rt = randomBytes(32).toString('base64url');
      refreshTokens.set(rt, { sub: u.sub, clientId });
      result.RefreshToken = rt;
    }
    return { AuthenticationResult: result, ChallengeParameters: {} };
  };
  const afterPassword = async (u: StoredUser, clientId: string) => {
    if (u.status === 'FORCE_CHANGE_PASSWORD') {
      const session = randomBytes(24).toString('base64url');
      sessions.set(session, { sub: u.sub, clientId, kind: 'new-password' });
      return {
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: session,
        ChallengeParameters: {
          USER_ID_FOR_SRP: u.username,
          requiredAttributes: '[]',
          userAttributes: JSON.stringify({ email: u.email }),
        },
      };
    }
    return tokens(u, clientId, true);
  };
  const wrongPassword = () => new AwsError('NotAuthorizedException', 'Incorrect username or password.');

  const page = <T>(list: T[], limit: unknown, token: unknown) => {
    const size = typeof limit === 'number' ? limit : 60;
    if (size < 1 || size > 60) throw new AwsError('InvalidParameterException', 'Limit out of range');
    const start =
      typeof token === 'string' && token !== '' ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0)
      throw new AwsError('InvalidParameterException', 'Invalid pagination token');
    const next =
      start + size < list.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return { items: list.slice(start, start + size), next };
  };
  const userType = (u: StoredUser) => ({
    Username: u.username,
    Enabled: u.enabled,
    UserStatus: u.status,
    UserCreateDate: 1_700_000_000 + u.created,
    Attributes: [
      { Name: 'sub', Value: u.sub },
      { Name: 'email', Value: u.email },
      { Name: 'name', Value: u.name },
      ...Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value })),
    ],
  });
  const sorted = () => [...users.values()].sort((a, b) => a.created - b.created);
  const filterOf = (filter: unknown) => {
    if (filter === undefined || filter === '') return () => true;
    const m = /^\s*([\w:]+)\s*(\^?=)\s*"(.*)"\s*$/.exec(String(filter));
    if (!m) throw new AwsError('InvalidParameterException', 'Error while parsing filter');
    const [, attr, op, value = ''] = m;
    const get = (u: StoredUser): string | undefined =>
      attr === 'email'
        ? u.email
        : attr === 'name'
          ? u.name
          : attr === 'username'
            ? u.username
            : attr === 'sub'
              ? u.sub
              : attr === 'status'
                ? u.enabled
                  ? 'Enabled'
                  : 'Disabled'
                : undefined;
    if (!['email', 'name', 'username', 'sub', 'status'].includes(attr ?? ''))
      throw new AwsError('InvalidParameterException', `Invalid search attribute: ${attr}`);
    return (u: StoredUser) => {
      const v = get(u) ?? '';
      return op === '=' ? v === value : v.startsWith(value);
    };
  };

  const ops: Record<string, (b: Record<string, any>) => Promise<unknown> | unknown> = {
    async InitiateAuth(b) {
      const p = (b.AuthParameters ?? {}) as Record<string, string>;
      if (b.AuthFlow === 'REFRESH_TOKEN_AUTH' || b.AuthFlow === 'REFRESH_TOKEN') {
        const entry = refreshTokens.get(p.REFRESH_TOKEN ?? '');
        if (!entry || entry.clientId !== b.ClientId)
          throw new AwsError('NotAuthorizedException', 'Invalid Refresh Token');
        const u = users.get(entry.sub);
        checkClient(b.ClientId, u?.username, p.SECRET_HASH);
        return tokens(usable(u), b.ClientId, false);
      }
      const u0 = find(p.USERNAME);
      checkClient(b.ClientId, p.USERNAME, p.SECRET_HASH);
      if (b.AuthFlow === 'USER_PASSWORD_AUTH') {
        const u = usable(u0);
        if (u.password !== p.PASSWORD) throw wrongPassword();
        return afterPassword(u, b.ClientId);
      }
      if (b.AuthFlow === 'USER_SRP_AUTH') {
        const u = usable(u0);
        const A = BigInt(`0x${p.SRP_A ?? '0'}`);
        if (A % N === 0n) throw new AwsError('InvalidParameterException', 'SRP_A is invalid');
        let salt = salts.get(u.sub);
        if (!salt) {
          salt = randomBytes(16).toString('hex');
          salts.set(u.sub, salt);
        }
        const x = H(
          pad(BigInt(`0x${salt}`)) +
            createHash('sha256').update(`${poolName}${u.username}:${u.password}`).digest('hex'),
        );
        const v = pow(G, x);
        const bSecret = BigInt(`0x${randomBytes(128).toString('hex')}`) % N;
        const B = (K * v + pow(G, bSecret)) % N;
        const secretBlock = randomBytes(64).toString('base64');
        const session = randomBytes(24).toString('base64url');
        sessions.set(session, {
          sub: u.sub,
          clientId: b.ClientId,
          b: bSecret,
          B,
          salt,
          secretBlock,
          kind: 'srp',
        });
        (sessions.get(session) as { A?: bigint }).A = A;
        return {
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: session,
          ChallengeParameters: {
            SALT: salt,
            SRP_B: B.toString(16),
            SECRET_BLOCK: secretBlock,
            USER_ID_FOR_SRP: u.username,
            USERNAME: u.username,
          },
        };
      }
      throw new AwsError('InvalidParameterException', `Unsupported AuthFlow ${b.AuthFlow}`);
    },
    async RespondToAuthChallenge(b) {
      const r = (b.ChallengeResponses ?? {}) as Record<string, string>;
      const s = sessions.get(b.Session ?? '') as
        | (ReturnType<typeof sessions.get> & { A?: bigint })
        | undefined;
      if (!s || s.clientId !== b.ClientId)
        throw new AwsError('NotAuthorizedException', 'Invalid session for the user.');
      sessions.delete(b.Session);
      const u = usable(users.get(s.sub));
      checkClient(b.ClientId, r.USERNAME, r.SECRET_HASH);
      if (b.ChallengeName === 'PASSWORD_VERIFIER' && s.kind === 'srp') {
        if (r.USERNAME !== u.username) throw wrongPassword();
        if (!/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d UTC \d{4}$/.test(r.TIMESTAMP ?? ''))
          throw new AwsError('InvalidParameterException', 'TIMESTAMP format is invalid');
        const A = s.A as bigint;
        const B = s.B as bigint;
        const u2 = H(pad(A) + pad(B));
        const x = H(
          pad(BigInt(`0x${s.salt}`)) +
            createHash('sha256').update(`${poolName}${u.username}:${u.password}`).digest('hex'),
        );
        const v = pow(G, x);
        const S = pow((A * pow(v, u2)) % N, s.b as bigint);
        const prk = createHmac('sha256', Buffer.from(pad(u2), 'hex'))
          .update(Buffer.from(pad(S), 'hex'))
          .digest();
        const hkdf = createHmac('sha256', prk)
          .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
          .digest()
          .subarray(0, 16);
        const expected = createHmac('sha256', hkdf)
          .update(
            Buffer.concat([
              Buffer.from(poolName),
              Buffer.from(u.username),
              Buffer.from(s.secretBlock ?? '', 'base64'),
              Buffer.from(r.TIMESTAMP ?? ''),
            ]),
          )
          .digest();
        const got = Buffer.from(r.PASSWORD_CLAIM_SIGNATURE ?? '', 'base64');
        if (
          got.length !== expected.length ||
          !timingSafeEqual(got, expected) ||
          r.PASSWORD_CLAIM_SECRET_BLOCK !== s.secretBlock
        )
          throw wrongPassword();
        return afterPassword(u, b.ClientId);
      }
      if (b.ChallengeName === 'NEW_PASSWORD_REQUIRED' && s.kind === 'new-password') {
        if (typeof r.NEW_PASSWORD !== 'string' || r.NEW_PASSWORD.length < 8)
          throw new AwsError(
            'InvalidPasswordException',
            'Password does not conform to policy: Password not long enough',
          );
        u.password = r.NEW_PASSWORD;
        u.status = 'CONFIRMED';
        salts.delete(u.sub);
        return tokens(u, b.ClientId, true);
      }
      throw new AwsError('InvalidParameterException', 'Unexpected challenge');
    },
    ListUsers(b) {
      const match = filterOf(b.Filter);
      const { items, next } = page(sorted().filter(match), b.Limit, b.PaginationToken);
      return { Users: items.map(userType), ...(next ? { PaginationToken: next } : {}) };
    },
    ListUsersInGroup(b) {
      const members = sorted().filter((u) => u.groups.includes(b.GroupName));
      const { items, next } = page(members, b.Limit, b.NextToken);
      return { Users: items.map(userType), ...(next ? { NextToken: next } : {}) };
    },
    AdminResetUserPassword(b) {
      const u = find(b.Username);
      if (!u) throw new AwsError('UserNotFoundException', 'User does not exist.');
      u.status = 'RESET_REQUIRED';
      messages.push({ kind: 'reset', username: u.username });
      return {};
    },
    AdminCreateUser(b) {
      if (b.MessageAction !== 'RESEND')
        throw new AwsError('InvalidParameterException', 'Only MessageAction RESEND is served here');
      const u = find(b.Username);
      if (!u) throw new AwsError('UserNotFoundException', 'User does not exist.');
      if (u.status !== 'FORCE_CHANGE_PASSWORD')
        throw new AwsError('UnsupportedUserStateException', 'User is not in FORCE_CHANGE_PASSWORD state');
      messages.push({ kind: 'invite', username: u.username });
      return { User: userType(u) };
    },
  };

  const send = (res: ServerResponse, status: number, body: unknown, type?: string) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      ...(type ? { 'x-amzn-errortype': type } : {}),
    });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === `/${userPoolId}/.well-known/jwks.json`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [key.publicJwk] }));
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.split('.')[1] ?? '';
    let body: Record<string, any>;
    try {
      body = JSON.parse(raw || '{}');
    } catch {
      return send(
        res,
        400,
        { __type: 'SerializationException', message: 'Invalid JSON' },
        'SerializationException',
      );
    }
    const flow = body.AuthFlow ?? body.ChallengeName;
    calls.push(typeof flow === 'string' ? { operation, flow } : { operation });
    const fault =
      faults[0] && (!faults[0].operation || faults[0].operation === operation) ? faults.shift() : undefined;
    if (fault) return send(res, fault.status, { __type: fault.type, message: fault.message }, fault.type);
    const op = ops[operation];
    if (req.method !== 'POST' || !op)
      return send(
        res,
        400,
        { __type: 'UnknownOperationException', message: `Not served here: ${operation}` },
        'UnknownOperationException',
      );
    try {
      if (body.UserPoolId !== undefined && body.UserPoolId !== userPoolId)
        throw new AwsError('ResourceNotFoundException', 'User pool does not exist.');
      send(res, 200, await op(body));
    } catch (err) {
      if (err instanceof AwsError)
        return send(res, err.status, { __type: err.type, message: err.message }, err.type);
      send(
        res,
        500,
        { __type: 'InternalErrorException', message: 'Internal error' },
        'InternalErrorException',
      );
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    userPoolId,
    issuer: `${url}/${userPoolId}`,
    addUser,
    user(name) {
      const u = find(name);
      return (
        u && {
          sub: u.sub,
          username: u.username,
          email: u.email,
          password: u.password,
          name: u.name,
          status: u.status,
          enabled: u.enabled,
          groups: [...u.groups],
        }
      );
    },
    failNext(count, f = {}) {
      for (let k = 0; k < count; k++)
        faults.push({
          type: f.type ?? 'TooManyRequestsException',
          status: f.status ?? 400,
          message: f.message ?? 'Rate exceeded',
          operation: f.operation,
        });
    },
    calls,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
