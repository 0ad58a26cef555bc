import { defineConfig, type Options } from 'tsup';

// Dual build (ESM + CJS) for every published package; see the root README "Packaging".
export const packageBuild = (entry: Record<string, string>, extra: Options = {}) =>
  defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    treeshake: true,
    splitting: true,
    tsconfig: 'tsconfig.build.json',
    ...extra,
  });
