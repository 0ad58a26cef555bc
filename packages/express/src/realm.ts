import { toAuthError, type AuthError } from '@auth/core';

// The realm chosen by the authenticating middleware, remembered on the request so that later
// authorization middleware renders the same challenge.
const REALM = Symbol.for('@auth/express.realm');

type WithRealm = { [REALM]?: string };

export function rememberRealm(req: object, realm: string): void {
  (req as WithRealm)[REALM] = realm;
}

/** Any failure as an AuthError carrying the request's realm (so `err.headers` is ready to send). */
export function authFailure(req: object, error: unknown): AuthError {
  const err = toAuthError(error);
  const realm = (req as WithRealm)[REALM];
  if (realm !== undefined) err.realm = realm;
  return err;
}
