/** Retry timing: exponential backoff with full jitter, `Retry-After` parsing, the default sleep. */
import { ConfigurationError } from '../configuration-error.ts';
import type { RandomSource, RetryOptions, Sleep } from './types.ts';

export interface ResolvedRetry {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export function resolveRetry(options: RetryOptions | undefined): ResolvedRetry {
  const r = {
    attempts: options?.attempts ?? 4,
    baseDelayMs: options?.baseDelayMs ?? 250,
    maxDelayMs: options?.maxDelayMs ?? 10_000,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 30_000,
  };
  if (!Number.isInteger(r.attempts) || r.attempts < 1)
    throw new ConfigurationError('retry.attempts must be an integer >= 1');
  for (const k of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (!Number.isFinite(r[k]) || r[k] < 0) throw new ConfigurationError(`retry.${k} must be a number >= 0`);
  }
  return r;
}

/**
 * Delay before attempt `retry` (0 for the first retry): full jitter over base·2^retry, capped.
 * A server's Retry-After is a floor, plus a little jitter so a fleet does not return at one instant.
 */
export function backoffDelay(
  retry: number,
  r: ResolvedRetry,
  random: RandomSource,
  retryAfterSeconds?: number,
): number {
  const ceiling = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** retry);
  const jittered = random() * ceiling;
  if (retryAfterSeconds === undefined) return jittered;
  const floor = retryAfterSeconds * 1000;
  return floor + random() * Math.min(r.baseDelayMs, floor * 0.1 + 1);
}

/** `Retry-After` as seconds (delta-seconds or HTTP-date), undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
