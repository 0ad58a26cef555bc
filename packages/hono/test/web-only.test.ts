/**
 * @auth/hono must run where there is no `node:` anything (Workers, Deno, Bun, browsers): walk the
 * runtime import graph from src/index.ts through @auth/core with `#crypto` resolved the way those
 * runtimes resolve it (the WebCrypto backend) and fail on any Node built-in.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '../..');
const ALIASES: Record<string, string> = {
  '@auth/core': resolve(packages, 'core/src/index.ts'),
  '@auth/core/errors': resolve(packages, 'core/src/errors.ts'),
  '@auth/core/internal': resolve(packages, 'core/src/internal.ts'),
  '#crypto': resolve(packages, 'core/src/verify/crypto/web.ts'),
};
const NODE_BUILTINS = new Set(builtinModules);

/** Specifiers a file imports at runtime (type-only imports and exports are erased). */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      found.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function walk(entry: string) {
  const files = new Set<string>();
  const external = new Set<string>();
  const builtins: string[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (spec.startsWith('node:') || NODE_BUILTINS.has(spec)) builtins.push(`${spec} (in ${file})`);
      else if (ALIASES[spec]) queue.push(ALIASES[spec]);
      else if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec));
      else external.add(spec);
    }
  }
  return { files, external, builtins };
}

describe('import graph of @auth/hono', () => {
  it('has no Node built-in, through @auth/core with the WebCrypto backend', () => {
    const { files, external, builtins } = walk(resolve(here, '../src/index.ts'));
    expect(builtins).toEqual([]);
    expect(files.has(ALIASES['#crypto']!)).toBe(true);
    // Third-party code on the path must itself be web-standard.
    for (const spec of external) expect(spec).toMatch(/^(hono(\/.*)?|oauth4webapi|lru-cache)$/);
  });
});
