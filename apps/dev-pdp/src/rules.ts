/**
 * The dev PDP's policy: permit rules over the AuthZEN request, written with the project's own scope
 * grammar and organization roles (core's `hasAccess` / `hasRole`) and resource-owner checks. Anything
 * no rule permits is denied.
 */
import { hasAccess, hasRole } from '@auth/core';

/** All conditions of a rule must hold; a rule without conditions always holds. */
export interface RuleConditions {
  /** `resource.properties.ownerID == subject.id`. */
  owner?: boolean;
  /** The subject's organizations (`subject.properties.organizations[].id`) include `resource.properties.orgID`. */
  orgMember?: boolean;
  /** That organization's scopes grant this permission (`projects:read`, `documents:**`, …). */
  orgPermission?: string;
  /** That organization's scopes hold this role (`owner`, `admin`, `member`). */
  orgRole?: 'owner' | 'admin' | 'member';
  /** The subject's own scopes (`subject.properties.scopes`) grant this permission. */
  scope?: string;
  /** The subject's `roles` property (from the request or the policy's `subjects`) contains this role. */
  role?: string;
}

export interface Rule {
  description?: string;
  /** `resource.type` this rule is about (`*` for any). */
  resourceType: string;
  /** `action.name`s this rule permits. */
  actions: string[];
  when?: RuleConditions;
}

export interface PdpPolicy {
  rules: Rule[];
  /**
   * A small attribute source (PIP): properties by subject id, merged over the request's
   * `subject.properties` (the policy's values win).
   */
  subjects?: Record<string, Record<string, unknown>>;
}

export interface Evaluation {
  subject: { type: string; id: string; properties?: Record<string, unknown> };
  action: { name: string; properties?: Record<string, unknown> };
  resource: { type: string; id: string; properties?: Record<string, unknown> };
  context?: Record<string, unknown>;
}

export interface Answer {
  decision: boolean;
  context?: { reason_admin?: Record<string, string>; reason_user?: Record<string, string> };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** Checks a policy document; throws TypeError naming the first problem. */
export function parsePolicy(value: unknown): PdpPolicy {
  if (!isRecord(value) || !Array.isArray(value.rules))
    throw new TypeError('policy: "rules" must be an array');
  const known = new Set(['owner', 'orgMember', 'orgPermission', 'orgRole', 'scope', 'role']);
  if (value.subjects !== undefined && !isRecord(value.subjects)) {
    throw new TypeError('policy: "subjects" must be an object of subject id → properties');
  }
  value.rules.forEach((rule, i) => {
    if (!isRecord(rule) || typeof rule.resourceType !== 'string' || strings(rule.actions).length === 0) {
      throw new TypeError(`policy: rules[${i}] needs "resourceType" and a non-empty "actions"`);
    }
    if (rule.when !== undefined) {
      if (!isRecord(rule.when)) throw new TypeError(`policy: rules[${i}].when must be an object`);
      for (const key of Object.keys(rule.when)) {
        if (!known.has(key)) throw new TypeError(`policy: rules[${i}].when: unknown condition "${key}"`);
      }
    }
  });
  return value as unknown as PdpPolicy;
}

/** `permission` is `resource[.sub]*:action` in the scope grammar. */
function grants(scopes: readonly string[], permission: string): boolean {
  const at = permission.lastIndexOf(':');
  if (at <= 0) return false;
  return hasAccess(scopes, permission.slice(at + 1), permission.slice(0, at));
}

function holds(
  when: RuleConditions | undefined,
  request: Evaluation,
  known: Record<string, unknown>,
): boolean {
  if (!when) return true;
  const sp = { ...request.subject.properties, ...known };
  const rp = request.resource.properties ?? {};
  const orgId = typeof rp.orgID === 'string' ? rp.orgID : undefined;
  const orgs = Array.isArray(sp.organizations) ? sp.organizations.filter(isRecord) : [];
  const org = orgId === undefined ? undefined : orgs.find((o) => o.id === orgId);
  const orgScopes = strings(org?.scopes);
  // The owner is named by the subject's id, or by the `id` its attributes give it (an email).
  const owner = typeof rp.ownerID === 'string' && (rp.ownerID === request.subject.id || rp.ownerID === sp.id);
  if (when.owner && !owner) return false;
  if (when.role !== undefined && !strings(sp.roles).includes(when.role)) return false;
  if (when.orgMember && !org) return false;
  if (when.orgPermission !== undefined && !(org && grants(orgScopes, when.orgPermission))) return false;
  if (when.orgRole !== undefined && !(org && hasRole(orgScopes, when.orgRole))) return false;
  if (when.scope !== undefined && !grants(strings(sp.scopes), when.scope)) return false;
  return true;
}

/** The decision for one evaluation: the first rule that permits, else a denial with reasons. */
export function decide(policy: PdpPolicy, request: Evaluation): Answer {
  const subjects = policy.subjects ?? {};
  const known = Object.hasOwn(subjects, request.subject.id) ? (subjects[request.subject.id] ?? {}) : {};
  for (const rule of policy.rules) {
    if (rule.resourceType !== '*' && rule.resourceType !== request.resource.type) continue;
    if (!rule.actions.includes(request.action.name)) continue;
    if (holds(rule.when, request, known)) return { decision: true };
  }
  return {
    decision: false,
    context: {
      reason_admin: { '403': `no rule permits ${request.action.name} on ${request.resource.type}` },
      reason_user: { '403': 'You may not do this with this resource' },
    },
  };
}
