/**
 * `selfSignedTokens(...)`: a token source that signs its own short-lived JWTs with a private key (no
 * token endpoint), for services that accept such assertions (Authress service clients, and any API
 * that trusts a client's public key). `authressAccessKey(key)` parses an Authress service-client
 * access key into its options. WebCrypto only: browser- and edge-safe.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { ClientClock, TokenSource } from './types.ts';

/**
 * Options of `selfSignedTokens`.
 *
 * @example
 * const tokens = selfSignedTokens({
 *   issuer: 'https://api.example.com/v1/clients/svc-1', subject: 'svc-1', audience: 'api.example.com',
 *   key: privatePem, algorithm: 'EdDSA', keyId: 'key-1', lifetimeSeconds: 300,
 * } satisfies SelfSignedTokensOptions);
 */
export interface SelfSignedTokensOptions {
  issuer: string;
  subject: string;
  audience: string | readonly string[];
  /** The private key: a CryptoKey, a private JWK, a PKCS#8 PEM, or PKCS#8 DER bytes. */
  key: CryptoKey | JsonWebKey | string | Uint8Array;
  /** JWS algorithm: EdDSA, ES256, ES384, RS256, PS256 (default EdDSA). */
  algorithm?: 'EdDSA' | 'ES256' | 'ES384' | 'RS256' | 'PS256';
  /** `kid` header. */
  keyId?: string;
  /** Token lifetime in seconds (default 300; at most one day). */
  lifetimeSeconds?: number;
  /** `typ` header (default `JWT`; Authress uses `at+jwt`). */
  type?: string;
  /** More claims (never `iss`, `sub`, `aud`, `iat`, `exp`). */
  claims?: Record<string, unknown>;
  clock?: ClientClock;
}

