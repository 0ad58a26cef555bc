/**
 * Bounded JSON GET for JWKS and discovery documents: timeout through AbortSignal, redirects never
 * followed (a 3xx is a failure), a byte cap enforced while streaming, `Cache-Control: max-age` read.
 */
import { safeUrl } from './safe-url.ts';
import type { FetchLike } from './types.ts';

export class FetchFailure extends Error {
  override name = 'FetchFailure';
  /**
   * The URL requested without userinfo, query or fragment (they may hold credentials) and, when a
   * response arrived, its HTTP status (for server-side error detail).
   */
  url: string | undefined;
  status: number | undefined;
  constructor(message: string, options: { cause?: unknown; url?: string; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.url = safeUrl(options.url);
    this.status = options.status;
  }
}

/**
 * A fetch error as a cause: when the URL holds credentials (userinfo, query), an error that names it
 * (undici: "Request cannot be constructed from a URL that includes credentials: <url>") is replaced by
 * one with the URL stripped and no deeper cause.
 */
function withoutUrl(cause: unknown, url: string): unknown {
  const safe = safeUrl(url) ?? '[url]';
  if (safe === url) return cause;
  const spellings = new Set([url]);
  try {
    spellings.add(new URL(url).href);
    spellings.add(decodeURI(url));
  } catch {
    // Not a URL the parser accepts: only its raw text can appear.
  }
  const text = (c: unknown, depth: number): string =>
    c instanceof Error && depth < 5
      ? `${c.message}\n${c.stack ?? ''}\n${text(c.cause, depth + 1)}`
      : String(c ?? '');
  const all = text(cause, 0);
  if (![...spellings].some((u) => all.includes(u))) return cause;
  let message = cause instanceof Error ? cause.message : String(cause);
  for (const u of spellings) message = message.split(u).join(safe);
  const stripped = new Error(message);
  stripped.name = cause instanceof Error ? cause.name : 'Error';
  stripped.stack = `${stripped.name}: ${message}`;
  return stripped;
}

export interface FetchedJson {
  value: unknown;
  /** `max-age` in seconds from Cache-Control, when present. */
  maxAge: number | undefined;
}

export async function fetchJson(
  fetchFn: FetchLike,
  url: string,
  { timeout, maxBytes }: { timeout: number; maxBytes: number },
): Promise<FetchedJson> {
  const signal = AbortSignal.timeout(timeout);
  let res: Response;
  try {
    res = await fetchFn(url, { redirect: 'manual', signal, headers: { accept: 'application/json' } });
  } catch (cause) {
    throw new FetchFailure('request failed', { cause: withoutUrl(cause, url), url });
  }
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
    await res.body?.cancel().catch(() => {});
    throw new FetchFailure('redirects are not followed', { url, status: res.status });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new FetchFailure(`unexpected status ${res.status}`, { url, status: res.status });
  }
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new FetchFailure('response too large', { url, status: res.status });
  }
  const text = await readCapped(res, maxBytes, signal);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FetchFailure('invalid JSON', { cause, url, status: res.status });
  }
  return { value, maxAge: parseMaxAge(res.headers.get('cache-control')) };
}

async function readCapped(res: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      if (signal.aborted) throw new FetchFailure('timed out');
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw new FetchFailure('response too large');
      chunks.push(value);
    }
  } catch (cause) {
    await reader.cancel().catch(() => {});
    throw cause instanceof FetchFailure ? cause : new FetchFailure('read failed', { cause });
  }
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch (cause) {
    throw new FetchFailure('invalid UTF-8', { cause });
  }
}

export function parseMaxAge(header: string | null): number | undefined {
  if (!header) return undefined;
  const lower = header.toLowerCase();
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/.test(lower)) return 0;
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?\s*(?:,|$)/.exec(lower);
  return m ? Number(m[1]) : undefined;
}
