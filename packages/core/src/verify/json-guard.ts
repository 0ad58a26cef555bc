/**
 * Duplicate-member detection for JSON already accepted by JSON.parse. JSON.parse keeps the last of two
 * equal names silently; two parsers disagreeing on a claim is a classic confusion, so we reject it.
 * Strings are skipped with indexOf (native) and only member names are sliced: this runs per cache miss.
 */
export function hasDuplicateKeys(json: string): boolean {
  // A stack of member-name lists, one per open object (null for arrays). Arrays beat Sets for the
  // handful of members a token has.
  const stack: (string[] | null)[] = [];
  let expectKey = false;
  let nextBackslash = json.indexOf('\\');
  const len = json.length;
  for (let i = 0; i < len; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let end = json.indexOf('"', i + 1);
      let escaped = false;
      if (nextBackslash !== -1 && nextBackslash < end) {
        // Slow path: this string holds escapes; walk it.
        escaped = true;
        for (end = i + 1; end < len; end++) {
          const d = json.charCodeAt(end);
          if (d === 0x5c) end++;
          else if (d === 0x22) break;
        }
        nextBackslash = json.indexOf('\\', end + 1);
      }
      i = end;
      if (expectKey) {
        const key = escaped ? (JSON.parse(json.slice(start, end + 1)) as string) : json.slice(start + 1, end);
        const keys = stack[stack.length - 1]!;
        if (keys.includes(key)) return true;
        keys.push(key);
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
