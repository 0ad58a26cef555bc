// dev-pdp: an AuthZEN 1.0 decision point for the demo apps and the conformance suite.
export { type DevPdp, type DevPdpOptions, startDevPdp } from './server.ts';
export { type PdpPolicy, type Rule, type RuleConditions, decide, parsePolicy } from './rules.ts';
export { demoPolicy } from './demo-policy.ts';
