/**
 * `extractToken`: finds the bearer token of a request per RFC 6750 and docs/contract.md row 2.
 * The Authorization header always counts; the query string (§2.3) and a form body (§2.2) only when
 * enabled. A header token next to an `access_token` in the query or a form body is a 400 whether or
 * not those locations are enabled (§2: one method per request). Pure and runtime-neutral (no `node:`
 * imports): it runs on Workers, Deno and Bun too.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { InvalidRequestError } from '../errors.ts';
import type { RequestLike } from '../types.ts';
import { MESSAGES, TOKEN68, isBearerCredentials, parseBearer } from './bearer.ts';
import { readHeader } from './headers.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { TOKEN_LOCATION_KEYS } from '../options/option-keys.ts';
import {
  extractWithCustomHeader,
  hasCustomHeaderToken,
  usesCustomHeader,
  validateBearerHeader,
} from './custom-header.ts';
import type { BearerHeaderOptions } from './custom-header.ts';

/**
 * Where besides the Authorization header a token may be (RFC 6750 §2.2-2.3), and a custom header.
 *
 * @example
 * const auth = createAuthenticator(options, { tokenLocations: { query: 'token', body: true } satisfies TokenLocations });
 */
export interface TokenLocations extends BearerHeaderOptions {
  /** Accept `?access_token=` (true) or a custom parameter name (string). Off by default. */
  query?: boolean | string;
  /** Accept `access_token` in an `application/x-www-form-urlencoded` body (not on GET/HEAD). Off by default. */
  body?: boolean;
}

/**
 * The query / form parameter of RFC 6750 §2.2-2.3 (`access_token`).
 *
 * @example
 * createAuthenticator(options, { tokenLocations: { query: true } }); // reads ?access_token= (DEFAULT_TOKEN_PARAM)
 */
export const DEFAULT_TOKEN_PARAM = 'access_token';
const FORM = 'application/x-www-form-urlencoded';
const PARAM_NAME = /^[A-Za-z0-9\-._~]{1,64}$/;

/**
 * Validates `tokenLocations` at setup; throws TypeError naming the option.
 *
 * @example
 * const locations = validateTokenLocations({ query: true }); // throws TypeError on a typo
 */
export function validateTokenLocations(options: unknown, name = 'tokenLocations'): TokenLocations {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigurationError(
      `${name} must be an object like { query?: boolean | string, body?: boolean }`,
    );
  }
  assertKnownKeys(options, TOKEN_LOCATION_KEYS, name);
  const { query, body } = options as Record<string, unknown>;
  if (query !== undefined && typeof query !== 'boolean') {
    if (typeof query !== 'string' || !PARAM_NAME.test(query)) {
      throw new ConfigurationError(
        `${name}.query must be a boolean or a parameter name of [A-Za-z0-9-._~]{1,64}`,
      );
    }
  }
  if (body !== undefined && typeof body !== 'boolean')
    throw new ConfigurationError(`${name}.body must be a boolean`);
  return {
    query: query as TokenLocations['query'],
    body: body as boolean | undefined,
    ...validateBearerHeader(options as BearerHeaderOptions, name),
  };
}

function queryParamName(options: TokenLocations | undefined): string | undefined {
  const q = options?.query;
  if (q === true) return DEFAULT_TOKEN_PARAM;
  if (typeof q === 'string' && q.length > 0) return q;
  return undefined;
}

function queryValues(req: RequestLike, name: string): string[] {
  const url = req.url;
  if (typeof url !== 'string') return [];
  const start = url.indexOf('?');
  if (start === -1) return [];
  const hash = url.indexOf('#', start);
  return new URLSearchParams(url.slice(start + 1, hash === -1 ? undefined : hash)).getAll(name);
}

function isFormRequest(req: RequestLike): boolean {
  const method = typeof req.method === 'string' ? req.method.toUpperCase() : undefined;
  if (method === 'GET' || method === 'HEAD') return false;
  const type = readHeader(req, 'content-type');
  if (type.value === undefined) return false;
  const mime = type.value.split(';', 1)[0]?.trim().toLowerCase();
  return mime === FORM;
}

/** Values of the token parameter in a parsed (object / URLSearchParams) or raw (string) form body. */
function bodyValues(req: RequestLike): unknown[] {
  if (!isFormRequest(req)) return [];
  const body = req.body;
  if (typeof body === 'string') return new URLSearchParams(body).getAll(DEFAULT_TOKEN_PARAM);
  if (body instanceof URLSearchParams) return body.getAll(DEFAULT_TOKEN_PARAM);
  if (body === null || typeof body !== 'object') return [];
  // Own properties only: a prototype's `access_token` is not something the client sent.
  if (!Object.hasOwn(body, DEFAULT_TOKEN_PARAM)) return [];
  const value = (body as Record<string, unknown>)[DEFAULT_TOKEN_PARAM];
  return Array.isArray(value) ? value : [value];
}

