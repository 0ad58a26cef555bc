import {
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  type Authenticator,
  type Principal,
  type RequestLike,
} from '@auth/core';

/** A principal with the given scopes, groups and organizations. */
export function principal(subject: string, extra: Partial<Principal> = {}): Principal {
  return {
    subject,
    issuer: 'https://issuer.test',
    audience: ['api://test'],
    clientId: 'client',
    tokenUse: 'access',
    scopes: [],
    groups: [],
    organizations: [],
    expiresAtSeconds: null,
    issuedAtSeconds: null,
    claims: { sub: subject },
    ...extra,
  };
}

/** An Authenticator for glue tests: `Bearer <name>` maps to a fixed principal; anything else is invalid. */
export function fakeAuthenticator(
  principals: Record<string, Principal>,
  realm = 'api',
): Authenticator & { calls: number; closed: number } {
  const header = (req: RequestLike): string | undefined => {
    const h = req.headers as Record<string, string | undefined>;
    return h.authorization;
  };
  return {
    realm,
    calls: 0,
    closed: 0,
    hasCredentials: (req) => header(req) !== undefined,
    async authenticate(req, options) {
      this.calls++;
      const value = header(req);
      if (value === undefined) {
        if (options?.optional) return undefined;
        throw new MissingTokenError();
      }
      const match = /^Bearer ([A-Za-z0-9._-]+)$/i.exec(value);
      if (!match) throw new InvalidRequestError('Malformed Authorization header');
      const found = principals[match[1]!];
      if (!found) throw new InvalidTokenError('ERR_AUTH_INVALID_TOKEN', 'Invalid access token');
      return found;
    },
    close() {
      this.closed++;
    },
  };
}
