/**
 * Strict compact-JWS parsing: exactly three canonical base64url segments (no padding, no whitespace, no
 * non-zero trailing bits, so every segment re-encodes to itself), JSON-object header and payload with no
 * duplicate member names, valid UTF-8, and header members we refuse (crit, b64, JWE, nested JWTs).
 */
import { InvalidTokenError } from '../errors.ts';
import type { CryptoBackend } from './crypto/types.ts';
import { hasDuplicateKeys } from './json-guard.ts';
import type { JoseHeader } from './options.ts';

export interface ParsedToken {
  header: JoseHeader;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Uint8Array;
}

// 0-63 for the base64url alphabet, 255 otherwise.
const B64U = new Uint8Array(128).fill(255);
{
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) B64U[alphabet.charCodeAt(i)] = i;
}

const malformed = (message = 'The access token is malformed') =>
  new InvalidTokenError('ERR_AUTH_MALFORMED_TOKEN', message);

// The base64url alphabet and dots; V8's regex engine checks it faster than a JS loop, and this flat
// class ~1.5× faster than a three-segment pattern (the segment count is checked with indexOf below).
const JWS_CHARS = /^[A-Za-z0-9_.-]*$/;

/** Canonical base64url (alphabet already checked): length % 4 !== 1, unused low bits of the last char zero. */
function canonicalTail(token: string, start: number, end: number): boolean {
  const len = end - start;
  if (len === 0 || len % 4 === 1) return false;
  const last = B64U[token.charCodeAt(end - 1)]!;
  const rem = len % 4;
  return !((rem === 2 && (last & 15) !== 0) || (rem === 3 && (last & 3) !== 0));
}

function checkSegment(token: string, start: number, end: number): void {
  if (!canonicalTail(token, start, end)) throw malformed();
}

/** True when `s` is unpadded base64url that re-encodes to itself (exported for tests). */
export function isCanonicalBase64url(s: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(s) && canonicalTail(s, 0, s.length);
}

function decodeJson(crypto: CryptoBackend, segment: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = crypto.utf8(crypto.decode(segment));
    value = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed();
  if (hasDuplicateKeys(text)) throw malformed('The access token contains duplicate JSON members');
  return value as Record<string, unknown>;
}

// Parsed headers by their exact segment text. An issuer signs with a handful of (alg, kid, typ)
// combinations, so the header segment repeats across tokens: parsing it once saves a decode, a
// JSON.parse and the duplicate scan per token. The result depends only on the text; cleared when full
// so that a flood of distinct headers costs misses, not memory.
const HEADER_CACHE_MAX = 256;
const headerCache = new Map<string, JoseHeader>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function parseHeader(segment: string, crypto: CryptoBackend, cached: boolean): JoseHeader {
  if (!cached) {
    const header = decodeJson(crypto, segment);
    checkHeader(header);
    return deepFreeze(header as JoseHeader);
  }
  const hit = headerCache.get(segment);
  if (hit !== undefined) return hit;
  const header = decodeJson(crypto, segment);
  checkHeader(header);
  if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
  const frozen = deepFreeze(header as JoseHeader);
  headerCache.set(segment, frozen);
  return frozen;
}

/**
 * Parses a compact JWS strictly. `cacheHeader: false` for JWS whose header differs per sender (DPoP
 * proofs carry the client's key), so they cannot push issuers' headers out of the cache.
 */
export function parseCompact(token: string, crypto: CryptoBackend, cacheHeader = true): ParsedToken {
  const d2 = splitCompact(token);
  const d1 = token.indexOf('.');
  const header = parseHeader(token.slice(0, d1), crypto, cacheHeader);
  const payload = decodeJson(crypto, token.slice(d1 + 1, d2));
  return {
    header,
    payload,
    signingInput: token.slice(0, d2),
    signature: crypto.decode(token.slice(d2 + 1)),
  };
}

/**
 * Checks the compact-JWS shape of `token` (alphabet, exactly three non-empty canonical base64url
 * segments) and returns the index of its second dot; throws ERR_AUTH_MALFORMED_TOKEN otherwise. The
 * first dot is `token.indexOf('.')`. For callers that look a segment up before decoding it (DPoP).
 */
export function splitCompact(token: string): number {
  if (!JWS_CHARS.test(token)) throw malformed();
  // Exactly three segments; checkSegment rejects empty ones.
  const d1 = token.indexOf('.');
  const d2 = d1 === -1 ? -1 : token.indexOf('.', d1 + 1);
  if (d2 === -1 || token.indexOf('.', d2 + 1) !== -1) throw malformed();
  checkSegment(token, 0, d1);
  checkSegment(token, d1 + 1, d2);
  checkSegment(token, d2 + 1, token.length);
  return d2;
}

/**
 * A header segment (already checked by `splitCompact`) parsed and checked as `parseCompact` does,
 * without the issuer header cache: a frozen JOSE header, or ERR_AUTH_MALFORMED_TOKEN /
 * ERR_AUTH_ALG_NOT_ALLOWED.
 */
export function parseHeaderSegment(segment: string, crypto: CryptoBackend): JoseHeader {
  return parseHeader(segment, crypto, false);
}

/** A payload segment (already checked by `splitCompact`) as a JSON object; ERR_AUTH_MALFORMED_TOKEN otherwise. */
export function parsePayloadSegment(segment: string, crypto: CryptoBackend): Record<string, unknown> {
  return decodeJson(crypto, segment);
}

function checkHeader(h: Record<string, unknown>): void {
  const alg = h.alg;
  if (typeof alg !== 'string' || alg === '') throw malformed();
  if (alg.toLowerCase() === 'none') {
    throw new InvalidTokenError('ERR_AUTH_ALG_NOT_ALLOWED', 'The token algorithm is not allowed');
  }
  // JWE headers carry `enc`; we only accept signed tokens.
  if (h.enc !== undefined || h.zip !== undefined) throw malformed('Encrypted tokens are not accepted');
  // We implement no JWS extensions, so any critical one is unknown (RFC 7515 §4.1.11).
  if (h.crit !== undefined) throw malformed('The token uses unsupported critical header parameters');
  if (h.b64 !== undefined && h.b64 !== true) throw malformed('Unencoded payloads are not accepted');
  if (h.cty !== undefined) {
    if (typeof h.cty !== 'string') throw malformed();
    const cty = h.cty.toLowerCase();
    if (cty === 'jwt' || cty === 'application/jwt') throw malformed('Nested tokens are not accepted');
  }
  if (h.kid !== undefined && (typeof h.kid !== 'string' || h.kid === '')) throw malformed();
  if (h.typ !== undefined && typeof h.typ !== 'string') throw malformed();
  // jku, x5u, jwk, x5c are deliberately ignored: keys come only from the issuer's configured JWKS.
}
