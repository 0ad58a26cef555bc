/**
 * A configurable bearer header (`tokenHeader`, `tokenPrefix`), for services moving from SDKs that read
 * e.g. `X-Auth-Token: <token>` or `Authorization: JWT <token>`. The RFC 6750 rules that still apply
 * are kept: one header (a repeat, an array or a comma-joined value is a 400), the prefix
 * case-insensitive followed by one or more spaces, a token68 token, a token in one place only.
 * The default (`Authorization` + `Bearer`) never reaches this file: `extractToken` keeps its own path.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { InvalidRequestError } from '../errors.ts';
import type { RequestLike } from '../types.ts';
import { TOKEN68 } from './bearer.ts';
import { readHeader } from './headers.ts';

export interface BearerHeaderOptions {
  /** Header carrying the token (default `Authorization`); letters, digits and dashes. */
  tokenHeader?: string;
  /** Scheme before the token, matched case-insensitively (default `Bearer`); `''` for a header holding only the token. */
  tokenPrefix?: string;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
/** RFC 9110 token characters: what an auth-scheme may be made of. */
const SCHEME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,32}$/;

/**
 * True when `options` set a header or prefix other than `Authorization` / `Bearer` (compared
 * case-insensitively), i.e. when extraction must take the configurable path.
 *
 * @example
 * usesCustomHeader({ tokenHeader: 'X-Auth-Token' }); // true
 * usesCustomHeader({ tokenHeader: 'authorization', tokenPrefix: 'BEARER' }); // false
 */
export function usesCustomHeader(options: BearerHeaderOptions | undefined): boolean {
  if (options === undefined) return false;
  const { tokenHeader, tokenPrefix } = options;
  return (
    (tokenHeader !== undefined && tokenHeader.toLowerCase() !== 'authorization') ||
    (tokenPrefix !== undefined && tokenPrefix.toLowerCase() !== 'bearer')
  );
}

/**
 * Checks `tokenHeader` / `tokenPrefix` at setup and returns them (only the ones given); throws a
 * TypeError naming the option.
 *
 * @example
 * validateBearerHeader({ tokenHeader: 'X-Auth-Token', tokenPrefix: '' }); // ok
 * validateBearerHeader({ tokenHeader: 'x auth' }); // throws TypeError
 */
export function validateBearerHeader(
  options: BearerHeaderOptions,
  name = 'tokenLocations',
): BearerHeaderOptions {
  const out: BearerHeaderOptions = {};
  const { tokenHeader, tokenPrefix } = options;
  if (tokenHeader !== undefined) {
    if (typeof tokenHeader !== 'string' || !HEADER_NAME.test(tokenHeader)) {
      throw new ConfigurationError(`${name}.tokenHeader must be a header name (letters, digits and dashes)`);
    }
    out.tokenHeader = tokenHeader;
  }
  if (tokenPrefix !== undefined) {
    if (typeof tokenPrefix !== 'string' || (tokenPrefix !== '' && !SCHEME.test(tokenPrefix))) {
      throw new ConfigurationError(
        `${name}.tokenPrefix must be a scheme name (letters, digits, !#$%&'*+-.^_\`|~) or '' for no prefix`,
      );
    }
    out.tokenPrefix = tokenPrefix;
  }
  return out;
}

interface Resolved {
  /** Lowercase name to read; `label` is the configured spelling, for messages. */
  name: string;
  label: string;
  /** Lowercase prefix, `''` for none. */
  prefix: string;
}

function resolve(options: BearerHeaderOptions): Resolved {
  const label = options.tokenHeader ?? 'Authorization';
  return { name: label.toLowerCase(), label, prefix: (options.tokenPrefix ?? 'Bearer').toLowerCase() };
}

/** What the configured header holds: its value, or `other` for another scheme on a shared Authorization header. */
function headerValue(req: RequestLike, h: Resolved): string | undefined | 'other' {
  const header = readHeader(req, h.name);
  if (header.repeated) throw new InvalidRequestError(`More than one ${h.label} header`);
  if (!header.present) return undefined;
  const value = header.value ?? '';
  // The Authorization header is shared with other schemes (`Basic` for a proxy…): a value that is not
  // ours is no credentials. A dedicated header carries only the token, so anything else is malformed.
  if (h.name === 'authorization' && h.prefix !== '' && isOtherScheme(value, h.prefix)) return 'other';
  return value;
}

