/**
 * `cognitoUserTokens()`: a token source for one Cognito user signed in without a browser, through
 * `USER_SRP_AUTH` (SRP-6a, see srp.ts: the password never leaves the process) or `USER_PASSWORD_AUTH`,
 * refreshed through `REFRESH_TOKEN_AUTH` by core's token manager (refresh ahead with jitter, single
 * flight, cool-down). The password lives only in this closure: never in an error, a log or the source.
 */
import { ConfigurationError } from '@auth/core';
import {
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ManagedTokenSource, TokenManagerOptions } from '@auth/core/client';
import { type GrantResult, TokenManager } from '@auth/core/internal';
import { CognitoError, type CognitoErrorCode, fromSdkError } from './errors.ts';
import { cognitoTimestamp, passwordClaimSignature, secretHash, srpStart } from './srp.ts';

/**
 * What Cognito says about a user who must choose a new password (NEW_PASSWORD_REQUIRED).
 *
 * @example
 * const onNewPasswordRequired = (c: NewPasswordChallenge) => promptForPassword(c.username);
 */
export interface NewPasswordChallenge {
  username: string;
  /** The user's attributes as Cognito sent them (`userAttributes`). */
  userAttributes: Record<string, unknown>;
  /** Attributes the pool requires now (`requiredAttributes`). */
  requiredAttributes: string[];
}

/**
 * Options of `cognitoUserTokens()`, with every token source's tuning (`refreshBufferSeconds`, `store`, …).
 *
 * @example
 * const options: CognitoUserTokensOptions = { userPoolId: 'eu-west-1_AbC123', clientId: 'cli', username: 'ann@acme.test', password: process.env.PASSWORD ?? '', flow: 'srp' };
 */
export interface CognitoUserTokensOptions extends TokenManagerOptions {
  userPoolId: string;
  clientId: string;
  /** The app client's secret, when it has one (`SECRET_HASH` is then sent). */
  clientSecret?: string;
  username: string;
  password: string;
  /** `srp` (USER_SRP_AUTH; the app client must allow it) or `password` (USER_PASSWORD_AUTH). */
  flow: 'srp' | 'password';
  /** Default: the region prefix of `userPoolId`. */
  region?: string;
  /** Your own SDK client (endpoint, retries). */
  client?: CognitoIdentityProviderClient;
  /** Answers NEW_PASSWORD_REQUIRED with the new password; without it the source fails with ERR_COGNITO_NEW_PASSWORD_REQUIRED. */
  onNewPasswordRequired?: (challenge: NewPasswordChallenge) => string | Promise<string>;
}

/**
 * The source: `getToken()` gives the access token; `getTokenSet()` the ID and refresh tokens too.
 *
 * @example
 * const tokens: CognitoUserTokens = cognitoUserTokens(options);
 * const idToken = (await tokens.getTokenSet()).idToken;
 */
export interface CognitoUserTokens extends ManagedTokenSource {
  /** Destroys the SDK client it created. */
  close(): void;
}

const KNOWN = [
  'userPoolId',
  'clientId',
  'clientSecret',
  'username',
  'password',
  'flow',
  'region',
  'client',
  'onNewPasswordRequired',
  'refreshBufferSeconds',
  'refreshJitterSeconds',
  'defaultLifetimeSeconds',
  'retry',
  'store',
  'storeKey',
  'onRefresh',
  'onRefreshError',
  'clock',
  'random',
  'sleep',
];

// A failed sign-in that another attempt with the same password cannot fix: the grant is dead.
const FATAL: ReadonlySet<CognitoErrorCode> = new Set([
  'ERR_COGNITO_INVALID_CREDENTIALS',
  'ERR_COGNITO_USER_NOT_FOUND',
  'ERR_COGNITO_USER_NOT_CONFIRMED',
  'ERR_COGNITO_USER_DISABLED',
  'ERR_COGNITO_PASSWORD_RESET_REQUIRED',
  'ERR_COGNITO_NEW_PASSWORD_REQUIRED',
  'ERR_COGNITO_INVALID_INPUT',
]);

const nonEmpty = (name: string, v: unknown) => {
  if (typeof v !== 'string' || v === '')
    throw new ConfigurationError(`cognitoUserTokens(): \`${name}\` must be a non-empty string`);
};

