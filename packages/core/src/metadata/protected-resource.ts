/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document a client (an MCP client, say) fetches
 * from `/.well-known/oauth-protected-resource` to find the authorization servers and how to present
 * tokens. Derived from the authenticator's own configuration (issuers, token locations, DPoP), so the
 * document and the checks cannot disagree; every 401 challenge then names it in `resource_metadata`.
 */
import { ConfigurationError } from '../configuration-error.ts';
import { assertKnownKeys } from '../options/assert-known-keys.ts';
import { keysOf } from '../options/option-keys.ts';

/**
 * The `resourceMetadata` option of `createAuthenticator` (RFC 9728 §2). `authorization_servers`,
 * `bearer_methods_supported` and the DPoP members come from the authenticator's configuration.
 *
 * @example
 * const auth = createAuthenticator({
 *   issuers: [{ issuer: 'https://idp.example', audience: 'https://api.example' }],
 *   resourceMetadata: { resource: 'https://api.example', scopesSupported: ['read:items'] },
 * });
 */
export interface ResourceMetadataOptions {
  /** The resource identifier: an https (or, for local development, http) URL without query or fragment. */
  resource: string;
  /** Default: the issuers of a static `issuers` list (required with an issuer resolver). */
  authorizationServers?: readonly string[];
  scopesSupported?: readonly string[];
  resourceName?: string;
  resourceDocumentation?: string;
  resourcePolicyUri?: string;
  resourceTosUri?: string;
  /** More members, for extensions (they never replace the derived ones). */
  extra?: Readonly<Record<string, unknown>>;
  /**
   * Signs the document for `signed_metadata` (RFC 9728 §2.2): receives the members and returns a JWT
   * signed by a key the clients trust. Called once, when the document is first served.
   */
  sign?: (metadata: Readonly<Record<string, unknown>>) => string | Promise<string>;
}

export const RESOURCE_METADATA_OPTION_KEYS = keysOf<ResourceMetadataOptions>()([
  'resource',
  'authorizationServers',
  'scopesSupported',
  'resourceName',
  'resourceDocumentation',
  'resourcePolicyUri',
  'resourceTosUri',
  'extra',
  'sign',
]);

/** What an authenticator serves: where, the document, and its JSON text. */
export interface ResourceMetadata {
  /** Path of the well-known URL (`/.well-known/oauth-protected-resource` plus the resource's path). */
  readonly path: string;
  /** The absolute well-known URL, as challenges name it in `resource_metadata`. */
  readonly url: string;
  /** The document (frozen); `signed_metadata` is added by `body()` when `sign` is set. */
  readonly document: Readonly<Record<string, unknown>>;
  /** The JSON text to serve (a promise only the first time with `sign`). */
  body(): string | Promise<string>;
}

/** What the document is derived from (the authenticator's configuration). */
export interface ResourceMetadataSource {
  issuers: readonly string[] | undefined;
  bearerMethods: readonly ('header' | 'body' | 'query')[];
  dpop: { algs: readonly string[]; required: boolean } | undefined;
}

const WELL_KNOWN = '/.well-known/oauth-protected-resource';

function url(value: unknown, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value as string);
  } catch {
    throw new ConfigurationError(`${name} must be an absolute URL`);
  }
  if (typeof value !== 'string' || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:'))
    throw new ConfigurationError(`${name} must be an http(s) URL`);
  return value;
}

function strings(value: unknown, name: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === ''))
    throw new ConfigurationError(`${name} must be an array of non-empty strings`);
  return Object.freeze([...value]);
}

/**
 * The metadata an authenticator serves, checked at setup (TypeError naming the option).
 *
 * @example
 * const m = resourceMetadata({ resource: 'https://api.example/v1' }, { issuers: ['https://idp.example'], bearerMethods: ['header'], dpop: undefined });
 * m.path; // '/.well-known/oauth-protected-resource/v1'
 */
export function resourceMetadata(options: unknown, from: ResourceMetadataSource): ResourceMetadata {
  const at = 'createAuthenticator(): resourceMetadata';
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new ConfigurationError(`${at} must be an object`);
  assertKnownKeys(options, RESOURCE_METADATA_OPTION_KEYS, at);
  const o = options as ResourceMetadataOptions;
  const resource = new URL(url(o.resource, `${at}.resource`));
  if (resource.search !== '' || resource.hash !== '')
    throw new ConfigurationError(`${at}.resource must not have a query or fragment`);
  const servers = strings(o.authorizationServers, `${at}.authorizationServers`) ?? from.issuers;
  if (servers === undefined || servers.length === 0)
    throw new ConfigurationError(
      `${at}.authorizationServers is required when issuers are resolved dynamically`,
    );
  for (const s of servers) url(s, `${at}.authorizationServers`);
  for (const key of [
    'resourceName',
    'resourceDocumentation',
    'resourcePolicyUri',
    'resourceTosUri',
  ] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === ''))
      throw new ConfigurationError(`${at}.${key} must be a non-empty string`);
  }
  if (o.extra !== undefined && (typeof o.extra !== 'object' || o.extra === null))
    throw new ConfigurationError(`${at}.extra must be an object`);
  if (o.sign !== undefined && typeof o.sign !== 'function')
    throw new ConfigurationError(`${at}.sign must be a function`);

  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const suffix = resource.pathname === '/' ? '' : resource.pathname.replace(/\/+$/, '');
  const path = `${WELL_KNOWN}${suffix}`;
  const document: Record<string, unknown> = { ...(o.extra ?? {}) };
  Object.assign(document, {
    resource: o.resource,
    authorization_servers: [...servers],
    bearer_methods_supported: [...from.bearerMethods],
  });
  const scopes = strings(o.scopesSupported, `${at}.scopesSupported`);
  if (scopes !== undefined) document.scopes_supported = [...scopes];
  if (o.resourceName !== undefined) document.resource_name = o.resourceName;
  if (o.resourceDocumentation !== undefined) document.resource_documentation = o.resourceDocumentation;
  if (o.resourcePolicyUri !== undefined) document.resource_policy_uri = o.resourcePolicyUri;
  if (o.resourceTosUri !== undefined) document.resource_tos_uri = o.resourceTosUri;
  if (from.dpop !== undefined) {
    document.dpop_signing_alg_values_supported = [...from.dpop.algs];
    document.dpop_bound_access_tokens_required = from.dpop.required;
  }
  const frozen = Object.freeze(document);
  const plain = JSON.stringify(frozen);
  let signed: Promise<string> | string | undefined;
  const sign = o.sign;
  return Object.freeze({
    path,
    url: `${resource.origin}${path}`,
    document: frozen,
    body(): string | Promise<string> {
      if (sign === undefined) return plain;
      signed ??= Promise.resolve()
        .then(() => sign(frozen))
        .then((jwt) => {
          if (typeof jwt !== 'string' || jwt === '') throw new TypeError(`${at}.sign must return a JWT`);
          const text = JSON.stringify({ ...frozen, signed_metadata: jwt });
          signed = text;
          return text;
        })
        .catch((e: unknown) => {
          signed = undefined; // try again on the next request
          throw e;
        });
      return signed;
    },
  });
}
