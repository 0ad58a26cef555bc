/**
 * DPoP on the client (RFC 9449): a key pair that signs one proof per request, the nonces servers
 * hand out (`DPoP-Nonce`, remembered per origin in a bounded map), and the oauth4webapi handle the
 * token sources use at the token endpoint (which keeps its own nonces for the authorization server).
 * WebCrypto only: browser- and edge-safe. The private key never leaves its CryptoKey; errors are fixed
 * texts that name neither the key nor a token.
 */
import * as oauth from 'oauth4webapi';
import { ConfigurationError } from '../configuration-error.ts';
import { thumbprintInput } from '../dpop/thumbprint.ts';
import type { PublicJwk } from '../verify/crypto/types.ts';
import { AuthClientError } from './auth-client-error.ts';

/**
 * Signs DPoP proofs for one key pair and remembers the servers' nonces. Token sources created with a
 * `dpop` key pair carry one (`tokens.dpop`); `authFetch` and `authInterceptor` use it.
 *
 * @example
 * const prover: DpopProver = createDpopProver(await generateDpopKeyPair());
 * const proof = await prover.proof('GET', 'https://api.example.com/items?page=2', accessToken);
 * await fetch('https://api.example.com/items?page=2', { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
 */
export interface DpopProver {
  /** The JWS `alg` of the proofs (from the key: ES256, ES384, ES512, EdDSA, PS256…, RS256…). */
  readonly algorithm: string;
  /**
   * A fresh proof for one request: `htm` = method, `htu` = url without query and fragment, `iat`, a
   * random `jti`, `ath` when a token is given, and the last nonce of the url's origin when there is one.
   */
  proof(method: string, url: string | URL, accessToken?: string): Promise<string>;
  /** Remembers a server's `DPoP-Nonce` for the url's origin; an invalid nonce is ignored (false). */
  rememberNonce(url: string | URL, nonce: string): boolean;
  /** The last nonce remembered for the url's origin. */
  nonceFor(url: string | URL): string | undefined;
  /** RFC 7638 thumbprint of the public key: what a bound token's `cnf.jkt` names. */
  thumbprint(): Promise<string>;
  /** The oauth4webapi handle for token endpoint requests (it tracks the authorization server's nonces). */
  readonly handle: oauth.DPoPHandle;
}

/**
 * Options of `createDpopProver`.
 *
 * @example
 * const prover = createDpopProver(keyPair, { maxNonces: 10 } satisfies DpopProverOptions);
 */
export interface DpopProverOptions {
  /** Origins whose nonce is remembered at most (least recently used dropped first; default 100). */
  maxNonces?: number;
  /** Seconds since the epoch for `iat` (default `Date.now() / 1000`). */
  clock?: () => number;
}

/**
 * A DPoP proof could not be signed (the key cannot sign, WebCrypto failed). Nothing was sent.
 *
 * @example
 * if (err instanceof DpopProofError) logger.error({ code: err.code }, 'DPoP key unusable');
 */
export class DpopProofError extends AuthClientError {
  override name = 'DpopProofError';
  constructor(message = 'The DPoP proof could not be signed', options: { cause?: unknown } = {}) {
    super('ERR_AUTH_DPOP_PROOF', message, options);
  }
}

/**
 * Proof algorithms `generateDpopKeyPair` can make.
 *
 * @example
 * const alg: DpopAlgorithm = 'ES256';
 */
export type DpopAlgorithm =
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'RS256'
  | 'RS384'
  | 'RS512';

const DPOP_ALGORITHMS: readonly string[] = [
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
];

/**
 * A new DPoP key pair (ES256 by default): the private key is not extractable, the public one is
 * (proofs carry it as `jwk`). Keep it for the life of the tokens bound to it.
 *
 * @example
 * const tokens = clientCredentials({ issuer, clientId: 'orders', clientSecret, dpop: await generateDpopKeyPair() });
 */
export async function generateDpopKeyPair(alg: DpopAlgorithm = 'ES256'): Promise<CryptoKeyPair> {
  if (!DPOP_ALGORITHMS.includes(alg))
    throw new ConfigurationError(`generateDpopKeyPair(): alg must be one of ${DPOP_ALGORITHMS.join(', ')}`);
  const jwsAlg = alg === 'EdDSA' ? 'Ed25519' : alg;
  return oauth.generateKeyPair(jwsAlg, { extractable: false });
}

