/**
 * The identity fields SDKs expose on their user object (`email`, `name`, `role`), lifted from the
 * verified claims onto the principal when the token carries them as non-empty strings. `role` also
 * reads Cognito's custom attribute `custom:role`.
 */
import type { PrincipalIdentity } from '../types.ts';

const MAX = 1024;

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' && v.length <= MAX ? v : undefined;
}

/** `{ email?, name?, role? }` from the claims: only the fields present as strings. */
export function identityFields(claims: Record<string, unknown>): PrincipalIdentity {
  const out: { email?: string; name?: string; role?: string } = {};
  const email = text(claims.email);
  if (email !== undefined) out.email = email;
  const name = text(claims.name);
  if (name !== undefined) out.name = name;
  const role = text(claims.role) ?? text(claims['custom:role']);
  if (role !== undefined) out.role = role;
  return out;
}
