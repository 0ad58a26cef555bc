import fc from 'fast-check';
import { expect } from 'vitest';
import type { Environment } from './environment.ts';
import { send } from './http.ts';

const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
});
const segment = fc.base64String().map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));

/** Whatever a client puts in the Authorization header: a 400 or a 401, never a 500 (or a 2xx). */
export async function fuzzAuthorization(env: Environment, runs = 60): Promise<void> {
  const value = fc.oneof(
    printable,
    printable.map((s) => `Bearer ${s}`),
    fc.tuple(segment, segment, segment).map((parts) => `Bearer ${parts.join('.')}`),
  );
  await fc.assert(
    fc.asyncProperty(value, async (authorization) => {
      const reply = await send(env.app.main, '/me', { headers: [['Authorization', authorization]] });
      expect([400, 401]).toContain(reply.status);
      expect(reply.json?.status).toBe(reply.status);
    }),
    { numRuns: runs },
  );
}
