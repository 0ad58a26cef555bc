/**
 * The stored record of a service principal / API key and its conversion to a frozen Principal.
 *
 * ```json
 * { "id": "svc:billing", "token": "…" | "hash": "sha256:<base64url>", "scopes": [], "groups": [],
 *   "organizations": [{ "id": "org_1", "scopes": ["read:projects"] }], "claims": {}, "expiresAtSeconds": 1767225600 }
 * ```
 * Exactly one of `token` (the shared secret itself) and `hash` (SHA-256 of it, base64url) is set.
 */
import type { Claims, Organization, Principal } from '../types.ts';
import { fromBase64Url, primitives } from './digest.ts';

/**
 * What a secret store holds for one key id (as JSON text or an object).
 *
 * @example
 * const store = memorySecretStore({
 *   'svc-billing': { id: 'svc:billing', token: 's3cret', scopes: ['read:invoices'] } satisfies ApiKeyRecord,
 * });
 */
export interface ApiKeyRecord {
  /** Principal identifier (`principal.subject`); defaults to the key id. */
  id?: string;
  /** The secret itself (compared after hashing both sides). */
  token?: string;
  /** `sha256:<base64url digest>` of the secret: the store never holds the secret. */
  hash?: string;
  scopes?: string[];
  groups?: string[];
  organizations?: { id: string; scopes?: string[] }[];
  claims?: Record<string, unknown>;
  /** Seconds since the epoch after which the key stops working. */
  expiresAtSeconds?: number;
}

/** A usable record: the digest to compare with and the principal to hand out. */
export interface ParsedRecord {
  digest: Uint8Array;
  principal: Principal;
  expiresAtSeconds: number | null;
}

/** Thrown for a record that cannot be used; the caller turns it into a 503 (operator error). */
export class MalformedRecordError extends Error {
  override name = 'MalformedRecordError';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringArray(value: unknown, field: string): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s === '')) {
    throw new MalformedRecordError(`"${field}" must be an array of non-empty strings`);
  }
  return Object.freeze([...new Set(value as string[])]);
}

/** A null-prototype copy without `__proto__`/`constructor`/`prototype` keys. */
function safeCopy(value: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    copy[k] = v;
  }
  return copy;
}

export interface PrincipalDefaults {
  /** `principal.issuer` of API-key principals. */
  issuer: string;
}

/** Parses and validates a record (JSON text or an object). Throws MalformedRecordError. */
export async function parseRecord(
  raw: unknown,
  keyId: string,
  defaults: PrincipalDefaults,
): Promise<ParsedRecord> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new MalformedRecordError('the record is not valid JSON');
    }
  }
  if (!isObject(value)) throw new MalformedRecordError('the record must be a JSON object');
  const { id, token, hash, scopes, groups, organizations, claims, expiresAtSeconds } = value;

  if (id !== undefined && (typeof id !== 'string' || id === '')) {
    throw new MalformedRecordError('"id" must be a non-empty string');
  }
  if ((token === undefined) === (hash === undefined)) {
    throw new MalformedRecordError('exactly one of "token" and "hash" must be set');
  }
  let digest: Uint8Array;
  if (token !== undefined) {
    if (typeof token !== 'string' || token === '')
      throw new MalformedRecordError('"token" must be a non-empty string');
    digest = await primitives.sha256(token);
  } else {
    const bytes =
      typeof hash === 'string' && hash.startsWith('sha256:')
        ? fromBase64Url(hash.slice('sha256:'.length))
        : undefined;
    if (bytes === undefined || bytes.length !== 32) {
      throw new MalformedRecordError('"hash" must be "sha256:" followed by a base64url SHA-256 digest');
    }
    digest = bytes;
  }
  // The field's old name: ignoring it would turn an expiring key into one that never expires.
  if ('expiresAt' in value) throw new MalformedRecordError('"expiresAt" is now "expiresAtSeconds"');
  if (
    expiresAtSeconds !== undefined &&
    (typeof expiresAtSeconds !== 'number' || !Number.isFinite(expiresAtSeconds))
  ) {
    throw new MalformedRecordError('"expiresAtSeconds" must be a number of seconds since the epoch');
  }
  if (claims !== undefined && !isObject(claims)) throw new MalformedRecordError('"claims" must be an object');
  let orgs: readonly Organization[] = Object.freeze([]);
  if (organizations !== undefined) {
    if (!Array.isArray(organizations)) throw new MalformedRecordError('"organizations" must be an array');
    orgs = Object.freeze(
      organizations.map((org, i) => {
        if (!isObject(org) || typeof org.id !== 'string' || org.id === '') {
          throw new MalformedRecordError(`"organizations[${i}].id" must be a non-empty string`);
        }
        return Object.freeze({ id: org.id, scopes: stringArray(org.scopes, `organizations[${i}].scopes`) });
      }),
    );
  }

  const subject = (id as string | undefined) ?? keyId;
  const scopeList = stringArray(scopes, 'scopes');
  const claimSet = safeCopy(claims ?? {});
  // The registered claims describe the principal; a record's `claims` cannot override them.
  Object.assign(claimSet, {
    iss: defaults.issuer,
    sub: subject,
    client_id: keyId,
    token_use: 'api_key',
    scope: scopeList.join(' '),
  });
  if (expiresAtSeconds !== undefined) claimSet.exp = expiresAtSeconds;
  const principal: Principal = Object.freeze({
    subject,
    issuer: defaults.issuer,
    audience: Object.freeze([]),
    clientId: keyId,
    tokenUse: 'api_key',
    scopes: scopeList,
    groups: stringArray(groups, 'groups'),
    organizations: orgs,
    expiresAtSeconds: (expiresAtSeconds as number | undefined) ?? null,
    issuedAtSeconds: null,
    claims: Object.freeze(claimSet) as Claims,
  });
  return { digest, principal, expiresAtSeconds: (expiresAtSeconds as number | undefined) ?? null };
}