const RESERVED = new Set(['iss', 'sub', 'aud', 'iat', 'exp', 'nbf']);
const PARAMS: Record<string, AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
};
const SIGN: Record<string, AlgorithmIdentifier | EcdsaParams | RsaPssParams> = {
  EdDSA: { name: 'Ed25519' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  ES384: { name: 'ECDSA', hash: 'SHA-384' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  PS256: { name: 'RSA-PSS', saltLength: 32 },
};

const b64url = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const text = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(b64.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function importKey(key: SelfSignedTokensOptions['key'], alg: string): Promise<CryptoKey> {
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return key;
  const params = PARAMS[alg] as AlgorithmIdentifier;
  if (typeof key === 'string') {
    const der = base64Bytes(key.replace(/-----(BEGIN|END) [A-Z ]+-----/g, ''));
    return crypto.subtle.importKey('pkcs8', der, params, false, ['sign']);
  }
  if (key instanceof Uint8Array)
    return crypto.subtle.importKey('pkcs8', new Uint8Array(key), params, false, ['sign']);
  return crypto.subtle.importKey('jwk', key as JsonWebKey, params, false, ['sign']);
}

/**
 * A token source of self-signed JWTs (`iss`, `sub`, `aud`, `iat`, `exp`, `jti`, your claims), signed
 * with `key`; a token is reused until a fifth of its lifetime is left. Usable with `authFetch` and as
 * the `credentials` of `authzen()` / `authress()`.
 *
 * @example
 * const tokens = selfSignedTokens({ issuer: 'svc-1', subject: 'svc-1', audience: 'https://api.example.com', key: pem, algorithm: 'ES256' });
 * const api = authFetch(tokens, { allowedOrigins: ['https://api.example.com'] });
 */
export function selfSignedTokens(options: SelfSignedTokensOptions): TokenSource {
  const where = 'selfSignedTokens';
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError(`${where}: options must be an object`);
  const { issuer, subject, audience, key, keyId, type = 'JWT', claims = {}, clock = Date.now } = options;
  const algorithm = options.algorithm ?? 'EdDSA';
  const lifetime = options.lifetimeSeconds ?? 300;
  for (const [name, value] of [
    ['issuer', issuer],
    ['subject', subject],
  ] as const) {
    if (typeof value !== 'string' || value === '')
      throw new ConfigurationError(`${where}: option "${name}" must be a non-empty string`);
  }
  const audiences = typeof audience === 'string' ? [audience] : audience;
  if (
    !Array.isArray(audiences) ||
    audiences.length === 0 ||
    audiences.some((a) => typeof a !== 'string' || a === '')
  ) {
    throw new ConfigurationError(
      `${where}: option "audience" must be a non-empty string or array of strings`,
    );
  }
  if (!(algorithm in PARAMS))
    throw new ConfigurationError(`${where}: option "algorithm" must be EdDSA, ES256, ES384, RS256 or PS256`);
  if (!Number.isInteger(lifetime) || lifetime < 10 || lifetime > 86_400) {
    throw new ConfigurationError(`${where}: option "lifetimeSeconds" must be an integer from 10 to 86400`);
  }
  if (key === undefined || key === null || (typeof key !== 'string' && typeof key !== 'object')) {
    throw new ConfigurationError(
      `${where}: option "key" must be a CryptoKey, a private JWK, a PKCS#8 PEM or DER bytes`,
    );
  }
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) {
    throw new ConfigurationError(`${where}: option "keyId" must be a non-empty string`);
  }
  if (typeof claims !== 'object' || claims === null || Object.keys(claims).some((c) => RESERVED.has(c))) {
    throw new ConfigurationError(
      `${where}: option "claims" must be an object without iss, sub, aud, iat, nbf or exp`,
    );
  }

  let imported: Promise<CryptoKey> | undefined;
  let current: { token: string; refreshAt: number; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const mint = async (): Promise<string> => {
    imported ??= importKey(key, algorithm).catch((error: unknown) => {
      imported = undefined;
      // The key material never goes into the error.
      throw new ConfigurationError(`${where}: the key could not be imported for ${algorithm}`, {
        cause: (error as Error)?.name,
      });
    });
    const cryptoKey = await imported;
    const now = Math.floor(clock() / 1000);
    const header = { alg: algorithm, typ: type, ...(keyId === undefined ? {} : { kid: keyId }) };
    const payload = {
      ...claims,
      iss: issuer,
      sub: subject,
      aud: audiences.length === 1 ? audiences[0] : audiences,
      iat: now,
      exp: now + lifetime,
      jti: b64url(crypto.getRandomValues(new Uint8Array(12))),
    };
    const input = `${text(header)}.${text(payload)}`;
    const signature = new Uint8Array(
      await crypto.subtle.sign(
        SIGN[algorithm] as AlgorithmIdentifier,
        cryptoKey,
        new TextEncoder().encode(input),
      ),
    );
    const token = `${input}.${b64url(signature)}`;
    current = { token, refreshAt: (now + lifetime * 0.8) * 1000, expiresAt: (now + lifetime) * 1000 };
    return token;
  };

  return {
    getToken(getOptions) {
      if (!getOptions?.forceRefresh && current && clock() < current.refreshAt)
        return Promise.resolve(current.token);
      pending ??= mint().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    peek() {
      return current && clock() < current.expiresAt ? current.token : undefined;
    },
  };
}

/**
 * An Authress service-client access key (`<clientId>.<keyId>.<accountId>.<base64 PKCS#8 Ed25519 key>`)
 * as `selfSignedTokens` options: `iss` `<apiUrl>/v1/clients/<clientId>`, `sub` the client id, `aud`
 * `<accountId>.accounts.authress.io`, EdDSA, `kid` the key id, `typ` `at+jwt`, `scope` `openid`.
 *
 * @example
 * const tokens = selfSignedTokens(authressAccessKey(process.env.AUTHRESS_KEY!, { apiUrl: 'https://login.example.com' }));
 */
export function authressAccessKey(
  accessKey: string,
  options: { apiUrl?: string; lifetimeSeconds?: number } = {},
): SelfSignedTokensOptions {
  const parts = typeof accessKey === 'string' ? accessKey.split('.') : [];
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    // Never echo the key.
    throw new ConfigurationError(
      'authressAccessKey: not an Authress access key (clientId.keyId.accountId.privateKey)',
    );
  }
  const [clientId, keyId, accountId, privateKey] = parts as [string, string, string, string];
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = base64Bytes(privateKey);
  } catch {
    throw new ConfigurationError('authressAccessKey: the private key part is not base64');
  }
  const apiUrl = (options.apiUrl ?? 'https://api.authress.io').replace(/\/+$/, '');
  return {
    issuer: `${apiUrl}/v1/clients/${encodeURIComponent(clientId)}`,
    subject: clientId,
    audience: `${accountId}.accounts.authress.io`,
    key: der,
    algorithm: 'EdDSA',
    keyId,
    type: 'at+jwt',
    claims: { scope: 'openid' },
    lifetimeSeconds: options.lifetimeSeconds ?? 3600,
  };
}
