// Authorization: policies, hierarchical scopes, organizations, combinators, remote decisions.
export type { MatchOptions } from './args.ts';
export { requireClaim } from './claims.ts';
export type { ClaimMatcher, ClaimPrimitive } from './claims.ts';
export { allOf, anyOf, not } from './combinators.ts';
export { ALLOW, assertAllowed, decisionToError, deny, evaluatePolicy, isDenial } from './decision.ts';
export type { Denial } from './decision.ts';
export { requireAnyGroup, requireGroups } from './groups.ts';
export { orgParam, requireOrgPermission, requireOrgRole, requirePermission } from './permissions.ts';
export type { OrgIdSource } from './permissions.ts';
export { remotePolicy } from './remote.ts';
export type { RemotePolicyCallOptions, RemotePolicyFunction, RemotePolicyOptions } from './remote.ts';
export { ROLES, parseScope } from './scope-grammar.ts';
export type { OrgRole, ParsedScope, PermissionScope, RoleScope } from './scope-grammar.ts';
export { hasAccess, hasRole } from './scope-index.ts';
export { requireAnyScope, requireScopes } from './scopes.ts';
export { requireAcr, requireAuthTime, requireDpopBound } from './step-up.ts';