/** A value of another scheme (`Basic abc`), not a malformed one of ours (blank, `JWT`, joined repeats). */
function isOtherScheme(value: string, prefix: string): boolean {
  if (value.includes(',') || !/^\S/.test(value)) return false;
  const scheme = /^\S+/.exec(value)?.[0] ?? '';
  return scheme.toLowerCase() !== prefix;
}

function hasPrefix(value: string, prefix: string): boolean {
  return (
    value.length > prefix.length &&
    value.slice(0, prefix.length).toLowerCase() === prefix &&
    value[prefix.length] === ' '
  );
}

/** The token of one header value, or a 400 with a fixed message (never the value). */
function parseValue(value: string, h: Resolved): string {
  if (value.trim() === '') throw new InvalidRequestError(`The ${h.label} header is empty`);
  // Fetch joins repeated headers with ", "; a comma never occurs in a token68.
  if (value.includes(',')) throw new InvalidRequestError(`More than one ${h.label} header`);
  let token = value;
  if (h.prefix !== '') {
    if (!hasPrefix(value, h.prefix)) {
      throw new InvalidRequestError(
        `The ${h.label} header must be the configured scheme, spaces and the token`,
      );
    }
    token = value.slice(h.prefix.length).replace(/^ +/, '');
  }
  if (token === '') throw new InvalidRequestError(`The ${h.label} token is missing`);
  if (/\s/.test(token)) {
    throw new InvalidRequestError(`The ${h.label} header must hold one token without whitespace`);
  }
  if (!TOKEN68.test(token)) {
    throw new InvalidRequestError(`The ${h.label} token contains characters that are not allowed`);
  }
  return token;
}

/** The request without its headers but the content type: what query/body extraction reads. */
function withoutHeaders(req: RequestLike): RequestLike {
  const type = readHeader(req, 'content-type').value;
  return {
    headers: type === undefined ? {} : { 'content-type': type },
    url: req.url,
    body: req.body,
    method: req.method,
  };
}

type Locations = BearerHeaderOptions & { query?: boolean | string; body?: boolean };

/**
 * `extractToken` for a configured header: the header's token, else the enabled query/body token
 * (found by `others`, called on the request without its headers). A header token beside an
 * `access_token` parameter (query or form body, enabled or not: `sentElsewhere`) is a 400, as on the
 * default Authorization path (RFC 6750 §2: one method per request).
 */
export function extractWithCustomHeader(
  req: RequestLike,
  options: Locations,
  others: (req: RequestLike, options: Locations) => string | undefined,
  sentElsewhere: (req: RequestLike, options: Locations) => boolean,
): string | undefined {
  const h = resolve(options);
  const value = headerValue(req, h);
  const token = value === undefined || value === 'other' ? undefined : parseValue(value, h);
  const rest = withoutHeaders(req);
  if (token !== undefined && sentElsewhere(rest, options)) {
    throw new InvalidRequestError('The access token was sent in more than one place');
  }
  const { query, body } = options;
  if (query === undefined && body === undefined) return token;
  const other = others(rest, { query, body });
  if (token !== undefined && other !== undefined) {
    throw new InvalidRequestError('The access token was sent in more than one place');
  }
  return token ?? other;
}

/** `hasToken` for a configured header: present (well-formed or not) and ours, or a token elsewhere. Never throws. */
export function hasCustomHeaderToken(
  req: RequestLike,
  options: Locations,
  others: (req: RequestLike, options: Locations) => boolean,
): boolean {
  try {
    const value = headerValue(req, resolve(options));
    if (value !== undefined && value !== 'other') return true;
    const { query, body } = options;
    return (query !== undefined || body !== undefined) && others(withoutHeaders(req), { query, body });
  } catch {
    return true;
  }
}
