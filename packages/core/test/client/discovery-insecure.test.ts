/**
 * Discovery of an http:// issuer is refused with an error that says how to opt in for local
 * development (`allowInsecureRequests: true`), before any request is sent.
 */
import { describe, expect, it, vi } from 'vitest';
import { DiscoveryCache, DiscoveryError, discover } from '../../src/client/index.ts';

describe('discovery of an http:// issuer', () => {
  it('fails with a message naming allowInsecureRequests for local development', async () => {
    const fetch = vi.fn(async () => Response.json({}));
    const err = await discover('http://localhost:9999', { fetch, cache: new DiscoveryCache() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as Error).message).toContain('allowInsecureRequests: true');
    expect((err as Error).message).toContain('local development');
    expect(fetch).not.toHaveBeenCalled();
  });

  it('is allowed with allowInsecureRequests: true', async () => {
    const issuer = 'http://localhost:9999';
    const fetch = vi.fn(async () => Response.json({ issuer, token_endpoint: `${issuer}/token` }));
    const metadata = await discover(issuer, {
      fetch,
      allowInsecureRequests: true,
      cache: new DiscoveryCache(),
    });
    expect(metadata.token_endpoint).toBe(`${issuer}/token`);
  });
});
