/**
 * Duplicate-member detection for JSON already accepted by JSON.parse. JSON.parse keeps the last of two
 * equal names silently; two parsers disagreeing on a claim is a classic confusion, so we reject it.
 * This runs on every cache miss of an unauthenticated token, so it must stay linear in the input: each
 * object level compares its first few names in place (no allocation for the usual small, escape-free
 * object) and moves them to a Set once it grows past that, so a member costs O(1) whatever the count.
 */

/** Names compared in place before an object level switches to a Set. */
const SMALL_OBJECT = 8;

/**
 * Name comparisons and Set operations done by the scans, for the complexity test (a deterministic
 * count instead of wall-clock time). Not public API.
 */
export const scanOps = { count: 0 };

interface Level {
  /** Flat [start, end, start, end, …] of the first member names, while the object is small. */
  spans: number[];
  names: Set<string> | undefined;
}

export function hasDuplicateKeys(json: string): boolean {
  if (json.indexOf('\\') !== -1) return hasDuplicateKeysEscaped(json);
  // Per open object: its member names so far (null for arrays).
  const stack: (Level | null)[] = [];
  let expectKey = false;
  let ops = 0;
  const len = json.length;
  for (let i = 0; i < len; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      const end = json.indexOf('"', start);
      i = end;
      if (expectKey) {
        expectKey = false;
        const level = stack[stack.length - 1]!;
        if (level.names !== undefined) {
          ops++;
          const name = json.slice(start, end);
          if (level.names.has(name)) return finish(ops, true);
          level.names.add(name);
          continue;
        }
        const spans = level.spans;
        const n = end - start;
        for (let k = 0; k < spans.length; k += 2) {
          ops++;
          const s = spans[k]!;
          if (spans[k + 1]! - s === n && sameChars(json, s, start, n)) return finish(ops, true);
        }
        if (spans.length < 2 * SMALL_OBJECT) {
          spans.push(start, end);
        } else {
          // Past a handful of members: one Set lookup per name from now on.
          const names = new Set<string>();
          for (let k = 0; k < spans.length; k += 2) names.add(json.slice(spans[k]!, spans[k + 1]!));
          names.add(json.slice(start, end));
          ops += spans.length / 2 + 1;
          level.names = names;
        }
      }
    } else if (c === 0x7b /* { */) {
      stack.push({ spans: [], names: undefined });
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return finish(ops, false);
}

function finish(ops: number, duplicate: boolean): boolean {
  scanOps.count += ops;
  return duplicate;
}

function sameChars(s: string, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (s.charCodeAt(a + i) !== s.charCodeAt(b + i)) return false;
  return true;
}

/** JSON with escapes: names are decoded before comparing (`"sub"` equals `"s\u0075b"`). */
function hasDuplicateKeysEscaped(json: string): boolean {
  // One Set of decoded names per open object (null for arrays).
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  let ops = 0;
  const len = json.length;
  for (let i = 0; i < len; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22) {
      const start = i;
      let escaped = false;
      for (i++; i < len; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x5c) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(json.slice(start, i + 1)) as string) : json.slice(start + 1, i);
        const keys = stack[stack.length - 1]!;
        ops++;
        if (keys.has(key)) return finish(ops, true);
        keys.add(key);
        expectKey = false;
      }
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return finish(ops, false);
}
