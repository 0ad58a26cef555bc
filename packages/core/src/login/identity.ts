/**
 * The verified identity of a logged-in user: the ID token's claims normalised by core's principal
 * builder (subject, groups, organizations), with the scope granted to the session's access token as
 * `scopes`, so core's authorization helpers and policies answer the same way as on the API side.
 */
import type { Principal } from '../types.ts';
import type { IssuerRuntime } from '../verify/issuer-config.ts';
import { buildPrincipal } from '../verify/principal.ts';

/**
 * The person behind a session.
 *
 * @example
 * const who: Identity = session.identity;
 * console.log(who.subject, who.email);
 */
export interface Identity {
  subject: string;
  email: string | undefined;
  name: string | undefined;
  groups: readonly string[];
  organizations: Principal['organizations'];
  /** The verified ID token claims (null-prototype copy). */
  claims: Principal['claims'];
}

const GROUPS = Object.freeze([
  { name: 'groups', path: ['groups'] },
  { name: 'roles', path: ['roles'] },
]);

/** The Principal of a session: ID token claims, `tokenUse: 'id'`, `scopes` = the granted scope. */
export function sessionPrincipal(
  issuer: string,
  claims: Record<string, unknown>,
  grantedScope: string | undefined,
): Principal {
  // Only the pieces of an issuer's runtime that buildPrincipal reads.
  const rt = {
    issuer,
    userIdClaim: 'sub',
    groupsPaths: GROUPS,
    organizationsClaim: 'organizations',
    tokenUse: 'id',
  } as unknown as IssuerRuntime;
  const { scope: _ignored, scp: _also, ...rest } = claims;
  return buildPrincipal(grantedScope ? { ...rest, scope: grantedScope } : rest, rt, 'id');
}

export function identityOf(principal: Principal): Identity {
  const { email, name } = principal.claims as { email?: unknown; name?: unknown };
  return Object.freeze({
    subject: principal.subject,
    email: typeof email === 'string' ? email : undefined,
    name: typeof name === 'string' ? name : undefined,
    groups: principal.groups,
    organizations: principal.organizations,
    claims: principal.claims,
  });
}
