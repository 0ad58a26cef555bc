import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderEnvDocs, replaceEnvDocs } from '../../src/config/env-docs.ts';
import {
  ENV_FIELDS,
  apiKeyOptionsFromEnv,
  secretStoreOptionsFromEnv,
  verifierOptionsFromEnv,
} from '../../src/config/index.ts';
import { ConfigurationError } from '../../src/configuration-error.ts';

const base = { AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: 'api://demo' };
const cognitoBase = { AUTH_COGNITO_REGION: 'eu-west-1', AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_AbC123' };

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TypeError);
    return (e as TypeError).message;
  }
  throw new Error('expected a TypeError');
}

describe('env table: documentation', () => {
  it('the README section between the markers is what the table generates (run pnpm --filter @auth/core docs:env)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(replaceEnvDocs(readme)).toBe(readme);
  });

  it('documents every variable of the table exactly once', () => {
    const docs = renderEnvDocs();
    for (const field of ENV_FIELDS) {
      expect(docs.split(`| \`AUTH_${field.variable}\` |`)).toHaveLength(2);
    }
  });

  it('refuses a README without markers instead of appending', () => {
    expect(() => replaceEnvDocs('# no markers')).toThrow(/markers/);
  });

  it('every row has a one-line description, a default and a unique variable', () => {
    const names = ENV_FIELDS.map((f) => f.variable);
    expect(new Set(names).size).toBe(names.length);
    for (const f of ENV_FIELDS) {
      expect(f.description).not.toMatch(/\n/);
      expect(f.description.length).toBeGreaterThan(0);
      expect(f.default.length).toBeGreaterThan(0);
    }
  });
});

describe('env table: JWKS refetch and backoff variables', () => {
  it('reads seconds into the millisecond options', () => {
    const options = verifierOptionsFromEnv({
      ...base,
      AUTH_JWKS_REFETCH_INTERVAL: '2.5',
      AUTH_JWKS_REFETCH_BURST: '3',
      AUTH_JWKS_BACKOFF_MIN: '0.25',
      AUTH_JWKS_BACKOFF_MAX: '4',
    });
    expect(options.jwks).toEqual({
      unknownKidRefetchIntervalMs: 2500,
      unknownKidRefetchBurst: 3,
      failureBackoffMinMs: 250,
      failureBackoffMaxMs: 4000,
    });
  });

  it('leaves the options out when unset, so the JWKS defaults (5 s, 1, 0.5 s, 1.5 s) apply', () => {
    expect(verifierOptionsFromEnv(base).jwks).toBeUndefined();
    expect(verifierOptionsFromEnv({ ...base, AUTH_JWKS_TTL: '60' }).jwks).toEqual({ ttlMs: 60_000 });
  });

  it.each([
    ['AUTH_JWKS_REFETCH_INTERVAL', '5s', /^AUTH_JWKS_REFETCH_INTERVAL must be a number of seconds/],
    ['AUTH_JWKS_REFETCH_BURST', '0', /^AUTH_JWKS_REFETCH_BURST must be a whole number of at least 1$/],
    ['AUTH_JWKS_REFETCH_BURST', '1.5', /^AUTH_JWKS_REFETCH_BURST must be a whole number$/],
    ['AUTH_JWKS_BACKOFF_MIN', '-1', /^AUTH_JWKS_BACKOFF_MIN must be a number of seconds/],
    ['AUTH_JWKS_BACKOFF_MAX', 'soon', /^AUTH_JWKS_BACKOFF_MAX must be a number of seconds/],
  ])('%s=%s is a TypeError naming the variable', (name, value, expected) => {
    expect(message(() => verifierOptionsFromEnv({ ...base, [name]: value }))).toMatch(expected);
  });

  it('a backoff minimum above the maximum (given or default) names the variable that breaks it', () => {
    expect(
      message(() =>
        verifierOptionsFromEnv({ ...base, AUTH_JWKS_BACKOFF_MIN: '3', AUTH_JWKS_BACKOFF_MAX: '2' }),
      ),
    ).toMatch(/^AUTH_JWKS_BACKOFF_MIN must keep AUTH_JWKS_BACKOFF_MIN ≤ AUTH_JWKS_BACKOFF_MAX/);
    expect(message(() => verifierOptionsFromEnv({ ...base, AUTH_JWKS_BACKOFF_MIN: '2' }))).toMatch(
      /^AUTH_JWKS_BACKOFF_MIN must keep/,
    );
    expect(message(() => verifierOptionsFromEnv({ ...base, AUTH_JWKS_BACKOFF_MAX: '0.1' }))).toMatch(
      /^AUTH_JWKS_BACKOFF_MAX must keep/,
    );
  });

  it('the deprecated AUTH_JWKS_COOLDOWN cannot be combined with AUTH_JWKS_REFETCH_INTERVAL', () => {
    expect(verifierOptionsFromEnv({ ...base, AUTH_JWKS_COOLDOWN: '7' }).jwks).toEqual({
      unknownKidRefetchIntervalMs: 7000,
    });
    expect(
      message(() =>
        verifierOptionsFromEnv({ ...base, AUTH_JWKS_COOLDOWN: '7', AUTH_JWKS_REFETCH_INTERVAL: '5' }),
      ),
    ).toMatch(/^AUTH_JWKS_COOLDOWN cannot be combined with AUTH_JWKS_REFETCH_INTERVAL/);
  });
});

