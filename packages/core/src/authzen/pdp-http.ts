/**
 * One JSON call to a decision point, fail-closed: a bounded wait, a bounded body, no redirects (the
 * credentials never follow one), the `X-Request-ID` echo checked. Every failure is a `PdpCallError`
 * whose `kind` is safe to log (no token, no body).
 */
import type { FetchLike, TokenSource } from '../client/types.ts';

/** Why a call to the decision point gave no usable answer (safe to log). */
export type PdpFailureKind =
  | 'timeout'
  | 'network'
  | 'status'
  | 'redirect'
  | 'too-large'
  | 'invalid-json'
  | 'invalid-response'
  | 'request-id-mismatch'
  | 'credentials'
  | 'circuit-open';

export class PdpCallError extends Error {
  override name = 'PdpCallError';
  constructor(
    readonly kind: PdpFailureKind,
    readonly status?: number,
  ) {
    super(`decision point call failed: ${kind}${status === undefined ? '' : ` (HTTP ${status})`}`);
  }
}

/** How calls authenticate to the decision point: a token source (`@auth/core/client`) or a fixed key. */
export type PdpCredentials = TokenSource | string | undefined;

export interface PdpCallOptions {
  fetch: FetchLike;
  credentials: PdpCredentials;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Extra headers (e.g. a vendor's API key header). */
  headers?: Readonly<Record<string, string>>;
  newRequestId: () => string;
}

/** `Authorization` value for the call; a static key is sent as a Bearer token. */
async function authorization(credentials: PdpCredentials, signal: AbortSignal): Promise<string | undefined> {
  if (credentials === undefined) return undefined;
  if (typeof credentials === 'string') return `Bearer ${credentials}`;
  let token: string;
  try {
    token = await Promise.race([
      credentials.getToken(),
      new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(new PdpCallError('timeout')), { once: true });
      }),
    ]);
  } catch (error) {
    if (error instanceof PdpCallError) throw error;
    // The token source's own error may carry endpoint details: not kept.
    throw new PdpCallError('credentials');
  }
  if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new PdpCallError('credentials');
  }
  return `Bearer ${token}`;
}

async function readBounded(response: Response, max: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {});
    throw new PdpCallError('too-large');
  }
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw new PdpCallError('too-large');
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(all);
}

/**
 * POSTs (or GETs, without a body) JSON and resolves to the parsed JSON object of a 200 answer. The
 * timeout covers the token, the headers and the whole body.
 */
export async function callPdp(
  url: string,
  body: unknown,
  options: PdpCallOptions,
  method: 'POST' | 'GET' = 'POST',
): Promise<Record<string, unknown>> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const requestId = options.newRequestId();
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['x-request-id'] = requestId;
    }
    const auth = await authorization(options.credentials, controller.signal);
    if (auth !== undefined) headers.authorization = auth;
    let response: Response;
    try {
      response = await options.fetch(url, {
        method,
        headers,
        body: method === 'POST' ? JSON.stringify(body) : undefined,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch {
      throw new PdpCallError(timedOut ? 'timeout' : 'network');
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new PdpCallError('redirect', response.status);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      throw new PdpCallError('status', response.status);
    }
    const echoed = response.headers.get('x-request-id');
    if (method === 'POST' && echoed !== null && echoed !== requestId) {
      await response.body?.cancel().catch(() => {});
      throw new PdpCallError('request-id-mismatch');
    }
    let text: string;
    try {
      text = await readBounded(response, options.maxResponseBytes);
    } catch (error) {
      if (error instanceof PdpCallError) throw error;
      throw new PdpCallError(timedOut ? 'timeout' : 'invalid-json');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PdpCallError('invalid-json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new PdpCallError('invalid-response');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof PdpCallError) {
      if (timedOut && error.kind === 'network') throw new PdpCallError('timeout');
      throw error;
    }
    throw new PdpCallError(timedOut ? 'timeout' : 'network');
  } finally {
    clearTimeout(timer);
  }
}

/** A random request id (`crypto.randomUUID` where there is one). */
export function randomRequestId(): string {
  const c = globalThis.crypto as { randomUUID?: () => string } | undefined;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * A GET whose answer is its status: resolves to one of `answers` (the body is read, bounded, and
 * dropped), anything else (another status, a redirect, a timeout) is a PdpCallError.
 */
export async function callForStatus(
  url: string,
  options: PdpCallOptions,
  answers: readonly number[],
): Promise<number> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    headers['x-request-id'] = options.newRequestId();
    const auth = await authorization(options.credentials, controller.signal);
    if (auth !== undefined) headers.authorization = auth;
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'GET',
        headers,
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch {
      throw new PdpCallError(timedOut ? 'timeout' : 'network');
    }
    if (!answers.includes(response.status)) {
      await response.body?.cancel().catch(() => {});
      throw new PdpCallError(
        response.status >= 300 && response.status < 400 ? 'redirect' : 'status',
        response.status,
      );
    }
    try {
      await readBounded(response, options.maxResponseBytes);
    } catch (error) {
      if (error instanceof PdpCallError) throw error;
      throw new PdpCallError(timedOut ? 'timeout' : 'network');
    }
    return response.status;
  } catch (error) {
    if (error instanceof PdpCallError)
      throw timedOut && error.kind === 'network' ? new PdpCallError('timeout') : error;
    throw new PdpCallError(timedOut ? 'timeout' : 'network');
  } finally {
    clearTimeout(timer);
  }
}
