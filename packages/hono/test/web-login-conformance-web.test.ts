/**
 * The web-login rows again with core's WebCrypto backend forced (what Workers, Deno and Bun pick
 * through the `#crypto` imports map): the login itself (state cookie and session sealing, the ID
 * token's signature) is WebCrypto on every runtime; the demo's bearer API beside it goes through the
 * forced backend too.
 */
import { webLoginConformance } from '@auth/conformance';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { honoHarness } from './harness.ts';

const used = vi.hoisted(() => ({ verify: 0 }));

vi.mock('#crypto', async () => {
  const web = await import('../../core/src/verify/crypto/web.ts');
  const backend = {
    ...web.backend,
    verify(...args: Parameters<typeof web.backend.verify>) {
      used.verify += 1;
      return web.backend.verify(...args);
    },
  };
  return { ...web, backend, default: backend };
});

// Sessions are sealed and opened with crypto.subtle (AES-GCM): counted to show this path ran.
const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');

describe('signature backend', () => {
  it('is the WebCrypto one in this file', async () => {
    const { backend } = await import('#crypto');
    expect(backend.name).toBe('web');
  });
});

webLoginConformance({ ...honoHarness, name: 'hono (WebCrypto)' });

afterAll(() => {
  expect(used.verify).toBeGreaterThan(0); // the bearer row beside the cookie
  expect(decrypt).toHaveBeenCalled(); // sessions opened with WebCrypto
});