function checkParam(values: readonly unknown[], kind: 'query' | 'body'): string {
  if (values.length > 1) {
    throw new InvalidRequestError(kind === 'query' ? MESSAGES.queryRepeated : MESSAGES.bodyInvalid);
  }
  const value = values[0];
  if (typeof value !== 'string') throw new InvalidRequestError(MESSAGES.bodyInvalid);
  if (value.length === 0) {
    throw new InvalidRequestError(kind === 'query' ? MESSAGES.queryEmpty : MESSAGES.bodyInvalid);
  }
  if (!TOKEN68.test(value)) {
    throw new InvalidRequestError(kind === 'query' ? MESSAGES.queryCharset : MESSAGES.bodyInvalid);
  }
  return value;
}

/**
 * True when a token parameter is sent beside the header token: `access_token` (and a custom query
 * name) in the query string, or `access_token` in a form body, enabled or not.
 */
export function hasOtherToken(req: RequestLike, options: TokenLocations | undefined): boolean {
  const url = req.url;
  if (typeof url === 'string' && url.indexOf('?') !== -1) {
    if (queryValues(req, DEFAULT_TOKEN_PARAM).length > 0) return true;
    const param = queryParamName(options);
    if (param !== undefined && param !== DEFAULT_TOKEN_PARAM && queryValues(req, param).length > 0)
      return true;
  }
  return bodyValues(req).length > 0;
}

/**
 * The bearer token of a request, or undefined when it carries none at all (an Authorization header of
 * another scheme counts as none). Throws InvalidRequestError (400) for anything malformed: empty token,
 * bad spacing, characters outside token68, a repeated Authorization header, or a token in more than
 * one place (a header token beside an `access_token` parameter, even in a location not enabled).
 *
 * @example
 * extractToken({ headers: { authorization: 'Bearer   abc' } }); // 'abc'
 * extractToken({ headers: { authorization: 'Basic dXNlcjpwdw==' } }); // undefined
 */
export function extractToken(req: RequestLike, options?: TokenLocations): string | undefined {
  if (usesCustomHeader(options))
    return extractWithCustomHeader(req, options as TokenLocations, extractToken, hasOtherToken);
  const header = readHeader(req, 'authorization');
  if (header.repeated) throw new InvalidRequestError(MESSAGES.repeated);
  let token = header.present ? parseBearer(header.value ?? '') : undefined;
  if (token !== undefined) {
    if (hasOtherToken(req, options)) throw new InvalidRequestError(MESSAGES.locations);
    return token;
  }

  const param = queryParamName(options);
  if (param !== undefined) {
    const values = queryValues(req, param);
    if (values.length > 0) token = checkParam(values, 'query');
  }

  if (options?.body === true) {
    const values = bodyValues(req);
    if (values.length > 0) {
      if (token !== undefined) throw new InvalidRequestError(MESSAGES.locations);
      token = checkParam(values, 'body');
    }
  }
  return token;
}

/**
 * True when a request sent beside a header token may carry a second one (a query string naming a
 * token parameter, or a parsed form body): the token-cache fast path then leaves the request to
 * `extractToken`, which decides. Cheap: a substring search, no URL parsing.
 */
export function mayCarryOtherToken(req: RequestLike, options?: TokenLocations): boolean {
  const url = req.url;
  if (typeof url === 'string') {
    const start = url.indexOf('?');
    if (start !== -1) {
      if (url.indexOf(DEFAULT_TOKEN_PARAM, start) !== -1) return true;
      const param = queryParamName(options);
      if (param !== undefined && url.indexOf(param, start) !== -1) return true;
    }
  }
  const body = req.body;
  return body !== undefined && body !== null && isFormRequest(req);
}

/**
 * True when the request carries bearer credentials in any enabled location, well-formed or not
 * (so that a malformed header is reported as such rather than as "no credentials"). An Authorization
 * header of another scheme is not bearer credentials. Never throws.
 *
 * @example
 * if (!hasToken(req)) return next(); // no credentials: let a public route through
 */
export function hasToken(req: RequestLike, options?: TokenLocations): boolean {
  if (usesCustomHeader(options)) return hasCustomHeaderToken(req, options as TokenLocations, hasToken);
  try {
    const header = readHeader(req, 'authorization');
    if (header.repeated) return true;
    if (header.present && isBearerCredentials(header.value ?? '')) return true;
    const param = queryParamName(options);
    if (param !== undefined && queryValues(req, param).length > 0) return true;
    return options?.body === true && bodyValues(req).length > 0;
  } catch {
    return true;
  }
}
