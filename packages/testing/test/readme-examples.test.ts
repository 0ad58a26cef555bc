/**
 * Every ```ts block of every README (the root one, packages/* and apps/*) is type-checked (against
 * the sources, through the repo's path mapping, with Nest's decorator settings) and run, so an example
 * a newcomer copies compiles and does what it says.
 *
 * - ```ts          compiled and run (top-level await allowed; a failing assertion or a throw fails it).
 *                  A block that starts a server listens on 127.0.0.1 port 0 and closes it.
 * - ```ts no-run   compiled only: the block needs a network or values from its context
 *
 * A block is often a fragment of the section around it: it gets the package's exports it names and
 * does not import imported automatically, and the context names it uses (`req`, `token`, `app`, …:
 * what the reader has from the prose or the quick start) declared.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const OUT = 'readme-examples.generated';

/**
 * READMEs with ts blocks (directory relative to the root), with the modules whose exports a fragment
 * may use unimported and the context names of that README (declared in the block's module when it
 * uses them). A README with ts blocks missing here fails the test.
 */
const READMES: Record<string, { modules: string[]; context?: string }> = {
  'packages/core': { modules: ['@auth/core', '@auth/core/client'] },
  'packages/testing': { modules: ['@auth/testing'] },
  'packages/aws': { modules: ['@auth/aws'] },
  'packages/redis': {
    modules: ['@auth/redis'],
    context: `
declare const redis: import('@auth/redis').RedisConnection;`,
  },
  'packages/conformance': { modules: ['@auth/conformance'] },
  'packages/express': {
    modules: ['@auth/express', '@auth/core'],
    context: `
declare const app: import('express').Express;
declare const req: import('express').Request;
declare const list: import('express').RequestHandler;
declare const remove: import('express').RequestHandler;
declare function report(orgId: string, subject: string): Promise<unknown>;`,
  },
  'packages/fastify': {
    modules: ['@auth/fastify', '@auth/core'],
    context: `
declare const app: import('fastify').FastifyInstance;
declare const request: import('fastify').FastifyRequest;
declare const handler: import('fastify').RouteHandlerMethod;
declare const bearer: import('@auth/core').Authenticator;
declare const apiKeys: import('@auth/core').Authenticator;`,
  },
  'packages/hono': {
    modules: ['@auth/hono', '@auth/core'],
    context: `
declare const app: import('hono').Hono<import('@auth/hono').AuthEnv>;
declare const auth: ReturnType<typeof import('@auth/hono').requireAuth>;
declare const list: import('hono').Handler<import('@auth/hono').AuthEnv>;`,
  },
  'packages/nest': {
    modules: ['@auth/nest', '@auth/core'],
    context: `
declare const options: import('@auth/core').AuthenticatorOptions;`,
  },
  'apps/dev-idp': { modules: ['dev-idp'] },
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
  /** README directory, relative to the root. */
  dir: string;
  /** README line of the first code line. */
  line: number;
  code: string;
  run: boolean;
  /** Generated file, and how many prelude lines precede the code in it. */
  file: string;
  offset: number;
}

type Extracted = Pick<Block, 'dir' | 'line' | 'code' | 'run'>;

function extract(dir: string, markdown: string): Extracted[] {
  const blocks: Extracted[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|tsx)(?:\s+(.*))?$/.exec(lines[i]!);
    if (!open) continue;
    const flags = (open[2] ?? '').split(/\s+/).filter(Boolean);
    for (const flag of flags)
      if (flag !== 'no-run') throw new Error(`${dir}/README.md:${i + 1}: unknown flag ${flag}`);
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({
      dir,
      line: start + 1,
      code: lines.slice(start, end).join('\n'),
      run: !flags.includes('no-run'),
    });
    i = end;
  }
  return blocks;
}

/** Names a block declares or imports itself (a context or an auto import of them would clash). */
function ownNames(code: string): Set<string> {
  const names = [...code.matchAll(/\b(?:const|let|var|function|class)\s+([A-Za-z_$][\w$]*)/g)].map(
    (m) => m[1]!,
  );
  for (const m of code.matchAll(/^\s*import\s[^;]*?from\s/gms))
    names.push(...(m[0].match(/[A-Za-z_$][\w$]*/g) ?? []));
  return new Set(names);
}

