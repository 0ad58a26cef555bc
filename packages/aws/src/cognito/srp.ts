/**
 * The client side of Cognito's SRP-6a (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`), on node:crypto and
 * BigInt. Cognito's choices: the 3072-bit group of RFC 5054 / RFC 3526 (node's `modp15` prime) with
 * g = 2, SHA-256, k = H(N | g), u = H(A | B), x = H(salt | H(poolName | userId | ":" | password)), all
 * hashes over the *padded hex* encodings (a leading 00 when the top bit is set), and the session key
 * = HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key")[0..16). The claim is
 * HMAC-SHA256(key, poolName | userId | secretBlock | timestamp), base64.
 */
import { createHash, createHmac, getDiffieHellman, randomBytes } from 'node:crypto';

/** The RFC 3526 3072-bit MODP prime (RFC 5054's 3072-bit group), from node's table rather than retyped. */
export const SRP_N = BigInt(`0x${getDiffieHellman('modp15').getPrime('hex')}`);
export const SRP_G = 2n;

/** Hex of a non-negative integer, even-length, with 00 prepended when the top bit is set (Cognito's padHex). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (/^[89a-f]/i.test(hex)) hex = `00${hex}`;
  return hex;
}

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
/** SHA-256 of the bytes a hex string encodes, as hex (Cognito's hexHash). */
export const hexHash = (hex: string): string => sha256(Buffer.from(hex, 'hex')).toString('hex');

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export const SRP_K = BigInt(`0x${hexHash(`${padHex(SRP_N)}${padHex(SRP_G)}`)}`);

/** HKDF-SHA256 with Cognito's info string, first 16 bytes. */
export function cognitoHkdf(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  const info = Buffer.concat([Buffer.from('Caldera Derived Key', 'utf8'), Buffer.from([1])]);
  return createHmac('sha256', prk).update(info).digest().subarray(0, 16);
}

/** `Tue Dec 1 05:44:32 UTC 2026`: Cognito's TIMESTAMP format (day of month not padded, English, UTC). */
export function cognitoTimestamp(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${date.getUTCDate()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}

/** `SECRET_HASH` of an app client with a secret: base64 HMAC-SHA256(secret, username | clientId). */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret).update(`${username}${clientId}`).digest('base64');
}

/** The client's ephemeral pair: `a` secret, `A = g^a mod N` sent as `SRP_A`. */
export interface SrpSession {
  a: bigint;
  A: bigint;
}

/**
 * A new ephemeral pair (128 random bytes; an `A` that is 0 mod N is drawn again).
 *
 * @example
 * const { A } = srpStart(); // AuthParameters.SRP_A = A.toString(16)
 */
export function srpStart(random: (n: number) => Buffer = randomBytes): SrpSession {
  for (;;) {
    const a = BigInt(`0x${random(128).toString('hex')}`) % SRP_N;
    const A = modPow(SRP_G, a, SRP_N);
    if (a !== 0n && A % SRP_N !== 0n) return { a, A };
  }
}

/** What `PASSWORD_VERIFIER` needs from the challenge parameters. */
export interface PasswordVerifierInput {
  session: SrpSession;
  /** The part of the pool id after `_`. */
  poolName: string;
  /** `USER_ID_FOR_SRP` of the challenge. */
  userId: string;
  password: string;
  /** `SRP_B`, hex. */
  srpB: string;
  /** `SALT`, hex. */
  salt: string;
  /** `SECRET_BLOCK`, base64. */
  secretBlock: string;
  timestamp: string;
}

/**
 * `PASSWORD_CLAIM_SIGNATURE` for a `PASSWORD_VERIFIER` challenge. Throws a plain Error (no input in
 * its message) when the server's B is 0 mod N or u is 0: a broken or hostile server.
 *
 * @example
 * const signature = passwordClaimSignature({ session, poolName, userId, password, srpB, salt, secretBlock, timestamp });
 */
export function passwordClaimSignature(input: PasswordVerifierInput): string {
  const { session, poolName, userId, password } = input;
  const B = BigInt(`0x${input.srpB}`);
  if (B % SRP_N === 0n) throw new Error('SRP: the server sent an invalid B');
  const u = BigInt(`0x${hexHash(`${padHex(session.A)}${padHex(B)}`)}`);
  if (u === 0n) throw new Error('SRP: u is zero');
  const inner = sha256(`${poolName}${userId}:${password}`).toString('hex');
  const x = BigInt(`0x${hexHash(`${padHex(BigInt(`0x${input.salt}`))}${inner}`)}`);
  const gx = modPow(SRP_G, x, SRP_N);
  const base = (((B - SRP_K * gx) % SRP_N) + SRP_N) % SRP_N;
  const S = modPow(base, session.a + u * x, SRP_N);
  const key = cognitoHkdf(Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'));
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        Buffer.from(input.secretBlock, 'base64'),
        Buffer.from(input.timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}