/**
 * A token source for a Cognito user (scripts, CLIs, service tests): use it with `authFetch` or the
 * undici interceptor like any other source.
 *
 * @example
 * const tokens = cognitoUserTokens({ userPoolId: 'eu-west-1_AbC123', clientId: 'cli', username: 'ann@acme.test', password: process.env.PASSWORD ?? '', flow: 'srp' });
 * const api = authFetch(tokens, { allowedOrigins: ['https://api.example.com'] });
 */
export function cognitoUserTokens(options: CognitoUserTokensOptions): CognitoUserTokens {
  if (!options || typeof options !== 'object')
    throw new ConfigurationError('cognitoUserTokens(): options are required');
  for (const k of Object.keys(options))
    if (!KNOWN.includes(k)) throw new ConfigurationError(`cognitoUserTokens(): unknown option "${k}"`);
  const { userPoolId, clientId, clientSecret, username, password, flow, onNewPasswordRequired } = options;
  nonEmpty('userPoolId', userPoolId);
  if (!/^[\w-]+_[0-9A-Za-z]+$/.test(userPoolId))
    throw new ConfigurationError('cognitoUserTokens(): `userPoolId` must look like <region>_<id>');
  nonEmpty('clientId', clientId);
  nonEmpty('username', username);
  nonEmpty('password', password);
  if (clientSecret !== undefined) nonEmpty('clientSecret', clientSecret);
  if (flow !== 'srp' && flow !== 'password')
    throw new ConfigurationError("cognitoUserTokens(): `flow` must be 'srp' or 'password'");
  if (onNewPasswordRequired !== undefined && typeof onNewPasswordRequired !== 'function')
    throw new ConfigurationError('cognitoUserTokens(): `onNewPasswordRequired` must be a function');
  if (options.client !== undefined && !(options.client instanceof CognitoIdentityProviderClient))
    throw new ConfigurationError('cognitoUserTokens(): `client` must be a CognitoIdentityProviderClient');
  const own = options.client === undefined;
  const sdk =
    options.client ??
    new CognitoIdentityProviderClient({ region: options.region ?? userPoolId.split('_')[0] });
  const poolName = userPoolId.slice(userPoolId.indexOf('_') + 1);
  const hash = (name: string): Record<string, string> =>
    clientSecret === undefined ? {} : { SECRET_HASH: secretHash(name, clientId, clientSecret) };
  /** Cognito's own username of the user (USER_ID_FOR_SRP), for SECRET_HASH on refresh. */
  let cognitoUsername = username;
  /** The password, replaced by the new one once NEW_PASSWORD_REQUIRED was answered. */
  let secret = password;

  async function call<T>(
    operation: string,
    command: InitiateAuthCommand | RespondToAuthChallengeCommand,
  ): Promise<T> {
    try {
      return (await sdk.send(command as InitiateAuthCommand)) as T;
    } catch (err) {
      throw fromSdkError(err, operation);
    }
  }
  type AuthOut = {
    AuthenticationResult?: AuthenticationResultType;
    ChallengeName?: string;
    ChallengeParameters?: Record<string, string>;
    Session?: string;
  };

  async function signIn(): Promise<AuthenticationResultType> {
    let out: AuthOut;
    if (flow === 'password') {
      out = await call(
        'USER_PASSWORD_AUTH',
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: username, PASSWORD: secret, ...hash(username) },
        }),
      );
    } else {
      const session = srpStart();
      const start = await call<AuthOut>(
        'USER_SRP_AUTH',
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'USER_SRP_AUTH',
          AuthParameters: { USERNAME: username, SRP_A: session.A.toString(16), ...hash(username) },
        }),
      );
      const p = start.ChallengeParameters ?? {};
      if (
        start.ChallengeName !== 'PASSWORD_VERIFIER' ||
        !p.SRP_B ||
        !p.SALT ||
        !p.SECRET_BLOCK ||
        !p.USER_ID_FOR_SRP
      )
        throw new CognitoError(
          'ERR_COGNITO_CHALLENGE_FAILED',
          'Cognito did not answer USER_SRP_AUTH with a PASSWORD_VERIFIER challenge',
          { operation: 'USER_SRP_AUTH' },
        );
      const userId = p.USER_ID_FOR_SRP;
      const timestamp = cognitoTimestamp(new Date());
      let signature: string;
      try {
        signature = passwordClaimSignature({
          session,
          poolName,
          userId,
          password: secret,
          srpB: p.SRP_B,
          salt: p.SALT,
          secretBlock: p.SECRET_BLOCK,
          timestamp,
        });
      } catch {
        throw new CognitoError(
          'ERR_COGNITO_CHALLENGE_FAILED',
          'Cognito sent SRP parameters that cannot be used',
          { operation: 'PASSWORD_VERIFIER' },
        );
      }
      const name = p.USERNAME ?? userId;
      out = await call(
        'PASSWORD_VERIFIER',
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: start.Session,
          ChallengeResponses: {
            USERNAME: name,
            PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
            TIMESTAMP: timestamp,
            PASSWORD_CLAIM_SIGNATURE: signature,
            ...hash(name),
          },
        }),
      );
      cognitoUsername = name;
    }
    if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
      const p = out.ChallengeParameters ?? {};
      const name = p.USER_ID_FOR_SRP ?? cognitoUsername;
      if (!onNewPasswordRequired)
        throw new CognitoError(
          'ERR_COGNITO_NEW_PASSWORD_REQUIRED',
          'The user must set a new password (pass onNewPasswordRequired)',
          { operation: 'NEW_PASSWORD_REQUIRED' },
        );
      const parse = <T>(s: string | undefined, fallback: T): T => {
        try {
          return s ? (JSON.parse(s) as T) : fallback;
        } catch {
          return fallback;
        }
      };
      const newPassword = await onNewPasswordRequired({
        username: name,
        userAttributes: parse(p.userAttributes, {}),
        requiredAttributes: parse(p.requiredAttributes, []),
      });
      if (typeof newPassword !== 'string' || newPassword === '')
        throw new CognitoError(
          'ERR_COGNITO_INVALID_INPUT',
          'onNewPasswordRequired must return the new password',
          { field: 'onNewPasswordRequired' },
        );
      out = await call(
        'NEW_PASSWORD_REQUIRED',
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: out.Session,
          ChallengeResponses: { USERNAME: name, NEW_PASSWORD: newPassword, ...hash(name) },
        }),
      );
      cognitoUsername = name;
      // A later sign-in (refresh token refused) must use the password now in force.
      secret = newPassword;
    }
    if (out.ChallengeName !== undefined || !out.AuthenticationResult?.AccessToken)
      throw new CognitoError(
        'ERR_COGNITO_CHALLENGE_FAILED',
        `Cognito asked for a challenge this source does not answer (${String(out.ChallengeName).slice(0, 40)})`,
        {
          operation: flow === 'srp' ? 'USER_SRP_AUTH' : 'USER_PASSWORD_AUTH',
        },
      );
    return out.AuthenticationResult;
  }

  async function refresh(refreshToken: string): Promise<AuthenticationResultType | undefined> {
    try {
      const out = await call<AuthOut>(
        'REFRESH_TOKEN_AUTH',
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: refreshToken, ...hash(cognitoUsername) },
        }),
      );
      return out.AuthenticationResult;
    } catch (err) {
      // A refresh token Cognito no longer accepts (expired, revoked): sign in again with the password.
      if (err instanceof CognitoError && err.code === 'ERR_COGNITO_NOT_AUTHORIZED') return undefined;
      throw err;
    }
  }

  const toGrant = (r: AuthenticationResultType): GrantResult => ({
    access_token: r.AccessToken ?? '',
    token_type: (r.TokenType ?? 'Bearer').toLowerCase(),
    expires_in: r.ExpiresIn,
    refresh_token: r.RefreshToken,
    id_token: r.IdToken,
  });

  const manager = new TokenManager(
    `cognito:${userPoolId}:${clientId}:${username}`,
    {
      refreshBufferSeconds: options.refreshBufferSeconds,
      refreshJitterSeconds: options.refreshJitterSeconds,
      defaultLifetimeSeconds: options.defaultLifetimeSeconds,
      retry: options.retry,
      store: options.store,
      storeKey: options.storeKey,
      onRefresh: options.onRefresh,
      onRefreshError: options.onRefreshError,
      clock: options.clock,
      random: options.random,
      sleep: options.sleep,
    },
    {
      async grant(current) {
        if (current?.refreshToken) {
          const refreshed = await refresh(current.refreshToken);
          if (refreshed?.AccessToken) return toGrant(refreshed);
        }
        return toGrant(await signIn());
      },
      isFatal: (error) => error instanceof CognitoError && FATAL.has(error.code),
    },
  );
  return Object.assign(manager, {
    close() {
      if (own) sdk.destroy();
    },
  }) as CognitoUserTokens;
}
