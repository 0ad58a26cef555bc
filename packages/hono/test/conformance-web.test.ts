/**
 * The conformance suite again with core's WebCrypto backend forced: what Workers, Deno and Bun pick
 * through the `#crypto` imports map (no node:crypto on the verification path).
 */
import { runConformance } from '@auth/conformance';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { honoHarness } from './harness.ts';

const used = vi.hoisted(() => ({ verify: 0 }));

// Every importer of `#crypto` (core's verifier included) gets the WebCrypto backend, counted.
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

describe('signature backend', () => {
  it('is the WebCrypto one in this file', async () => {
    const { backend } = await import('#crypto');
    expect(backend.name).toBe('web');
  });
});

runConformance({ ...honoHarness, name: 'hono (WebCrypto)' });

afterAll(() => {
  // The suite's signatures really went through WebCrypto.
  expect(used.verify).toBeGreaterThan(0);
});
