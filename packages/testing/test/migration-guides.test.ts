/**
 * The migration guides (docs/migrating/*.md) keep their promises: each page has its feature table,
 * a Python "before" and a TypeScript "after"; every ```ts block is type-checked against the sources
 * (the repo's path mapping) and, unless marked `no-run`, run (a failing assertion or a throw fails
 * it); the root README links every page. Blocks are whole modules: they import what they use.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const GUIDES = join(ROOT, 'docs', 'migrating');
// Under packages/express so a guide's `import express from 'express'` resolves as in that package.
const OUT = join(ROOT, 'packages', 'express', 'migration-guides.generated');

interface Block {
  page: string;
  line: number;
  run: boolean;
  file: string;
}

interface Page {
  name: string;
  markdown: string;
}

function tsBlocks(page: Page): (Omit<Block, 'file'> & { code: string })[] {
  const out: (Omit<Block, 'file'> & { code: string })[] = [];
  const lines = page.markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript)(?:\s+(.*))?$/.exec(lines[i] ?? '');
    if (!open) continue;
    const flags = (open[2] ?? '').split(/\s+/).filter(Boolean);
    for (const flag of flags)
      if (flag !== 'no-run') throw new Error(`${page.name}:${i + 1}: unknown flag ${flag}`);
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    out.push({
      page: page.name,
      line: i + 2,
      run: !flags.includes('no-run'),
      code: lines.slice(i + 1, end).join('\n'),
    });
    i = end;
  }
  return out;
}

const pages: Page[] = [];
const blocks: Block[] = [];

beforeAll(async () => {
  for (const name of (await readdir(GUIDES)).filter((f) => f.endsWith('.md')).sort()) {
    pages.push({ name, markdown: await readFile(join(GUIDES, name), 'utf8') });
  }
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
  for (const page of pages) {
    for (const block of tsBlocks(page)) {
      const file = join(OUT, `${page.name.replace(/\.md$/, '')}-line-${block.line}.ts`);
      await writeFile(file, `${block.code}\nexport {};\n`);
      blocks.push({ page: block.page, line: block.line, run: block.run, file });
    }
  }
});

afterAll(async () => {
  await rm(OUT, { recursive: true, force: true });
});

describe('migration guides', () => {
  it('one page per kind of SDK, each with a feature table, a Python before and a TypeScript after', () => {
    const guides = pages.filter((p) => p.name !== 'README.md');
    expect(guides.length).toBeGreaterThanOrEqual(5);
    for (const page of guides) {
      expect(page.markdown, page.name).toMatch(/^\| .+ \|$/m);
      expect(page.markdown, page.name).toMatch(/^```python$/m);
      expect(
        blocks.some((b) => b.page === page.name && b.run),
        page.name,
      ).toBe(true);
    }
  });

  it('the root README and the index link every page', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const index = pages.find((p) => p.name === 'README.md')?.markdown ?? '';
    expect(readme).toContain('docs/migrating/');
    for (const page of pages.filter((p) => p.name !== 'README.md')) {
      expect(readme, page.name).toContain(`docs/migrating/${page.name}`);
      expect(index, page.name).toContain(`(${page.name})`);
    }
  });

  it('every TypeScript block compiles', { timeout: 180_000 }, () => {
    const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent({ ...config, include: [] }, ts.sys, ROOT);
    const program = ts.createProgram({
      rootNames: blocks.map((b) => b.file),
      options: { ...options, noEmit: true },
    });
    const errors: string[] = [];
    for (const block of blocks) {
      const source = program.getSourceFile(block.file);
      if (!source) throw new Error(`not in the program: ${block.file}`);
      for (const d of [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ]) {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        errors.push(
          `docs/migrating/${block.page}:${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      }
    }
    expect(errors).toEqual([]);
  });

  it('every runnable TypeScript block runs', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    for (const block of blocks.filter((b) => b.run)) {
      try {
        await import(/* @vite-ignore */ pathToFileURL(block.file).href);
      } catch (error) {
        failures.push(`docs/migrating/${block.page}:${block.line}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
