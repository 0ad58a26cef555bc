/**
 * `extractToken`: finds the bearer token of a request per RFC 6750 and ../shared/contract.md row 2.
 * The Authorization header always counts; the query string (§2.3) and a form body (§2.2) only when
 * enabled. Pure and runtime-neutral (no `node:` imports): it runs on Workers, Deno and Bun too.
 */
import { InvalidRequestError } from '../errors.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import type { RequestLike } from '../types.ts';
import { MESSAGES, TOKEN68, parseBearer } from './bearer.ts';
import { readHeader } from './headers.ts';

export interface TokenLocations {
  /** Accept `?access_token=` (true) or a custom parameter name (string). Off by default. */
  query?: boolean | string;
  /** Accept `access_token` in an `application/x-www-form-urlencoded` body (not on GET/HEAD). Off by default. */
  body?: boolean;
}

export const DEFAULT_TOKEN_PARAM = 'access_token';
const FORM = 'application/x-www-form-urlencoded';
const PARAM_NAME = /^[A-Za-z0-9\-._~]{1,64}$/;
const LOCATION_KEYS = ['query', 'body'];

/** Validates `tokenLocations` at setup; throws TypeError naming the option. */
export function validateTokenLocations(options: unknown, name = 'tokenLocations'): TokenLocations {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${name} must be an object like { query?: boolean | string, body?: boolean }`);
  }
  // A misspelt key would silently leave that location off.
  assertKnownKeys(options, LOCATION_KEYS, name);
  const { query, body } = options as Record<string, unknown>;
  if (query !== undefined && typeof query !== 'boolean') {
    if (typeof query !== 'string' || !PARAM_NAME.test(query)) {
      throw new TypeError(`${name}.query must be a boolean or a parameter name of [A-Za-z0-9-._~]{1,64}`);
    }
  }
  if (body !== undefined && typeof body !== 'boolean') throw new TypeError(`${name}.body must be a boolean`);
  return { query: query as TokenLocations['query'], body: body as boolean | undefined };
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
 * The bearer token of a request, or undefined when it carries none at all.
 * Throws InvalidRequestError (400) for anything malformed: wrong scheme, empty token, bad spacing,
 * characters outside token68, a repeated Authorization header, or a token in more than one place.
 */
export function extractToken(req: RequestLike, options?: TokenLocations): string | undefined {
  const header = readHeader(req, 'authorization');
  if (header.repeated) throw new InvalidRequestError(MESSAGES.repeated);
  let token = header.present ? parseBearer(header.value ?? '') : undefined;

  const param = queryParamName(options);
  if (param !== undefined) {
    const values = queryValues(req, param);
    if (values.length > 0) {
      if (token !== undefined) throw new InvalidRequestError(MESSAGES.locations);
      token = checkParam(values, 'query');
    }
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
 * True when the request carries bearer credentials in any enabled location, well-formed or not
 * (so that a malformed header is reported as such rather than as "no credentials"). Never throws.
 */
export function hasToken(req: RequestLike, options?: TokenLocations): boolean {
  try {
    if (readHeader(req, 'authorization').present) return true;
    const param = queryParamName(options);
    if (param !== undefined && queryValues(req, param).length > 0) return true;
    return options?.body === true && bodyValues(req).length > 0;
  } catch {
    return true;
  }
}
