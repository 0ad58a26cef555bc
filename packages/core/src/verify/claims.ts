/**
 * Claim rules, evaluated before the signature (cheap rejections first; nothing is accepted before the
 * signature is checked). Returns the token kind and the validity window the token cache re-checks.
 */
import { type AuthErrorDetail, InvalidTokenError } from '../errors.ts';
import type { ClaimRules } from './issuer-config.ts';
import type { JoseHeader } from './options.ts';

export interface ClaimsVerdict {
  kind: 'access' | 'id' | null;
  /** Seconds: the token is acceptable while validFrom <= now <= validUntil (tolerance included). */
  validFrom: number;
  validUntil: number;
}

const fail = (
  code: ConstructorParameters<typeof InvalidTokenError>[0],
  message: string,
  detail?: AuthErrorDetail,
) => new InvalidTokenError(code, message, detail === undefined ? undefined : { detail });

// Seconds since the epoch beyond year 5138: almost certainly milliseconds, which would stretch a
// lifetime a thousandfold. Rejected rather than guessed.
const MAX_TIMESTAMP = 1e11;
const STRING_CLAIMS = ['client_id', 'azp', 'jti', 'token_use'] as const;

function timestamp(payload: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const v = payload[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= MAX_TIMESTAMP) {
    throw fail('ERR_AUTH_INVALID_CLAIM', `The ${name} claim must be a NumericDate in seconds`, {
      claim: name,
    });
  }
  return v;
}

function normalizeTyp(typ: string): string {
  const t = typ.toLowerCase();
  return t.startsWith('application/') ? t.slice(12) : t;
}

/** The token's kind from `token_use` (Cognito and others) and `typ` (RFC 9068), which must agree. */
function tokenKind(header: JoseHeader, payload: Record<string, unknown>): 'access' | 'id' | null {
  let byClaim: 'access' | 'id' | null = null;
  const use = payload.token_use;
  if (use !== undefined) {
    if (use !== 'access' && use !== 'id')
      throw fail('ERR_AUTH_INVALID_TOKEN_USE', 'The token_use claim is invalid');
    byClaim = use;
  }
  let byTyp: 'access' | 'id' | null = null;
  if (header.typ !== undefined) {
    const t = normalizeTyp(header.typ);
    if (t === 'at+jwt') byTyp = 'access';
    else if (t === 'id_token+jwt' || t === 'id+jwt') byTyp = 'id';
  }
  if (byClaim !== null && byTyp !== null && byClaim !== byTyp) {
    throw fail('ERR_AUTH_INVALID_TOKEN_USE', 'The token type and token_use disagree');
  }
  let kind = byClaim ?? byTyp;
  // OIDC id-token-only members (nonce, at_hash, c_hash) mark an id token when nothing else says.
  if (
    kind === null &&
    (payload.nonce !== undefined || payload.at_hash !== undefined || payload.c_hash !== undefined)
  ) {
    kind = 'id';
  }
  return kind;
}

function stringsOf(v: unknown): readonly string[] | null {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  return null;
}