const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/; // RFC 9449 §8.1: NQCHAR, bounded here

/** True for a `DPoP-Nonce` value a prover accepts (RFC 9449 §8.1 characters, at most 512). */
export const isValidDpopNonce = (nonce: unknown): nonce is string =>
  typeof nonce === 'string' && NONCE.test(nonce);
const HASH_BITS: Record<string, number> = { 'SHA-256': 256, 'SHA-384': 384, 'SHA-512': 512 };
const EC_ALG: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

interface Signing {
  alg: string;
  params: AlgorithmIdentifier | EcdsaParams | RsaPssParams;
}

function hashName(key: CryptoKey): string | undefined {
  const hash = (key.algorithm as { hash?: { name?: string } | string }).hash;
  return typeof hash === 'string' ? hash : hash?.name;
}

/** The JWS alg and WebCrypto sign parameters of a private key; undefined when unsupported. */
function signingOf(key: CryptoKey): Signing | undefined {
  const name = key.algorithm.name;
  if (name === 'ECDSA') {
    const alg = EC_ALG[(key.algorithm as EcKeyAlgorithm).namedCurve];
    return alg ? { alg, params: { name, hash: `SHA-${alg.slice(2)}` } } : undefined;
  }
  if (name === 'Ed25519') return { alg: 'EdDSA', params: { name } };
  const hash = hashName(key);
  const bits = hash ? HASH_BITS[hash] : undefined;
  if (!bits) return undefined;
  if (name === 'RSA-PSS') return { alg: `PS${bits}`, params: { name, saltLength: bits / 8 } };
  if (name === 'RSASSA-PKCS1-v1_5') return { alg: `RS${bits}`, params: { name } };
  return undefined;
}

const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CryptoKey).type === 'string' &&
  typeof (value as CryptoKey).algorithm === 'object';

