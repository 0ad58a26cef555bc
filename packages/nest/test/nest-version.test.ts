import { describe, expect, it } from 'vitest';

// The suite runs twice: on this package's Nest (12) and, in the `@auth/nest (nest 11)` project, on the
// copies in apps/nest11-compat. Each project names the major it means to run (EXPECTED_NEST_MAJOR);
// this proves the imports below, resolved like every other test's, really load that major.
const expected = process.env.EXPECTED_NEST_MAJOR;
const packages = {
  common: () => import('@nestjs/common/package.json'),
  core: () => import('@nestjs/core/package.json'),
  'platform-express': () => import('@nestjs/platform-express/package.json'),
  'platform-fastify': () => import('@nestjs/platform-fastify/package.json'),
};

describe('the Nest under test', () => {
  it('the project names the Nest major it runs', () => {
    expect(expected).toMatch(/^\d+$/);
  });

  it.each(Object.keys(packages) as (keyof typeof packages)[])('@nestjs/%s is that major', async (name) => {
    const { version } = (await packages[name]()).default as { version: string };
    expect(version.split('.')[0]).toBe(expected);
  });

  it('the modules loaded are that major too: Nest 11 is CommonJS (a default export), Nest 12 ESM-only', async () => {
    // (@nestjs/testing 12 does not export its package.json: checked here only.)
    const modules = await Promise.all([
      import('@nestjs/core'),
      import('@nestjs/common'),
      import('@nestjs/testing'),
      import('@nestjs/platform-express'),
    ]);
    for (const loaded of modules) {
      expect('default' in loaded).toBe(Number(expected) < 12);
    }
  });
});
