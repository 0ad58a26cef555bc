import { readFileSync } from 'node:fs';

/** The demo policy (apps/dev-pdp/policy.json): org members read documents, owners read and delete. */
export const demoPolicy = (): unknown =>
  JSON.parse(readFileSync(new URL('../policy.json', import.meta.url), 'utf8'));