describe('env table: Cognito app client opt-out', () => {
  it('AUTH_CLIENT_ID=none accepts any app client of the pool explicitly (cognito clientId: null)', () => {
    const [entry] = verifierOptionsFromEnv({ ...cognitoBase, AUTH_CLIENT_ID: 'none' })
      .issuers as unknown as Array<Record<string, unknown>>;
    expect(entry).toMatchObject({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
      audience: null,
      tokenUse: 'access',
    });
    expect(entry).not.toHaveProperty('clientId');
  });

  it('without AUTH_CLIENT_ID the pool is still refused, and the message names the opt-out', () => {
    expect(message(() => verifierOptionsFromEnv(cognitoBase))).toMatch(
      /^AUTH_CLIENT_ID is required with AUTH_COGNITO_\* \(the app client id, or "none" for any app client\)$/,
    );
  });

  it('AUTH_CLIENT_ID=none on an OIDC issuer means "not checked", like leaving it unset', () => {
    expect(verifierOptionsFromEnv({ ...base, AUTH_CLIENT_ID: 'none' }).issuers).toEqual(
      verifierOptionsFromEnv(base).issuers,
    );
  });
});

describe('env table: API-key header variables', () => {
  it('reads both header names (lower-cased, as apiKeyPairAuth uses them)', () => {
    expect(
      apiKeyOptionsFromEnv({
        AUTH_PRINCIPAL_ID_HEADER: 'X-Service-Id',
        AUTH_PRINCIPAL_TOKEN_HEADER: 'X-Service-Key',
      }),
    ).toEqual({ idHeader: 'x-service-id', tokenHeader: 'x-service-key' });
  });

  it('leaves them out when unset, so the defaults x-principal-id / x-principal-token apply', () => {
    expect(apiKeyOptionsFromEnv({})).toEqual({});
    expect(apiKeyOptionsFromEnv({ MYAPP_PRINCIPAL_ID_HEADER: 'x-id' }, { prefix: 'MYAPP' })).toEqual({
      idHeader: 'x-id',
    });
  });

  it.each([
    ['AUTH_PRINCIPAL_ID_HEADER', 'x id', /^AUTH_PRINCIPAL_ID_HEADER must be a header name/],
    ['AUTH_PRINCIPAL_TOKEN_HEADER', 'x-token:', /^AUTH_PRINCIPAL_TOKEN_HEADER must be a header name/],
    [
      'AUTH_PRINCIPAL_TOKEN_HEADER',
      'Authorization',
      /^AUTH_PRINCIPAL_TOKEN_HEADER must not be the Authorization header$/,
    ],
    [
      'AUTH_PRINCIPAL_ID_HEADER',
      'X-Principal-Token',
      /^AUTH_PRINCIPAL_ID_HEADER must differ from the other principal header$/,
    ],
  ])('%s=%s is a TypeError naming the variable', (name, value, expected) => {
    expect(message(() => apiKeyOptionsFromEnv({ [name]: value }))).toMatch(expected);
  });

  it('checks env and prefix like verifierOptionsFromEnv', () => {
    expect(message(() => apiKeyOptionsFromEnv({}, { prefix: 'bad prefix' }))).toMatch(/prefix/);
    expect(message(() => apiKeyOptionsFromEnv(null as never))).toMatch(/env must be an object/);
  });
});

