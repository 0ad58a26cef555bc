import { describe, expect, it } from 'vitest';
import { oidcHashMatches } from '../../src/login/id-token-hashes.ts';

describe('OIDC left-half hashes (at_hash, c_hash)', () => {
  it('matches the left half of the SHA-256 of the value for RS256 (OIDC Core 3.1.3.6 example)', async () => {
    // The spec's example: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" → at_hash "77QmUPtjPfzWtF2AnpK9RQ".
    await expect(
      oidcHashMatches('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', '77QmUPtjPfzWtF2AnpK9RQ', 'RS256'),
    ).resolves.toBe(true);
    await expect(oidcHashMatches('another token', '77QmUPtjPfzWtF2AnpK9RQ', 'RS256')).resolves.toBe(false);
  });

  it.each(['__proto__', 'constructor', 'toString', 'none', 'XS256'])(
    'an alg that names no hash (%s) is a mismatch, not a thrown TypeError',
    async (alg) => {
      await expect(oidcHashMatches('value', 'x', alg)).resolves.toBe(false);
    },
  );
});
