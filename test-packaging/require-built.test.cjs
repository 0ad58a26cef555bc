// Packaging check on the BUILT packages (run by `pnpm lint` after `turbo run build`):
// every published package must load from a CommonJS `require` and from an ESM `import`,
// and both must expose the same named exports.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', 'packages');
const published = readdirSync(root)
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

for (const { dir, pkg } of published) {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (subpath === './package.json') continue;
    test(`${pkg.name}${subpath.slice(1)} loads from require() and import()`, async () => {
      const cjsFile = join(root, dir, target.require.default);
      const esmFile = join(root, dir, target.import.default);
      const cjs = require(cjsFile);
      const esm = await import(esmFile);
      const names = (m) =>
        Object.keys(m)
          .filter((k) => k !== 'default' && k !== '__esModule')
          .sort();
      assert.deepEqual(names(cjs), names(esm));
      if (pkg.name === '@auth/core' && subpath === '.') {
        assert.equal(typeof cjs.createVerifier, 'function');
        assert.equal(typeof cjs.AuthError, 'function');
        // An error from the CJS copy is recognised by the ESM copy (dual-package hazard handled).
        assert.equal(esm.isAuthError(new cjs.InvalidTokenError()), true);
      }
    });
  }
}
