import { DEFAULT_REALM, toAuthError, type AuthError } from '@auth/core';

// The realm chosen by the authenticating middleware, remembered on the request so that later
// authorization middleware renders the same challenge.
const REALM = Symbol.for('@auth/express.realm');

type WithRealm = { [REALM]?: string };

export function rememberRealm(req: object, realm: string): void {
  // The default needs no note (errors start with it): no extra property on the hot path.
  if (realm !== DEFAULT_REALM || REALM in req) (req as WithRealm)[REALM] = realm;
}

/** Any failure as an AuthError carrying the request's realm (so `err.headers` is ready to send). */
export function authFailure(req: object, error: unknown): AuthError {
  const err = toAuthError(error);
  const realm = (req as WithRealm)[REALM];
  if (realm !== undefined) err.realm = realm;
  return err;
}