const b64u = (bytes: ArrayBuffer | Uint8Array): string => {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let s = '';
  for (const b of view) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const b64uJson = (value: unknown) => b64u(new TextEncoder().encode(JSON.stringify(value)));

/** `url` without userinfo, query and fragment (RFC 9449 §4.2 `htu`; they may hold credentials). */
function htuOf(url: string | URL): URL {
  const parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

/**
 * Checks a `dpop` option at setup: a CryptoKeyPair whose private key can sign with an asymmetric JWS
 * algorithm and whose public key is extractable. ConfigurationError (a TypeError) otherwise; the
 * message never shows the key.
 */
export function assertDpopKeyPair(value: unknown, where: string): asserts value is CryptoKeyPair {
  const pair = value as Partial<CryptoKeyPair> | null;
  if (
    typeof pair !== 'object' ||
    pair === null ||
    !isCryptoKey(pair.privateKey) ||
    !isCryptoKey(pair.publicKey)
  )
    throw new ConfigurationError(
      `${where}: dpop must be a CryptoKeyPair ({ privateKey, publicKey }, e.g. from generateDpopKeyPair())`,
    );
  if (pair.privateKey.type !== 'private' || !pair.privateKey.usages.includes('sign'))
    throw new ConfigurationError(`${where}: dpop.privateKey must be a private key usable to sign`);
  if (pair.publicKey.type !== 'public' || !pair.publicKey.extractable)
    throw new ConfigurationError(`${where}: dpop.publicKey must be an extractable public key`);
  if (!signingOf(pair.privateKey) || pair.publicKey.algorithm.name !== pair.privateKey.algorithm.name)
    throw new ConfigurationError(
      `${where}: dpop keys must be ECDSA (P-256, P-384, P-521), Ed25519, RSA-PSS or RSASSA-PKCS1-v1_5 (SHA-256/384/512), both of the same algorithm`,
    );
}

/**
 * A DPoP prover over a key pair (checked at once: ConfigurationError when it cannot sign proofs).
 *
 * @example
 * const prover = createDpopProver(await generateDpopKeyPair('ES256'));
 * const jkt = await prover.thumbprint(); // equals cnf.jkt of the tokens bound to this key
 */
export function createDpopProver(keyPair: CryptoKeyPair, options: DpopProverOptions = {}): DpopProver {
  assertDpopKeyPair(keyPair, 'createDpopProver()');
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('createDpopProver(): options must be an object');
  for (const k of Object.keys(options)) {
    if (k !== 'maxNonces' && k !== 'clock')
      throw new ConfigurationError(`createDpopProver(): unknown option "${k}"`);
  }
  const maxNonces = options.maxNonces ?? 100;
  if (!Number.isInteger(maxNonces) || maxNonces < 1)
    throw new ConfigurationError('createDpopProver(): maxNonces must be an integer >= 1');
  if (options.clock !== undefined && typeof options.clock !== 'function')
    throw new ConfigurationError('createDpopProver(): clock must be a function');
  const clock = options.clock ?? (() => Date.now() / 1000);
  const { privateKey, publicKey } = keyPair;
  const signing = signingOf(privateKey) as Signing;
  const nonces = new Map<string, string>();
  let header: Promise<string> | undefined;
  let jwk: Promise<PublicJwk> | undefined;
  let jkt: Promise<string> | undefined;

  const publicJwk = (): Promise<PublicJwk> => {
    jwk ??= crypto.subtle.exportKey('jwk', publicKey).then((full) => {
      const { kty, crv, x, y, n, e } = full;
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries({ kty, crv, x, y, n, e })) if (typeof v === 'string') out[k] = v;
      return out as unknown as PublicJwk;
    });
    return jwk;
  };
  const failed = (thrown: unknown) => {
    header = undefined;
    jwk = undefined;
    jkt = undefined;
    // Only the kind of failure is kept: an engine's message could quote what it was given.
    const cause = new Error('WebCrypto failed to export the key or sign');
    cause.name = thrown instanceof Error ? thrown.name : 'Error';
    throw new DpopProofError(undefined, { cause });
  };

  return {
    algorithm: signing.alg,
    handle: oauth.DPoP({}, keyPair),
    async proof(method, url, accessToken) {
      let htu: URL;
      try {
        htu = htuOf(url);
      } catch {
        // Not the URL parser's TypeError: its `input` would quote the URL, query secrets included.
        throw new DpopProofError('The request URL cannot be named in a DPoP proof');
      }
      if (typeof method !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method))
        throw new DpopProofError('The request method cannot be named in a DPoP proof');
      try {
        header ??= publicJwk().then((key) => b64uJson({ typ: 'dpop+jwt', alg: signing.alg, jwk: key }));
        const payload: Record<string, unknown> = {
          jti: b64u(crypto.getRandomValues(new Uint8Array(16))),
          htm: method.toUpperCase(),
          htu: htu.href,
          iat: Math.floor(clock()),
        };
        const nonce = nonces.get(htu.origin);
        if (nonce !== undefined) payload.nonce = nonce;
        if (accessToken !== undefined)
          payload.ath = b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)));
        const input = `${await header}.${b64uJson(payload)}`;
        const signature = await crypto.subtle.sign(
          signing.params,
          privateKey,
          new TextEncoder().encode(input),
        );
        return `${input}.${b64u(signature)}`;
      } catch (cause) {
        return failed(cause);
      }
    },
    rememberNonce(url, nonce) {
      if (!isValidDpopNonce(nonce)) return false;
      const origin = htuOf(url).origin;
      nonces.delete(origin);
      if (nonces.size >= maxNonces) nonces.delete(nonces.keys().next().value as string);
      nonces.set(origin, nonce);
      return true;
    },
    nonceFor(url) {
      return nonces.get(htuOf(url).origin);
    },
    thumbprint() {
      jkt ??= publicJwk()
        .then((key) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(thumbprintInput(key))))
        .then(b64u, failed);
      return jkt;
    },
  };
}

/**
 * True when a 401's `WWW-Authenticate` carries a DPoP challenge with `error="use_dpop_nonce"`
 * (RFC 9449 §9): the request is worth one more try with the `DPoP-Nonce` the response gave.
 */
export function isUseDpopNonce(wwwAuthenticate: string | null | undefined): boolean {
  if (!wwwAuthenticate) return false;
  // Split at each auth-scheme (a token followed by a space, at the start or after a comma); the
  // parameters up to the next scheme belong to it.
  const parts = wwwAuthenticate.split(
    /(?:^|,)\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s+[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=)/,
  );
  return parts.some(
    (part) => /^\s*dpop\s/i.test(part) && /(?:^|[\s,])error\s*=\s*"?use_dpop_nonce"?(?:[\s,]|$)/i.test(part),
  );
}
