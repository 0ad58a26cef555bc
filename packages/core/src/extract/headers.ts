/**
 * Header access over both request shapes core accepts: a Node header record (`IncomingHttpHeaders`,
 * possibly with non-lowercase keys when built by hand) and a Fetch `Headers`. Repetition is detected
 * from Node's `rawHeaders`, from array values and from comma-joined values (Fetch joins repeats).
 */
import type { HeadersLike, RequestLike } from '../types.ts';

type HeaderGetter = { get(name: string): string | null };

function isGetter(headers: HeadersLike): headers is HeaderGetter {
  return typeof (headers as HeaderGetter).get === 'function';
}

/**
 * What a request carries for one header name.
 *
 * @example
 * const { value, present, repeated }: HeaderReading = readHeader(req, 'authorization');
 */
export interface HeaderReading {
  /** The value when it appears exactly once (a joined value is returned as is; callers check commas). */
  value: string | undefined;
  /** True when the header is present at all, even empty. */
  present: boolean;
  /** True when the header appears more than once (rawHeaders, array value, or several record keys). */
  repeated: boolean;
}

const ABSENT: HeaderReading = Object.freeze({ value: undefined, present: false, repeated: false });

/**
 * Counts a header in Node's `rawHeaders` (name, value, name, value…), case-insensitively.
 *
 * @example
 * countRawHeader(req.rawHeaders, 'authorization'); // 2 when the header is repeated
 */
export function countRawHeader(rawHeaders: readonly string[] | undefined, name: string): number {
  if (!Array.isArray(rawHeaders)) return 0;
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const key = rawHeaders[i];
    if (typeof key === 'string' && key.length === name.length && key.toLowerCase() === name) count++;
  }
  return count;
}

/**
 * Reads one header. `name` must be lowercase. Never throws: a header object that misbehaves (a
 * getter that throws) reads as a repeated header, which every caller rejects as malformed.
 *
 * @example
 * const { value, repeated } = readHeader(req, 'authorization');
 */
export function readHeader(req: RequestLike, name: string): HeaderReading {
  const headers = req?.headers;
  if (headers === null || typeof headers !== 'object') return ABSENT;
  try {
    const raw = countRawHeader(req.rawHeaders, name);
    let value: string | undefined;
    let occurrences = 0;
    if (isGetter(headers)) {
      const v = headers.get(name);
      if (typeof v === 'string') {
        value = v;
        occurrences = 1;
      }
    } else {
      const record = headers as Record<string, unknown>;
      // Node lowercases names; a hand-built record may not, and may even hold two spellings.
      for (const key in record) {
        if (key.length !== name.length || key.toLowerCase() !== name) continue;
        const v = record[key];
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) {
          occurrences += v.length;
          if (v.length === 1 && typeof v[0] === 'string') value = v[0];
        } else if (typeof v === 'string') {
          occurrences += 1;
          value = v;
        } else {
          occurrences += 2; // not a header value: treat as malformed
        }
      }
    }
    const count = Math.max(raw, occurrences);
    if (count === 0) return ABSENT;
    return { value: count === 1 ? value : undefined, present: true, repeated: count > 1 };
  } catch {
    return { value: undefined, present: true, repeated: true };
  }
}
