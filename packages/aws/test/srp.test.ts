import { createHash, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cognitoHkdf,
  cognitoTimestamp,
  modPow,
  padHex,
  SRP_G,
  SRP_K,
  SRP_N,
  secretHash,
  srpStart,
} from '../src/cognito/srp.ts';

describe('Cognito SRP building blocks', () => {
  it('N is the RFC 3526 / RFC 5054 3072-bit prime, g = 2, k = H(pad(N) | pad(g))', () => {
    const hex = SRP_N.toString(16);
    expect(hex).toHaveLength(768);
    expect(hex.startsWith('ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1')).toBe(true);
    expect(hex.endsWith('a93ad2caffffffffffffffff')).toBe(true);
    expect(SRP_G).toBe(2n);
    const k = createHash('sha256')
      .update(Buffer.from(padHex(SRP_N) + padHex(SRP_G), 'hex'))
      .digest('hex');
    expect(SRP_K).toBe(BigInt(`0x${k}`));
  });

  it('padHex: even length, a leading 00 when the top bit is set', () => {
    expect(padHex(0xfn)).toBe('0f');
    expect(padHex(0x7fn)).toBe('7f');
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(0xabcn)).toBe('0abc');
    expect(padHex(SRP_N).startsWith('00ff')).toBe(true);
  });

  it('modPow agrees with small known values', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modPow(2n, 0n, 7n)).toBe(1n);
  });

  it('TIMESTAMP: "ddd MMM D HH:mm:ss UTC YYYY", day not padded', () => {
    expect(cognitoTimestamp(new Date(Date.UTC(2026, 11, 1, 5, 4, 3)))).toBe('Tue Dec 1 05:04:03 UTC 2026');
    expect(cognitoTimestamp(new Date(Date.UTC(2024, 1, 29, 23, 59, 59)))).toBe(
      'Thu Feb 29 23:59:59 UTC 2024',
    );
  });

  it('SECRET_HASH = base64 HMAC-SHA256(secret, username | clientId) (RFC 4231 case 2 shape)', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    expect(
      Buffer.from(secretHash('what do ya want ', 'for nothing?', 'Jefe'), 'base64').toString('hex'),
    ).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('HKDF: RFC 5869 structure with info "Caldera Derived Key" | 0x01, 16 bytes', () => {
    const key = cognitoHkdf(Buffer.from('00', 'hex'), Buffer.from('01', 'hex'));
    expect(key).toHaveLength(16);
    const reference = Buffer.from(
      hkdfSync('sha256', Buffer.from('00', 'hex'), Buffer.from('01', 'hex'), 'Caldera Derived Key', 16),
    );
    expect(key.equals(reference)).toBe(true);
  });

  it('srpStart: A = g^a mod N, never 0, fresh per call', () => {
    const one = srpStart();
    const two = srpStart();
    expect(one.A).toBe(modPow(SRP_G, one.a, SRP_N));
    expect(one.A).not.toBe(two.A);
    expect(one.A % SRP_N).not.toBe(0n);
  });
});
