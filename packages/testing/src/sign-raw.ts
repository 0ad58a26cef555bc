import { constants, createHmac, createPublicKey, KeyObject, sign } from 'node:crypto';
import type { SigningKeyLike } from './keys.ts';

/** What can sign a raw token: a key pair, a private key, or an HMAC secret. */
export type RawKey = SigningKeyLike | CryptoKey | KeyObject | Uint8Array | string;

export interface SignRawOptions {
  /** algorithm to sign with; default: the header's `alg`, then the key's */
  alg?: string;
  /** a literal third segment (already base64url), instead of signing */
  signature?: string;
  /**
   * string `header`/`payload` are already base64url segments, used verbatim (for non-canonical
   * encodings: padding, `+`/`/`, stray bits); objects and bytes are still encoded
   */
  encoded?: boolean;
}

type Segment = Record<string, unknown> | string | Uint8Array;

const encode = (segment: Segment, encoded = false): string => {
  if (encoded && typeof segment === 'string') return segment;
  if (segment instanceof Uint8Array) return Buffer.from(segment).toString('base64url');
  if (typeof segment === 'string') return Buffer.from(segment, 'utf8').toString('base64url');
  return Buffer.from(JSON.stringify(segment), 'utf8').toString('base64url');
};

const headerAlg = (header: Segment, encoded: boolean): string | undefined => {
  let parsed: unknown = header;
  try {
    if (typeof header === 'string')
      parsed = JSON.parse(encoded ? Buffer.from(header, 'base64url').toString('utf8') : header);
    else if (header instanceof Uint8Array) parsed = JSON.parse(Buffer.from(header).toString('utf8'));
  } catch {
    return undefined;
  }
  const alg = (parsed as { alg?: unknown } | null)?.alg;
  return typeof alg === 'string' ? alg : undefined;
};

const isKeyLike = (key: RawKey): key is SigningKeyLike =>
  typeof key === 'object' && key !== null && 'privateKey' in key;

const toKeyObject = (key: Exclude<RawKey, SigningKeyLike>): KeyObject | Buffer => {
  if (key instanceof KeyObject) return key;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  if (key instanceof Uint8Array) return Buffer.from(key);
  return KeyObject.from(key);
};

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function signBytes(alg: string, data: Buffer, material: KeyObject | Buffer): Buffer {
  const hash = HASH[alg.slice(2)];
  const family = alg.slice(0, 2);
  if (family === 'HS' && hash) {
    // An asymmetric key as an HMAC secret is the classic alg-confusion attack: the public key in PEM.
    const secret =
      material instanceof KeyObject && material.type !== 'secret'
        ? createPublicKey(material).export({ type: 'spki', format: 'pem' })
        : material instanceof KeyObject
          ? material.export()
          : material;
    return createHmac(hash, secret).update(data).digest();
  }
  if (!(material instanceof KeyObject) || material.type !== 'private') {
    throw new TypeError(`signRaw: ${alg} needs a private key`);
  }
  if (family === 'RS' && hash) return sign(hash, data, material);
  if (family === 'PS' && hash) {
    return sign(hash, data, {
      key: material,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: Number(alg.slice(2)) / 8,
    });
  }
  if (family === 'ES' && hash) return sign(hash, data, { key: material, dsaEncoding: 'ieee-p1363' });
  if (alg === 'EdDSA' || alg === 'Ed25519' || alg === 'Ed448') return sign(null, data, material);
  throw new TypeError(`signRaw: cannot sign with alg "${alg}"; pass options.signature`);
}

/**
 * Builds a compact JWS from any header and payload, for hostile tokens: objects are JSON-encoded,
 * strings are taken as the segment's text and bytes as its bytes (then base64url). `alg: "none"`
 * (any case) or a missing key gives an empty signature. No validation of any kind.
 *
 * @example
 * const pair = await generateKeyPair('RS256');
 * // a duplicate `alg` member, signed by a real key
 * signRaw('{"alg":"RS256","alg":"none"}', { sub: 'u' }, pair, { alg: 'RS256' });
 * // a padded (non-canonical) payload segment, used verbatim with `encoded: true`
 * signRaw(Buffer.from('{"alg":"RS256"}').toString('base64url'), 'e30=', pair, { encoded: true });
 */
export function signRaw(
  header: Segment,
  payload: Segment,
  key?: RawKey | null,
  options: SignRawOptions = {},
): string {
  const encoded = options.encoded === true;
  const signingInput = `${encode(header, encoded)}.${encode(payload, encoded)}`;
  if (options.signature !== undefined) return `${signingInput}.${options.signature}`;
  const alg = options.alg ?? headerAlg(header, encoded) ?? (key && isKeyLike(key) ? key.alg : undefined);
  if (key === undefined || key === null || alg === undefined || alg.toLowerCase() === 'none') {
    return `${signingInput}.`;
  }
  const material = toKeyObject(isKeyLike(key) ? key.privateKey : key);
  return `${signingInput}.${signBytes(alg, Buffer.from(signingInput), material).toString('base64url')}`;
}
