/**
 * Rewrites the environment-variable tables of packages/core/README.md from the table of fields
 * (src/config/env-fields.ts). Run with `pnpm --filter @auth/core docs:env`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replaceEnvDocs } from '../src/config/env-docs.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const before = readFileSync(readme, 'utf8');
const after = replaceEnvDocs(before);
if (after === before) {
  console.log('README.md: environment tables already up to date');
} else {
  writeFileSync(readme, after);
  console.log('README.md: environment tables rewritten');
}
