import type { Principal } from '@auth/core';

/** The contract's principal JSON (more fields allowed; `claims` are left out on purpose). */
export const principalJson = (p: Principal) => ({
  subject: p.subject,
  issuer: p.issuer,
  clientId: p.clientId,
  tokenUse: p.tokenUse,
  scopes: p.scopes,
  groups: p.groups,
  organizations: p.organizations,
  expiresAtSeconds: p.expiresAtSeconds,
});

export type PrincipalJson = ReturnType<typeof principalJson>;
