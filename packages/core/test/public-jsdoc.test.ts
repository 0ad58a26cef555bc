/**
 * Every public export of @auth/core carries JSDoc with an `@example` (as jose does). The entries are
 * read from package.json `exports` (dist path → src path), their exported names from the TypeScript
 * checker, so a new export without an example fails here. The internal entry is not public surface.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

type ExportTarget = string | { [condition: string]: ExportTarget };

/** The source file of each public subpath: `./dist/client/index.js` → `src/client/index.ts`. */
function publicEntries(): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, ExportTarget>;
  };
  const entries = new Map<string, string>();
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === './package.json' || subpath.includes('internal')) continue;
    let t: ExportTarget = target;
    while (typeof t !== 'string') t = (t.import ?? t.default ?? Object.values(t)[0]) as ExportTarget;
    entries.set(subpath, join(root, t.replace(/^\.\/dist\//, 'src/').replace(/\.(c|m)?js$/, '.ts')));
  }
  return entries;
}

function hasExample(declaration: ts.Declaration): boolean {
  return ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'example');
}

/** `<subpath>: <name>` for each export whose declarations carry no `@example`. */
function exportsWithoutExample(entries: Map<string, string>): { missing: string[]; checked: number } {
  const program = ts.createProgram([...entries.values()], {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let checked = 0;
  for (const [subpath, file] of entries) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`entry ${subpath} not found at ${file}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`entry ${subpath} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      checked++;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      if (!declarations.some(hasExample)) missing.push(`${subpath}: ${exported.name}`);
    }
  }
  return { missing, checked };
}

describe('public JSDoc', () => {
  it('every export of every public entry has an @example', { timeout: 120_000 }, () => {
    const entries = publicEntries();
    expect([...entries.keys()]).toContain('.');
    const { missing, checked } = exportsWithoutExample(entries);
    expect(checked).toBeGreaterThan(100);
    expect(missing, `exports without an @example:\n${missing.join('\n')}`).toEqual([]);
  });
});
