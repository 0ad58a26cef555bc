/**
 * API-key authenticators. `apiKeyPairAuth`: a principal id and a token in two headers
 * (`x-principal-id` / `x-principal-token`). `apiKeyHeaderAuth`: one `x-api-key: <keyId>.<secret>`
 * header. Both produce a Principal with `tokenUse: 'api_key'` that every core policy accepts.
 *
 * Request rules: no headers → 401 MissingTokenError (or undefined when optional); a repeated header
 * or only one of the two headers → 400 invalid_request; an id or secret outside the allowed charset
 * or length → 401 InvalidApiKeyError without any store call; unknown id or wrong secret → the same
 * 401 InvalidApiKeyError along the same code path; store down or record unusable → 503.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { AuthenticateOptions, Authenticator } from '../authenticator.ts';
import { InvalidApiKeyError, InvalidRequestError, MissingTokenError, toAuthError } from '../errors.ts';
import { readHeader } from '../extract/index.ts';
import type { HeaderReading } from '../extract/headers.ts';
import type { Principal, RequestLike } from '../types.ts';
import { KEY_ID, SECRET, commonSettings, headerName } from './options.ts';
import { principalIdPattern } from './principal-ids.ts';
import type { ApiKeyCommonOptions } from './options.ts';
import type { CredentialChecker } from './credential-checker.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { API_KEY_PAIR_AUTH_OPTION_KEYS, API_KEY_HEADER_AUTH_OPTION_KEYS } from '../options/option-keys.ts';
import { createEventHub } from '../observe/event-hub.ts';
import { apiKeyAuthenticator } from '../observe/observe-authenticate.ts';

/**
 * Options of `apiKeyPairAuth`: a key id and its secret in two headers.
 *
 * @example
 * apiKeyPairAuth({ store, idHeader: 'x-client-id', tokenHeader: 'x-client-secret' } satisfies ApiKeyPairAuthOptions);
 */
export interface ApiKeyPairAuthOptions extends ApiKeyCommonOptions {
  /** Header carrying the principal id (default `x-principal-id`). */
  idHeader?: string;
  /** Header carrying the token (default `x-principal-token`). */
  tokenHeader?: string;
}

/**
 * Options of `apiKeyHeaderAuth`: one header holding `<keyId>.<secret>`.
 *
 * @example
 * const keys = apiKeyHeaderAuth({ store, header: 'x-api-key' } satisfies ApiKeyHeaderAuthOptions);
 */
export interface ApiKeyHeaderAuthOptions extends ApiKeyCommonOptions {
  /** Header carrying `<keyId>.<secret>` (default `x-api-key`). */
  header?: string;
}

function rethrow(e: unknown, realm: string): never {
  throw toAuthError(e).withRealm(realm);
}

/**
 * Two-header service-principal credentials: `x-principal-id` + `x-principal-token`.
 *
 * @example
 * const services = apiKeyPairAuth({ store: envSecretStore(process.env) });
 * // accepts `x-principal-id: svc-billing` + `x-principal-token: <secret>`
 */
export function apiKeyPairAuth(options: ApiKeyPairAuthOptions): Authenticator {
  assertKnownKeys(options, API_KEY_PAIR_AUTH_OPTION_KEYS, 'apiKeyPairAuth()');
  const { realm, checker } = commonSettings('apiKeyPairAuth', options);
  const idHeader = headerName(options.idHeader, 'apiKeyPairAuth(): idHeader', 'x-principal-id');
  const tokenHeader = headerName(options.tokenHeader, 'apiKeyPairAuth(): tokenHeader', 'x-principal-token');
  if (idHeader === tokenHeader)
    throw new ConfigurationError('apiKeyPairAuth(): idHeader and tokenHeader must differ');
  const ids = principalIdPattern(options.store);
  const events = createEventHub(options, 'apiKeyPairAuth()');

  return apiKeyAuthenticator(events, {
    realm,
    hasCredentials(req: RequestLike): boolean {
      return readHeader(req, idHeader).present || readHeader(req, tokenHeader).present;
    },
    async authenticate(req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> {
      try {
        const id = readHeader(req, idHeader);
        const token = readHeader(req, tokenHeader);
        if (!id.present && !token.present) {
          if (opts?.optional === true) return undefined;
          throw new MissingTokenError();
        }
        if (repeated(id)) throw new InvalidRequestError(`More than one ${idHeader} header`);
        if (repeated(token)) throw new InvalidRequestError(`More than one ${tokenHeader} header`);
        if (!id.present || !token.present) {
          throw new InvalidRequestError(`Both the ${idHeader} and ${tokenHeader} headers are required`);
        }
        return await checkCredentials(checker, id.value ?? '', token.value ?? '', ids);
      } catch (e) {
        return rethrow(e, realm);
      }
    },
    close(): void {
      checker.clear();
    },
  });
}

/** Charset checks before any store call, then the constant-time check; one 401 for every failure. */
async function checkCredentials(
  checker: CredentialChecker,
  id: string,
  secret: string,
  ids: RegExp = KEY_ID,
): Promise<Principal> {
  if (!ids.test(id) || !SECRET.test(secret)) throw new InvalidApiKeyError();
  const principal = await checker.check(id, secret);
  if (principal === undefined) throw new InvalidApiKeyError();
  return principal;
}

/**
 * A repeated credential header. Fetch `Headers` (Hono, Workers, Deno, Bun) join repeats with ", ",
 * and no valid id, token or key contains a comma, so a comma means the header was sent twice.
 */
function repeated(reading: HeaderReading): boolean {
  return reading.repeated || (reading.value?.includes(',') ?? false);
}

/**
 * One-header API keys: `x-api-key: <keyId>.<secret>`, the store holding only a SHA-256 of the secret.
 *
 * @example
 * const keys = apiKeyHeaderAuth({ store: memorySecretStore({ k1: { token: 's3cret' } }) });
 * // accepts `x-api-key: k1.s3cret`
 */
export function apiKeyHeaderAuth(options: ApiKeyHeaderAuthOptions): Authenticator {
  assertKnownKeys(options, API_KEY_HEADER_AUTH_OPTION_KEYS, 'apiKeyHeaderAuth()');
  const { realm, checker } = commonSettings('apiKeyHeaderAuth', options);
  const header = headerName(options.header, 'apiKeyHeaderAuth(): header', 'x-api-key');
  const events = createEventHub(options, 'apiKeyHeaderAuth()');

  return apiKeyAuthenticator(events, {
    realm,
    hasCredentials(req: RequestLike): boolean {
      return readHeader(req, header).present;
    },
    async authenticate(req: RequestLike, opts?: AuthenticateOptions): Promise<Principal | undefined> {
      try {
        const value = readHeader(req, header);
        if (!value.present) {
          if (opts?.optional === true) return undefined;
          throw new MissingTokenError();
        }
        if (repeated(value)) throw new InvalidRequestError(`More than one ${header} header`);
        const text = value.value ?? '';
        const dot = text.indexOf('.');
        const id = dot === -1 ? '' : text.slice(0, dot);
        const secret = dot === -1 ? '' : text.slice(dot + 1);
        return await checkCredentials(checker, id, secret);
      } catch (e) {
        return rethrow(e, realm);
      }
    },
    close(): void {
      checker.clear();
    },
  });
}
