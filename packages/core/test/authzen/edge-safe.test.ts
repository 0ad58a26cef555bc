import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('../../src/authzen/', import.meta.url));

describe('authzen is edge-safe', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports no Node built-in and uses no Node globals', (file) => {
    const source = readFileSync(`${dir}${file}`, 'utf8');
    expect(source).not.toMatch(/from ['"]node:|require\(|\bprocess\.|\bBuffer\b/);
    for (const [, spec] of source.matchAll(/from ['"]([^'"]+)['"]/g)) expect(spec).toMatch(/^\.\.?\//);
  });
});
