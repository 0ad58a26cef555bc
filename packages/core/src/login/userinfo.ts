/**
 * The UserInfo endpoint through oauth4webapi, with the subject check of OIDC Core 5.3.2: the answer
 * must name the ID token's `sub`, or it is refused (a token substitution).
 */
import * as oauth from 'oauth4webapi';
import { TokenEndpointError } from '../client/errors.ts';
import { CallbackError, IdTokenError } from './errors.ts';
import type { LoginContext } from './login-context.ts';
import type { LoginSession } from './session.ts';

/**
 * @example
 * const info: UserInfo = await login.userinfo(session);
 */
export type UserInfo = oauth.UserInfoResponse;

export async function fetchUserInfo(ctx: LoginContext, session: LoginSession): Promise<UserInfo> {
  const as = await ctx.server();
  if (!as.userinfo_endpoint) throw new CallbackError('The provider has no userinfo endpoint');
  const accessToken = await session.getAccessToken();
  let response: Response;
  try {
    response = await oauth.userInfoRequest(as, ctx.client, accessToken, ctx.oauth.http());
  } catch (cause) {
    throw new TokenEndpointError('The userinfo endpoint could not be reached', { retryable: true, cause });
  }
  try {
    return await oauth.processUserInfoResponse(as, ctx.client, session.identity.subject, response);
  } catch (cause) {
    if (
      cause instanceof oauth.OperationProcessingError &&
      (cause.cause as { attribute?: string })?.attribute === 'sub'
    ) {
      throw new IdTokenError('The userinfo response names another subject', 'sub', cause);
    }
    throw new TokenEndpointError('The userinfo endpoint answered with an error', {
      httpStatus: response.status,
      cause,
    });
  }
}
