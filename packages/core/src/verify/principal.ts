/**
 * Verified claims → the normalized, frozen Principal. `claims` is a deep null-prototype copy that drops
 * `__proto__` members, so nothing a token carries can reach Object.prototype through user code.
 */
import { InvalidTokenError } from '../errors.ts';
import type { Claims, Organization, Principal, TokenUse } from '../types.ts';
import type { IssuerRuntime } from './issuer-config.ts';
import { identityFields } from './identity-fields.ts';

const EMPTY: readonly never[] = Object.freeze([]);

// Nested values are copied (null prototype, no __proto__ members) and frozen like the top level, so a
// cached principal cannot be altered by one request for the next.
function copy(value: object, depth: number): unknown {
  if (depth > 32) return null;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      out[i] = typeof v === 'object' && v !== null ? copy(v, depth + 1) : v;
    }
    return Object.freeze(out);
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const key in value) {
    // JSON.parse output: own enumerable data properties only, so for-in needs no hasOwn check.
    if (key === '__proto__') continue;
    const v = (value as Record<string, unknown>)[key];
    out[key] = typeof v === 'object' && v !== null ? copy(v, depth + 1) : v;
  }
  return Object.freeze(out);
}

function at(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    if (!Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function groupsOf(claims: Record<string, unknown>, rt: IssuerRuntime): readonly string[] {
  // A Set, not `includes` on the output: a token listing thousands of groups stays linear.
  let out: Set<string> | undefined;
  for (const { name, path } of rt.groupsPaths) {
    const v = Object.hasOwn(claims, name) ? claims[name] : path.length > 1 ? at(claims, path) : undefined;
    if (v === undefined) continue;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : EMPTY;
    for (const g of list) {
      if (typeof g !== 'string' || g === '') continue;
      out ??= new Set();
      out.add(g);
    }
  }
  return out ? Object.freeze([...out]) : EMPTY;
}

function scopeList(v: unknown): readonly string[] {
  if (typeof v === 'string') {
    if (v === '') return EMPTY;
    const parts = v.split(' ');
    // Only irregular spacing leaves empty parts; skip the second pass otherwise.
    return v.includes('  ') || v.charCodeAt(0) === 32 || v.charCodeAt(v.length - 1) === 32
      ? parts.filter((s) => s !== '')
      : parts;
  }
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  return EMPTY;
}

function organization(id: unknown, v: unknown): Organization | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  if (Array.isArray(v) || typeof v === 'string')
    return Object.freeze({ id, scopes: Object.freeze([...scopeList(v)]) });
  if (typeof v !== 'object' || v === null) return Object.freeze({ id, scopes: EMPTY });
  const o = v as Record<string, unknown>;
  const scopes = Object.freeze([...scopeList(o.scopes ?? o.permissions ?? o.scope ?? o.roles)]);
  const title = typeof o.title === 'string' ? o.title : typeof o.name === 'string' ? o.name : undefined;
  return Object.freeze(title === undefined ? { id, scopes } : { id, scopes, title });
}

/**
 * `organizations` as an array (`[{ id, scopes, title? }]`, `org_id`/`permissions` also read) or as a map
 * (`{ "<orgId>": ["read:projects"] }` or `{ "<orgId>": { scopes, title } }`). Malformed entries are skipped.
 */
export function organizationsOf(v: unknown): readonly Organization[] {
  if (typeof v !== 'object' || v === null) return EMPTY;
  const out: Organization[] = [];
  if (Array.isArray(v)) {
    for (const e of v) {
      if (typeof e !== 'object' || e === null || Array.isArray(e)) continue;
      const r = e as Record<string, unknown>;
      const org = organization(r.id ?? r.org_id, r);
      if (org) out.push(org);
    }
  } else {
    for (const id of Object.keys(v)) {
      if (id === '__proto__') continue;
      const org = organization(id, (v as Record<string, unknown>)[id]);
      if (org) out.push(org);
    }
  }
  return out.length === 0 ? EMPTY : Object.freeze(out);
}

export function buildPrincipal(
  payload: Record<string, unknown>,
  rt: IssuerRuntime,
  kind: 'access' | 'id' | null,
): Principal {
  const subject = payload[rt.userIdClaim];
  if (typeof subject !== 'string' || subject === '') {
    throw new InvalidTokenError('ERR_AUTH_MISSING_CLAIM', 'The token lacks the user id claim', {
      detail: { claim: rt.userIdClaim },
    });
  }
  const aud = payload.aud;
  const audience: readonly string[] =
    aud === undefined ? EMPTY : Object.freeze(typeof aud === 'string' ? [aud] : [...(aud as string[])]);
  const tokenUse: TokenUse | null = kind ?? (rt.tokenUse === 'any' ? null : rt.tokenUse);
  const clientId =
    (payload.client_id as string | undefined) ??
    (payload.azp as string | undefined) ??
    (tokenUse === 'id' && audience.length === 1 ? audience[0]! : null);
  const scopes = payload.scope !== undefined ? scopeList(payload.scope) : scopeList(payload.scp);
  return Object.freeze({
    subject,
    issuer: rt.issuer,
    audience,
    clientId,
    tokenUse,
    scopes: scopes.length === 0 ? EMPTY : Object.freeze(scopes as string[]),
    groups: groupsOf(payload, rt),
    organizations: organizationsOf(payload[rt.organizationsClaim]),
    expiresAtSeconds: payload.exp as number,
    issuedAtSeconds: typeof payload.iat === 'number' ? payload.iat : null,
    claims: copy(payload, 0) as Claims,
    ...identityFields(payload),
  });
}
