/** Starts the dev PDP. PDP_PORT (default 4100), PDP_POLICY (default ./policy.json), PDP_KEY (optional). */
import { readFileSync } from 'node:fs';
import { demoPolicy } from './demo-policy.ts';
import { startDevPdp } from './server.ts';

const env = process.env;
const policy = env.PDP_POLICY ? JSON.parse(readFileSync(env.PDP_POLICY, 'utf8')) : demoPolicy();
const pdp = await startDevPdp({ policy, port: Number(env.PDP_PORT || 4100), key: env.PDP_KEY || undefined });
console.log(`dev-pdp (AuthZEN 1.0) listening on ${pdp.url}`);
const shutdown = () => void pdp.stop().then(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