export function checkClaims(
  header: JoseHeader,
  payload: Record<string, unknown>,
  rules: ClaimRules,
  now: number,
): ClaimsVerdict {
  const tol = rules.clockToleranceSeconds;

  // Kind: an id token never passes as an access token, nor the reverse.
  const kind = tokenKind(header, payload);
  if (rules.typ !== null && (header.typ === undefined || normalizeTyp(header.typ) !== rules.typ)) {
    throw fail('ERR_AUTH_INVALID_TYP', 'The token type is not accepted');
  }
  if (rules.tokenUse !== 'any' && kind !== null && kind !== rules.tokenUse) {
    throw fail('ERR_AUTH_INVALID_TOKEN_USE', 'The token is not of the accepted kind');
  }
  if (rules.cognito && payload.token_use !== rules.tokenUse) {
    throw fail('ERR_AUTH_INVALID_TOKEN_USE', 'The token_use claim is not the accepted one');
  }

  if (payload.iss !== rules.issuer) {
    throw fail('ERR_AUTH_UNTRUSTED_ISSUER', 'The token issuer is not trusted', {
      issuer: String(payload.iss),
      configuredIssuers: [rules.issuer],
    });
  }

  for (const name of rules.requiredClaims) {
    if (payload[name] === undefined || payload[name] === null) {
      throw fail('ERR_AUTH_MISSING_CLAIM', 'The token lacks a required claim', { claim: name });
    }
  }

  const exp = timestamp(payload, 'exp');
  const nbf = timestamp(payload, 'nbf');
  const iat = timestamp(payload, 'iat');
  if (exp === undefined) throw fail('ERR_AUTH_MISSING_CLAIM', 'The token has no expiry', { claim: 'exp' });
  if (now > exp + tol) throw fail('ERR_AUTH_TOKEN_EXPIRED', 'The token has expired');
  if (nbf !== undefined && nbf > now + tol)
    throw fail('ERR_AUTH_TOKEN_NOT_YET_VALID', 'The token is not yet valid');
  if (iat !== undefined && iat > now + tol) {
    throw fail('ERR_AUTH_TOKEN_ISSUED_IN_FUTURE', 'The token is issued in the future');
  }
  let validUntil = exp + tol;
  if (rules.maxTokenAgeSeconds !== null) {
    if (iat === undefined)
      throw fail('ERR_AUTH_MISSING_CLAIM', 'The token has no issue time', { claim: 'iat' });
    if (now > iat + rules.maxTokenAgeSeconds + tol)
      throw fail('ERR_AUTH_TOKEN_TOO_OLD', 'The token is too old');
    validUntil = Math.min(validUntil, iat + rules.maxTokenAgeSeconds + tol);
  }
  if (rules.maxLifetimeSeconds !== null) {
    if (iat === undefined)
      throw fail('ERR_AUTH_MISSING_CLAIM', 'The token has no issue time', { claim: 'iat' });
    if (exp - iat > rules.maxLifetimeSeconds) {
      throw fail('ERR_AUTH_TOKEN_LIFETIME_TOO_LONG', 'The token lifetime exceeds the allowed maximum');
    }
  }

  const aud = payload.aud;
  let auds: readonly string[] | null = null;
  if (aud !== undefined) {
    auds = stringsOf(aud);
    if (auds === null || auds.length === 0)
      throw fail('ERR_AUTH_INVALID_AUDIENCE', 'The token audience is invalid', { claim: 'aud' });
  }
  if (rules.audience !== null) {
    const expected = rules.audience;
    if (auds === null || !auds.some((a) => expected.has(a))) {
      // Seen vs configured, so a log line names the mismatch (a few values: `aud` comes from the token).
      throw fail('ERR_AUTH_INVALID_AUDIENCE', 'The token audience is not accepted', {
        claim: 'aud',
        audience: (auds ?? []).slice(0, 5),
        configuredAudiences: [...expected].slice(0, 5),
      });
    }
  }

  const sub = payload.sub;
  if (sub !== undefined && (typeof sub !== 'string' || sub === '')) {
    throw fail('ERR_AUTH_INVALID_CLAIM', 'The sub claim must be a non-empty string', { claim: 'sub' });
  }

  if (rules.clientIds !== null) {
    const ids = rules.clientIds;
    const effective = kind ?? (rules.tokenUse === 'any' ? null : rules.tokenUse);
    let ok: boolean;
    if (rules.cognito && effective === 'id') {
      ok = auds?.some((a) => ids.has(a)) === true;
    } else {
      const cid =
        payload.client_id ?? payload.azp ?? (effective === 'id' && auds?.length === 1 ? auds[0] : undefined);
      ok = typeof cid === 'string' && ids.has(cid);
    }
    if (!ok) throw fail('ERR_AUTH_INVALID_CLIENT_ID', 'The token client is not accepted');
  }

  for (const name of STRING_CLAIMS) {
    const v = payload[name];
    if (v !== undefined && typeof v !== 'string') {
      throw fail('ERR_AUTH_INVALID_CLAIM', 'A registered claim has the wrong type', { claim: name });
    }
  }
  if (payload.scope !== undefined && typeof payload.scope !== 'string') {
    throw fail('ERR_AUTH_INVALID_CLAIM', 'The scope claim must be a string', { claim: 'scope' });
  }
  if (payload.scp !== undefined && stringsOf(payload.scp) === null) {
    throw fail('ERR_AUTH_INVALID_CLAIM', 'The scp claim must be a string or an array of strings', {
      claim: 'scp',
    });
  }

  const lower = Math.max(nbf ?? Number.NEGATIVE_INFINITY, iat ?? Number.NEGATIVE_INFINITY) - tol;
  return { kind, validFrom: lower, validUntil };
}
