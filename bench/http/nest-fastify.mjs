// Nest scenarios for bench/http.mjs on platform-fastify (same apps as nest-express.mjs).
import { nestRejectApp, nestScenarios } from './nest-express.mjs';

export const framework = 'nest-fastify';
export const baseline = 'no auth';
export const targets = [
  { scenario: 'ours, cache off', over: '@nestjs/passport + passport-jwt', min: 1.2 },
  { scenario: 'ours, cache on', over: 'no auth', min: 0.85 },
];
export const scenarios = nestScenarios('fastify');
export const rejectApp = (ctx) => nestRejectApp('fastify', ctx);
