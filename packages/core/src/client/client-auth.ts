/**
 * Client authentication for the token, revocation and introspection endpoints, delegated to
 * oauth4webapi: client_secret_basic, client_secret_post, private_key_jwt, or none (public clients).
 * Private keys are imported with WebCrypto, so this works in browsers and edge runtimes too.
 */
import { ConfigurationError } from '../configuration-error.ts';
import * as oauth from 'oauth4webapi';

/**
 * How the client authenticates at the token, revocation and introspection endpoints.
 *
 * @example
 * clientCredentials({ issuer, clientId: 'orders', privateKey, clientAuth: 'private_key_jwt' satisfies ClientAuthMethod });
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/**
 * A WebCrypto private key, a private JWK, a PKCS#8 PEM string, or `{ key, kid }`.
 *
 * @example
 * const tokens = clientCredentials({ issuer, clientId: 'orders', privateKey: { key: cryptoKey, kid: 'key-1' } satisfies PrivateKeyInput });
 */
export type PrivateKeyInput = CryptoKey | JsonWebKey | string | { key: CryptoKey; kid?: string };

/**
 * Who the client is and how it proves it (secret, private key, or none).
 *
 * @example
 * const client: ClientAuthOptions = { clientId: 'orders', clientSecret: 's3cret' };
 * const tokens = clientCredentials({ issuer: 'https://idp.example', ...client });
 */
export interface ClientAuthOptions {
  clientId: string;
  /** Defaults to client_secret_basic with a secret, private_key_jwt with a key, none otherwise. */
  clientAuth?: ClientAuthMethod;
  clientSecret?: string;
  privateKey?: PrivateKeyInput;
  /** JWS algorithm of `privateKey` when it is a PEM, or a JWK without `alg` (e.g. RS256, ES256, EdDSA). */
  privateKeyAlg?: string;
  /** `kid` for the client assertion header (defaults to the JWK's `kid`). */
  keyId?: string;
}

export function resolveClientAuthMethod(options: ClientAuthOptions): ClientAuthMethod {
  if (typeof options.clientId !== 'string' || options.clientId === '') {
    throw new ConfigurationError('clientId must be a non-empty string');
  }
  const method =
    options.clientAuth ??
    (options.clientSecret !== undefined
      ? 'client_secret_basic'
      : options.privateKey
        ? 'private_key_jwt'
        : 'none');
  switch (method) {
    case 'client_secret_basic':
    case 'client_secret_post':
      if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
        throw new ConfigurationError(`clientSecret is required for clientAuth '${method}'`);
      }
      return method;
    case 'private_key_jwt':
      if (!options.privateKey)
        throw new ConfigurationError("privateKey is required for clientAuth 'private_key_jwt'");
      return method;
    case 'none':
      return method;
    default:
      throw new ConfigurationError(
        'clientAuth must be client_secret_basic, client_secret_post, private_key_jwt or none',
      );
  }
}

/** A lazily built oauth4webapi ClientAuth (key import is async and happens on first use). */
export function createClientAuth(options: ClientAuthOptions): () => Promise<oauth.ClientAuth> {
  const method = resolveClientAuthMethod(options);
  let pending: Promise<oauth.ClientAuth> | undefined;
  return () => {
    pending ??= build(method, options);
    pending.catch(() => {
      pending = undefined; // a failed key import may be retried
    });
    return pending;
  };
}

async function build(method: ClientAuthMethod, options: ClientAuthOptions): Promise<oauth.ClientAuth> {
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(options.clientSecret as string);
    case 'client_secret_post':
      return oauth.ClientSecretPost(options.clientSecret as string);
    case 'private_key_jwt':
      return oauth.PrivateKeyJwt(await importPrivateKey(options));
    default:
      return oauth.None();
  }
}

async function importPrivateKey(options: ClientAuthOptions): Promise<oauth.PrivateKey> {
  const input = options.privateKey as PrivateKeyInput;
  if (isCryptoKey(input)) return { key: input, kid: options.keyId };
  if (typeof input === 'object' && 'key' in input && isCryptoKey(input.key)) {
    return { key: input.key, kid: options.keyId ?? input.kid };
  }
  if (typeof input === 'string') {
    const alg = options.privateKeyAlg;
    if (!alg) throw new ConfigurationError('privateKeyAlg is required for a PEM privateKey');
    const der = pemToDer(input);
    const key = await crypto.subtle.importKey('pkcs8', der, importParams(alg), false, ['sign']);
    return { key, kid: options.keyId };
  }
  const jwk = input as JsonWebKey & { kid?: string };
  const alg = options.privateKeyAlg ?? jwk.alg;
  if (!alg) throw new ConfigurationError('privateKeyAlg is required for a JWK privateKey without alg');
  if (!jwk.d) throw new ConfigurationError('privateKey must be a private JWK');
  const key = await crypto.subtle.importKey('jwk', jwk, importParams(alg), false, ['sign']);
  return { key, kid: options.keyId ?? jwk.kid };
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

function importParams(alg: string): AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams {
  const hash = `SHA-${alg.slice(2)}`;
  switch (alg) {
    case 'RS256':
    case 'RS384':
    case 'RS512':
      return { name: 'RSASSA-PKCS1-v1_5', hash };
    case 'PS256':
    case 'PS384':
    case 'PS512':
      return { name: 'RSA-PSS', hash };
    case 'ES256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ES384':
      return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'ES512':
      return { name: 'ECDSA', namedCurve: 'P-521' };
    case 'EdDSA':
    case 'Ed25519':
      return { name: 'Ed25519' };
    default:
      throw new ConfigurationError('privateKeyAlg is not a supported JWS algorithm');
  }
}

function pemToDer(pem: string): ArrayBuffer {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  const binary = atob(body);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
