import { createHash, randomUUID } from 'node:crypto';
import { type MintTokenOptions, mintToken, nowSeconds } from './mint.ts';

export interface MintCognitoTokenOptions
  extends Pick<MintTokenOptions, 'key' | 'header' | 'expiresIn' | 'now'> {
  tokenUse: 'access' | 'id';
  /** the app client id: `client_id` of an access token, `aud` of an id token */
  clientId: string;
  /** default `us-east-1` */
  region?: string;
  /** default `<region>_testpool` */
  userPoolId?: string;
  /** default `https://cognito-idp.<region>.amazonaws.com/<userPoolId>` */
  issuer?: string;
  /** access tokens: space-separated or a list (e.g. `['api/read']`) */
  scope?: string | string[];
  /** `cognito:groups` */
  groups?: string[];
  /** a user's name: `username` (access) / `cognito:username` (id); without it an access token is M2M-shaped */
  username?: string;
  /** default: derived from `username`, or the client id for an M2M access token */
  sub?: string;
  /** id tokens: `email` */
  email?: string;
  /** merged last; `undefined` removes a claim */
  claims?: Record<string, unknown>;
}

const uuidFrom = (s: string): string => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * Mints a token shaped like Amazon Cognito's: access tokens carry `token_use: "access"`,
 * `client_id`, `scope`, `cognito:groups` and no `aud`; id tokens `token_use: "id"` and `aud`.
 */
export async function mintCognitoToken(options: MintCognitoTokenOptions): Promise<string> {
  const { tokenUse, clientId, region = 'us-east-1' } = options;
  if (tokenUse !== 'access' && tokenUse !== 'id')
    throw new TypeError('mintCognitoToken: tokenUse must be "access" or "id"');
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError('mintCognitoToken: clientId is required');
  const userPoolId = options.userPoolId ?? `${region}_testpool`;
  const issuer = options.issuer ?? `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`;
  const username = options.username ?? (tokenUse === 'id' ? 'test-user' : undefined);
  const sub = options.sub ?? (username ? uuidFrom(username) : clientId);
  const authTime = nowSeconds(options.now);
  const common = {
    sub,
    'cognito:groups': options.groups,
    iss: issuer,
    origin_jti: randomUUID(),
    event_id: username ? randomUUID() : undefined,
    token_use: tokenUse,
    auth_time: authTime,
    jti: randomUUID(),
  };
  const scope = Array.isArray(options.scope) ? options.scope.join(' ') : options.scope;
  const claims =
    tokenUse === 'access'
      ? { ...common, version: 2, client_id: clientId, scope, username }
      : {
          ...common,
          aud: clientId,
          'cognito:username': username,
          email: options.email,
          email_verified: options.email ? true : undefined,
        };
  return mintToken({
    key: options.key,
    header: options.header,
    expiresIn: options.expiresIn,
    now: options.now,
    claims: { ...claims, ...options.claims },
  });
}