describe('env table: every variable the code reads is documented', () => {
  /** The names a `…FromEnv` function looks up (through `env[name]`), recorded by a proxy. */
  function namesRead(
    read: (env: Record<string, string | undefined>) => unknown,
    seed: Record<string, string>,
  ) {
    const seen = new Set<string>();
    const env = new Proxy(seed, {
      get(target, key) {
        if (typeof key === 'string') seen.add(key);
        return target[key as string];
      },
    });
    read(env);
    return seen;
  }

  it.each([
    ['verifierOptionsFromEnv', (env: Record<string, string | undefined>) => verifierOptionsFromEnv(env)],
    ['apiKeyOptionsFromEnv', (env: Record<string, string | undefined>) => apiKeyOptionsFromEnv(env)],
    [
      'secretStoreOptionsFromEnv',
      (env: Record<string, string | undefined>) => secretStoreOptionsFromEnv(env),
    ],
  ])('%s reads only variables of the generated tables', (_, read) => {
    const docs = renderEnvDocs();
    const read1 = namesRead(read, { ...base });
    const nativeNames = [...read1].filter((n) => n.startsWith('AUTH_'));
    expect(nativeNames.length).toBeGreaterThan(1);
    for (const name of nativeNames) expect(docs, name).toContain(`| \`${name}\` |`);
  });

  it('documents the Secrets Manager store variables (AUTH_SECRETS_REGION/PROFILE/PREFIX) with their option', () => {
    const docs = renderEnvDocs();
    expect(docs).toContain('| `AUTH_SECRETS_REGION` | `secretsManagerStore({ region })` |');
    expect(docs).toContain('| `AUTH_SECRETS_PROFILE` | `secretsManagerStore({ profile })` |');
    expect(docs).toContain('| `AUTH_SECRETS_PREFIX` | `secretsManagerStore({ prefix })` |');
    expect(
      secretStoreOptionsFromEnv({
        AUTH_SECRETS_REGION: 'eu-west-1',
        AUTH_SECRETS_PROFILE: 'ops',
        AUTH_SECRETS_PREFIX: 'prod/principals/',
      }),
    ).toEqual({ region: 'eu-west-1', profile: 'ops', prefix: 'prod/principals/' });
  });

  it('a bad AUTH_REALM is a ConfigurationError naming the variable', () => {
    try {
      verifierOptionsFromEnv({ ...base, AUTH_REALM: 'caf\u00e9' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      expect(e).toBeInstanceOf(TypeError);
      expect(e).toMatchObject({ code: 'ERR_AUTH_CONFIGURATION', variable: 'AUTH_REALM' });
      expect((e as Error).message).toMatch(/^AUTH_REALM must contain only printable ASCII/);
    }
  });
});

describe('env table: variables read straight from process.env', () => {
  const packages = fileURLToPath(new URL('../../../', import.meta.url));

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  }

  /** `env.NAME` / `env?.NAME` reads in code (comments and JSDoc examples left out), across line breaks. */
  function directReads(): Set<string> {
    const names = new Set<string>();
    for (const pkg of ['core', 'express', 'fastify', 'hono', 'nest', 'aws', 'redis']) {
      for (const path of sources(join(packages, pkg, 'src'))) {
        const code = readFileSync(path, 'utf8')
          .split('\n')
          .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
          .join('')
          .replace(/\s+/g, '');
        for (const m of code.matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1] as string);
      }
    }
    return names;
  }

  it('every such read is documented in the generated section', () => {
    const read = directReads();
    expect([...read].sort()).toEqual(expect.arrayContaining(['AUTH_DEBUG', 'UV_THREADPOOL_SIZE']));
    const docs = renderEnvDocs();
    for (const name of read) expect(docs, name).toContain(`| \`${name}\` |`);
  });
});
