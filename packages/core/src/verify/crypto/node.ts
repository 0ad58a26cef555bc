/**
 * node:crypto backend: KeyObjects imported once per key; `crypto.verify` synchronously (measured several
 * times faster than WebCrypto's promise round trips for the same signatures) or, with a callback, on
 * libuv's thread pool (`verifyOffThread`: more req/s for an HTTP server with a spare core).
 */
import {
  type KeyObject,
  constants,
  createHmac,
  createPublicKey,
  createSecretKey,
  timingSafeEqual,
  verify as cryptoVerify,
} from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Algorithm, AsymmetricAlgorithm } from '../options.ts';
import type { CryptoBackend, KeyHandle, PublicJwk } from './types.ts';

const DIGEST: Record<string, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

/** Verify options per alg, built once per imported key (no allocation on the hot path). */
interface NodeKey {
  alg: Algorithm;
  digest: string | null;
  options: Parameters<typeof cryptoVerify>[2] | KeyObject;
  secret?: KeyObject;
}

export const backend: CryptoBackend = {
  name: 'node',
  decode(segment) {
    return Buffer.from(segment, 'base64url');
  },
  utf8(bytes) {
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const text = buf.toString('utf8');
    // Invalid sequences decode to U+FFFD; only then is the strict (slower) check needed.
    if (text.includes('\ufffd') && !isUtf8(buf)) throw new TypeError('invalid UTF-8');
    return text;
  },
  importPublicKey(jwk: PublicJwk, alg: AsymmetricAlgorithm): KeyHandle {
    const key = createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' });
    const digest = alg === 'EdDSA' ? null : DIGEST[alg]!;
    let options: NodeKey['options'] = key;
    if (alg.startsWith('ES')) options = { key, dsaEncoding: 'ieee-p1363' };
    else if (alg.startsWith('PS')) {
      options = {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      };
    }
    const handle: NodeKey = { alg, digest, options };
    return handle;
  },
  importSecret(secret, alg): KeyHandle {
    const key = createSecretKey(secret);
    const handle: NodeKey = { alg, digest: DIGEST[alg]!, options: key, secret: key };
    return handle;
  },
  verify(alg, key, signingInput, signature) {
    const k = key as NodeKey;
    if (k.alg !== alg) return false;
    if (k.secret) {
      const mac = createHmac(k.digest!, k.secret).update(signingInput).digest();
      return mac.length === signature.length && timingSafeEqual(mac, signature);
    }
    // The signing input is ASCII (checked by the parser); utf8 has Node's fastest ASCII path.
    return cryptoVerify(k.digest, Buffer.from(signingInput), k.options, signature);
  },
  verifyOffThread(alg, key, signingInput, signature) {
    const k = key as NodeKey;
    // An HMAC costs about as much as the hop to the pool: stay synchronous.
    if (k.alg !== alg || k.secret) return backend.verify(alg, key, signingInput, signature);
    return new Promise<boolean>((resolve, reject) => {
      cryptoVerify(k.digest, Buffer.from(signingInput), k.options, signature, (err, ok) =>
        err ? reject(err) : resolve(ok),
      );
    });
  },
};
