/**
 * Duplicate-member detection for JSON already accepted by JSON.parse. JSON.parse keeps the last of two
 * equal names silently; two parsers disagreeing on a claim is a classic confusion, so we reject it.
 * This runs on every cache miss, so it allocates nothing for escape-free JSON (the usual case): member
 * names are compared in place by position; strings are skipped with indexOf.
 */
export function hasDuplicateKeys(json: string): boolean {
  if (json.indexOf('\\') !== -1) return hasDuplicateKeysEscaped(json);
  // Per open object: flat [start, end, start, end, …] of its member names (null for arrays).
  const stack: (number[] | null)[] = [];
  let expectKey = false;
  const len = json.length;
  for (let i = 0; i < len; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      const end = json.indexOf('"', start);
      i = end;
      if (expectKey) {
        const names = stack[stack.length - 1]!;
        const n = end - start;
        for (let k = 0; k < names.length; k += 2) {
          const s = names[k]!;
          if (names[k + 1]! - s === n && sameChars(json, s, start, n)) return true;
        }
        names.push(start, end);
        expectKey = false;
      }
    } else if (c === 0x7b /* { */) {
      stack.push([]);
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}

function sameChars(s: string, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (s.charCodeAt(a + i) !== s.charCodeAt(b + i)) return false;
  return true;
}

/** JSON with escapes: names are decoded before comparing (`"sub"` equals `"s\u0075b"`). */
function hasDuplicateKeysEscaped(json: string): boolean {
  const stack: (string[] | null)[] = [];
  let expectKey = false;
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
        if (keys.includes(key)) return true;
        keys.push(key);
        expectKey = false;
      }
    } else if (c === 0x7b) {
      stack.push([]);
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}
