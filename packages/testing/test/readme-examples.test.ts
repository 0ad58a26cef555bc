/**
 * Every ```ts block of the covered READMEs is type-checked (against the sources, through the repo's
 * path mapping) and run, so an example a newcomer copies compiles and does what it says.
 *
 * - ```ts          compiled and run (top-level await allowed; a failing assertion or a throw fails it)
 * - ```ts no-run   compiled only: the block needs a server, a network or values from its context
 *
 * A block without imports is a fragment of the section around it: it gets the package's exports it
 * names imported automatically, and the context names below (`req`, `token`, `store`, …) declared.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = 'readme-examples.generated';

/** READMEs covered, with the modules whose exports a fragment may use unimported. */
const READMES: Record<string, string[]> = {
  core: ['@auth/core', '@auth/core/client'],
  testing: ['@auth/testing'],
  aws: ['@auth/aws'],
};

/** What fragments take from the prose around them (type-checked only: such blocks are no-run). */
const CONTEXT = `
declare const req: import('@auth/core').RequestLike & { params: Record<string, string> };
declare const token: string;
declare const store: import('@auth/core').SecretStore;
declare const principal: import('@auth/core').Principal;
declare const issuer: string;
declare const clientId: string;
declare const clientSecret: string;
declare const tokens: import('@auth/core/client').ManagedTokenSource;
declare const tokenResponse: { access_token: string; refresh_token: string; id_token?: string; expires_in?: number };
declare const apiKey: string;
declare function saveSession(set: import('@auth/core/client').TokenSet): Promise<void>;
declare const log: { warn(message: string): void };
declare const fga: { check(tuple: Record<string, string>, options: { signal: AbortSignal }): Promise<boolean> };
`;

interface Block {
  pkg: string;
  /** README line of the first code line. */
  line: number;
  code: string;
  run: boolean;
  /** Generated file, and how many prelude lines precede the code in it. */
  file: string;
  offset: number;
}

function extract(pkg: string, markdown: string): Array<Pick<Block, 'pkg' | 'line' | 'code' | 'run'>> {
  const blocks: Array<Pick<Block, 'pkg' | 'line' | 'code' | 'run'>> = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const flags = (open[2] ?? '').split(/\s+/).filter(Boolean);
    for (const flag of flags)
      if (flag !== 'no-run') throw new Error(`${pkg}/README.md:${i + 1}: unknown flag ${flag}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({
      pkg,
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      run: !flags.includes('no-run'),
    });
    i = end;
  }
  return blocks;
}

/** Imports for the package exports a fragment names but does not declare. */
async function autoImports(code: string, modules: string[]): Promise<string[]> {
  if (/^\s*import\s/m.test(code)) return [];
  const declared = new Set(
    [...code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]),
  );
  const taken = new Set<string>();
  const imports: string[] = [];
  for (const specifier of modules) {
    const names = Object.keys(await import(/* @vite-ignore */ specifier)).filter(
      (name) =>
        !taken.has(name) && !declared.has(name) && new RegExp(`(?<![\\w$.'"])${name}(?![\\w$])`).test(code),
    );
    for (const name of names) taken.add(name);
    if (names.length > 0) imports.push(`import { ${names.join(', ')} } from '${specifier}';`);
  }
  return imports;
}

const blocks: Block[] = [];

beforeAll(async () => {
  for (const [pkg, modules] of Object.entries(READMES)) {
    const dir = join(ROOT, 'packages', pkg, OUT);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const markdown = await readFile(join(ROOT, 'packages', pkg, 'README.md'), 'utf8');
    for (const block of extract(pkg, markdown)) {
      const prelude = [...(await autoImports(block.code, modules)), 'export {};'];
      const file = join(dir, `line-${block.line}.ts`);
      await writeFile(file, `${prelude.join('\n')}\n${block.code}\n`);
      blocks.push({ ...block, file, offset: prelude.length });
    }
  }
  await writeFile(join(ROOT, 'packages', 'testing', OUT, 'context.d.ts'), CONTEXT);
});

afterAll(async () => {
  for (const pkg of Object.keys(READMES)) {
    await rm(join(ROOT, 'packages', pkg, OUT), { recursive: true, force: true });
  }
});

describe('README examples', () => {
  it('finds blocks in every covered README', () => {
    for (const pkg of Object.keys(READMES)) expect(blocks.some((b) => b.pkg === pkg)).toBe(true);
  });

  // One TypeScript program over the blocks and the sources they import: ~10 s of CPU, more on a busy machine.
  it('every ts block type-checks against the sources', { timeout: 90_000 }, () => {
    const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent({ ...config, include: [] }, ts.sys, ROOT);
    const program = ts.createProgram({
      rootNames: [...blocks.map((b) => b.file), join(ROOT, 'packages', 'testing', OUT, 'context.d.ts')],
      options: { ...options, noEmit: true, experimentalDecorators: true, emitDecoratorMetadata: true },
    });
    const errors: string[] = [];
    for (const block of blocks) {
      const source = program.getSourceFile(block.file);
      if (!source) throw new Error(`not in the program: ${block.file}`);
      const diagnostics = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ];
      for (const d of diagnostics) {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        const where = `packages/${block.pkg}/README.md:${block.line + line - block.offset}`;
        errors.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('every runnable block runs', async () => {
    const failures: string[] = [];
    for (const block of blocks.filter((b) => b.run)) {
      try {
        await import(/* @vite-ignore */ pathToFileURL(block.file).href);
      } catch (error) {
        failures.push(`packages/${block.pkg}/README.md:${block.line}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(blocks.filter((b) => b.run).length).toBeGreaterThan(0);
  });
});
