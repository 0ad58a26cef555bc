import type { KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import type { SigningKeyLike } from './keys.ts';
import { signRaw } from './sign-raw.ts';

/** "now" for minting: milliseconds, a Date, or a clock function (e.g. `createClock()`). */
export type NowInput = number | Date | (() => number);

export interface MintTokenOptions {
  /** a generated pair (its `alg` and `kid` go into the header), a private key, or an HMAC secret */
  key: SigningKeyLike | CryptoKey | KeyObject | Uint8Array;
  /** merged over `{ alg, kid }`; a member set to `undefined` is removed */
  header?: Record<string, unknown>;
  /** merged over the defaults (`iat`, `exp`, `sub`, and `iss`/`aud` when given); `undefined` removes one */
  claims?: Record<string, unknown>;
  /** lifetime in seconds for `exp`; default 3600; `null` leaves `exp` out */
  expiresIn?: number | null;
  issuer?: string;
  audience?: string | string[];
  /** `sub`; default `'test-user'` (verifiers require one by default); `null` leaves it out */
  subject?: string | null;
  /** the time `iat` is taken from; default the real time */
  now?: NowInput;
}

export const nowSeconds = (now: NowInput | undefined): number => {
  const ms =
    now === undefined
      ? Date.now()
      : typeof now === 'function'
        ? now()
        : now instanceof Date
          ? now.getTime()
          : now;
  if (!Number.isFinite(ms))
    throw new TypeError('mintToken: now must be a finite number of milliseconds, a Date or a clock');
  return Math.floor(ms / 1000);
};

/** The default `sub`: a token without one is rejected by verifiers with default rules. */
const DEFAULT_SUBJECT = 'test-user';

const withoutUndefined = (obj: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));

const isKeyLike = (key: unknown): key is SigningKeyLike =>
  typeof key === 'object' && key !== null && 'privateKey' in key;

/**
 * Mints a signed JWT. Signs with jose; when jose refuses the combination (a hostile header such as
 * `alg: "none"`, an alg that does not fit the key, a sub-2048-bit RSA key), it signs the same
 * header and payload with `signRaw` instead, so any header can be minted.
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const { key } = options;
  if (key === undefined || key === null) throw new TypeError('mintToken: key is required');
  const keyMeta = isKeyLike(key) ? key : undefined;
  const header = withoutUndefined({ alg: keyMeta?.alg, kid: keyMeta?.kid, ...options.header });
  if (typeof header.alg !== 'string') {
    throw new TypeError('mintToken: header.alg is required when the key does not carry an alg');
  }
  const iat = nowSeconds(options.now);
  const { expiresIn = 3600 } = options;
  if (expiresIn !== null && !Number.isFinite(expiresIn))
    throw new TypeError('mintToken: expiresIn must be seconds or null');
  const payload = withoutUndefined({
    iss: options.issuer,
    sub: options.subject === null ? undefined : (options.subject ?? DEFAULT_SUBJECT),
    aud: options.audience,
    iat,
    exp: expiresIn === null ? undefined : iat + expiresIn,
    ...options.claims,
  });

  const signingKey = keyMeta ? keyMeta.privateKey : (key as CryptoKey | KeyObject | Uint8Array);
  try {
    return await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader(header as { alg: string })
      .sign(signingKey);
  } catch {
    return signRaw(header, payload, signingKey);
  }
}
