// one-off generator for package manifests (kept for adding packages consistently)
import { writeFileSync, mkdirSync } from 'node:fs';
const pub = (
  dir,
  name,
  description,
  { entries = { '.': 'index' }, deps = {}, peers = {}, peerMeta, dev = {}, keywords = [] } = {},
) => {
  const exports = {};
  for (const [sub, file] of Object.entries(entries)) {
    exports[sub] = {
      import: { types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` },
      require: { types: `./dist/${file}.d.cts`, default: `./dist/${file}.cjs` },
    };
  }
  exports['./package.json'] = './package.json';
  const pkg = {
    name,
    version: '0.1.0',
    description,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    keywords: ['auth', 'jwt', 'oauth2', 'oidc', ...keywords],
    repository: { type: 'git', url: 'git+https://example.invalid/auth.git', directory: dir },
    engines: { node: '>=20.19' },
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.cts',
    exports,
    files: ['dist', 'README.md'],
    scripts: {
      build: 'tsup',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run --root ../.. --project ' + name,
      'lint:package': 'publint --strict && attw --pack . --profile node16',
    },
    dependencies: deps,
    peerDependencies: peers,
    ...(peerMeta ? { peerDependenciesMeta: peerMeta } : {}),
    devDependencies: dev,
    publishConfig: { access: 'public' },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
};
const core = { '@auth/core': 'workspace:^' };
pub(
  'packages/core',
  '@auth/core',
  'Framework-neutral bearer-token verification, authorization, API keys and token clients.',
  {
    entries: { '.': 'index', './errors': 'errors', './client': 'client/index', './undici': 'client/undici' },
    deps: { oauth4webapi: '^3.8.8', 'lru-cache': '^11.2.2' },
    peers: { undici: '>=7' },
    peerMeta: { undici: { optional: true } },
    dev: {
      '@auth/testing': 'workspace:*',
      'dev-idp': 'workspace:*',
      jose: '^6.1.0',
      'fast-jwt': '^6.0.2',
      'aws-jwt-verify': '^5.1.1',
      undici: '^7.16.0',
    },
  },
);
pub(
  'packages/testing',
  '@auth/testing',
  'Test kit: keys, a local JWKS server, token minting (OIDC and Cognito shapes) and a controllable clock.',
  {
    deps: { jose: '^6.1.0' },
  },
);
pub('packages/express', '@auth/express', 'Express middleware for @auth/core.', {
  peers: { ...core, express: '^4.21.0 || ^5.0.0' },
  dev: {
    ...core,
    '@auth/testing': 'workspace:*',
    '@auth/conformance': 'workspace:*',
    'dev-idp': 'workspace:*',
    express: '^5.1.0',
    '@types/express': '^5.0.3',
    'express-oauth2-jwt-bearer': '^1.7.1',
    'express-jwt': '^8.5.1',
    'jwks-rsa': '^3.2.0',
  },
  keywords: ['express'],
});
pub('packages/fastify', '@auth/fastify', 'Fastify plugin for @auth/core.', {
  deps: { 'fastify-plugin': '^5.0.1' },
  peers: { ...core, fastify: '^5.0.0' },
  dev: {
    ...core,
    '@auth/testing': 'workspace:*',
    '@auth/conformance': 'workspace:*',
    'dev-idp': 'workspace:*',
    fastify: '^5.6.0',
    '@fastify/jwt': '^10.0.0',
    'get-jwks': '^11.0.0',
  },
  keywords: ['fastify'],
});
pub('packages/hono', '@auth/hono', 'Hono middleware for @auth/core (Node, Workers, Deno, Bun).', {
  peers: { ...core, hono: '^4.6.0' },
  dev: {
    ...core,
    '@auth/testing': 'workspace:*',
    '@auth/conformance': 'workspace:*',
    'dev-idp': 'workspace:*',
    hono: '^4.9.0',
    '@hono/node-server': '^1.19.0',
  },
  keywords: ['hono'],
});
pub('packages/nest', '@auth/nest', 'NestJS module, guards and decorators for @auth/core.', {
  peers: {
    ...core,
    '@nestjs/common': '^11.0.0 || ^12.0.0',
    '@nestjs/core': '^11.0.0 || ^12.0.0',
    'reflect-metadata': '^0.2.0',
    rxjs: '^7.8.0',
  },
  dev: {
    ...core,
    '@auth/testing': 'workspace:*',
    '@auth/conformance': 'workspace:*',
    'dev-idp': 'workspace:*',
    '@nestjs/common': '^12.0.0',
    '@nestjs/core': '^12.0.0',
    '@nestjs/platform-express': '^12.0.0',
    '@nestjs/platform-fastify': '^12.0.0',
    '@nestjs/testing': '^12.0.0',
    '@nestjs/passport': '^12.0.0',
    passport: '^0.7.0',
    'passport-jwt': '^4.0.1',
    'jwks-rsa': '^3.2.0',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.2',
    '@types/passport-jwt': '^4.0.1',
  },
  keywords: ['nestjs'],
});
pub('packages/aws', '@auth/aws', 'AWS Secrets Manager secret store for @auth/core API keys.', {
  deps: { '@aws-sdk/client-secrets-manager': '^3.900.0' },
  peers: core,
  dev: { ...core, '@auth/testing': 'workspace:*' },
  keywords: ['aws', 'secrets-manager'],
});
