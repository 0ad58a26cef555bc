// A plain-text table: one row per case, one column per app ("status/expected PASS|FAIL").

const { NO_COLOR } = process.env;
const tty = process.stdout.isTTY && !NO_COLOR;
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = (s) => paint(32, s);
export const red = (s) => paint(31, s);
const ansi = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const visible = (s) => s.replace(ansi, '');
const pad = (s, n) => s + ' '.repeat(Math.max(0, n - visible(s).length));

export function cell(result, expected) {
  if (!result || result.skipped) return 'n/a';
  const mark = result.pass ? green('PASS') : red('FAIL');
  return `${result.status}/${expected} ${mark}`;
}

/** rows: [{ route, cred, expected, cells: [string] }], apps: [name] */
export function printTable(apps, rows, out = console.log) {
  const head = ['route', 'credentials', ...apps];
  const body = rows.map((r) => [r.route, r.cred, ...r.cells]);
  const widths = head.map((h, i) =>
    Math.max(visible(h).length, ...body.map((row) => visible(row[i]).length)),
  );
  const line = (cols) =>
    cols
      .map((c, i) => pad(c, widths[i]))
      .join('  ')
      .trimEnd();
  out(line(head));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of body) out(line(row));
}