/** Whether the code names `name` (not as a property: `.name`, but `...name` counts). */
const uses = (code: string, name: string) => new RegExp(`(?<![\\w$'"]|[^.]\\.)${name}(?![\\w$])`).test(code);

/** Imports for the package exports a block names but does not declare or import. */
async function autoImports(code: string, modules: string[]): Promise<string[]> {
  const taken = ownNames(code);
  const imports: string[] = [];
  for (const specifier of modules) {
    const names = Object.keys(await import(/* @vite-ignore */ specifier)).filter(
      (name) => !taken.has(name) && uses(code, name),
    );
    for (const name of names) taken.add(name);
    if (names.length > 0) imports.push(`import { ${names.join(', ')} } from '${specifier}';`);
  }
  return imports;
}

/** The README's context declarations the block uses (one line each). */
function contextFor(code: string, context = ''): string[] {
  const own = ownNames(code);
  return context.split('\n').filter((line) => {
    const name = /^declare (?:const|function) ([\w$]+)/.exec(line)?.[1];
    return name !== undefined && !own.has(name) && uses(code, name);
  });
}

/** Every README.md of the root, packages/* and apps/*, as directories relative to the root. */
async function readmeDirs(): Promise<string[]> {
  const dirs = ['.'];
  for (const parent of ['packages', 'apps']) {
    for (const entry of await readdir(join(ROOT, parent), { withFileTypes: true }))
      if (entry.isDirectory()) dirs.push(`${parent}/${entry.name}`);
  }
  const found: string[] = [];
  for (const dir of dirs) {
    const markdown = await readFile(join(ROOT, dir, 'README.md'), 'utf8').catch(() => undefined);
    if (markdown !== undefined && extract(dir, markdown).length > 0) found.push(dir);
  }
  return found;
}

const blocks: Block[] = [];

beforeAll(async () => {
  for (const [dir, { modules, context }] of Object.entries(READMES)) {
    const out = join(ROOT, dir, OUT);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const markdown = await readFile(join(ROOT, dir, 'README.md'), 'utf8');
    for (const block of extract(dir, markdown)) {
      const prelude = [
        ...(await autoImports(block.code, modules)),
        ...contextFor(block.code, context),
        'export {};',
      ];
      const file = join(out, `line-${block.line}.ts`);
      await writeFile(file, `${prelude.join('\n')}\n${block.code}\n`);
      blocks.push({ ...block, file, offset: prelude.length });
    }
  }
  await writeFile(join(ROOT, 'packages', 'testing', OUT, 'context.d.ts'), CONTEXT);
  // Loads every package to list its exports: slow while turbo runs the other suites beside it.
}, 180_000);

afterAll(async () => {
  for (const dir of Object.keys(READMES)) await rm(join(ROOT, dir, OUT), { recursive: true, force: true });
});

describe('every README code block compiles, and the runnable ones run', () => {
  it('covers every README with ts blocks, and finds blocks in each', async () => {
    expect((await readmeDirs()).sort()).toEqual(Object.keys(READMES).sort());
    for (const dir of Object.keys(READMES)) expect(blocks.some((b) => b.dir === dir)).toBe(true);
  });

  // One TypeScript program over the blocks and the sources they import: ~15 s of CPU, more on a busy machine.
  it('every README code block compiles', { timeout: 180_000 }, () => {
    const { config } = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent({ ...config, include: [] }, ts.sys, ROOT);
    const program = ts.createProgram({
      rootNames: [...blocks.map((b) => b.file), join(ROOT, 'packages', 'testing', OUT, 'context.d.ts')],
      // As packages/nest's tsconfig: Nest's decorators need both.
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
        const where = `${block.dir}/README.md:${block.line + line - block.offset}`;
        errors.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      }
    }
    expect(errors).toEqual([]);
  });

  it('the runnable README code blocks run', { timeout: 120_000 }, async () => {
    const failures: string[] = [];
    for (const block of blocks.filter((b) => b.run)) {
      try {
        await import(/* @vite-ignore */ pathToFileURL(block.file).href);
      } catch (error) {
        failures.push(`${block.dir}/README.md:${block.line}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(blocks.filter((b) => b.run).length).toBeGreaterThan(0);
  });
});
