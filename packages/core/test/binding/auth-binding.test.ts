/**
 * The binding layer every adapter runs on: options → authenticator, route spec → requirement, and one
 * authenticate-then-authorize run whose failures are AuthErrors in the binding's realm.
 */
import { generateKeyPair, jwksFetch, mintToken } from '@auth/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/authenticate.ts';
import type { Authenticator } from '../../src/authenticator.ts';
import { createAuthBinding, type AuthBinding } from '../../src/binding/auth-binding.ts';
import { compileRouteRequirement } from '../../src/binding/route-requirement.ts';
import { type AuthError, isAuthError, MissingTokenError } from '../../src/errors.ts';
import type { Principal, RequestLike } from '../../src/types.ts';

const AUDIENCE = 'api://binding';
const bindings: AuthBinding<RequestLike>[] = [];

afterEach(() => {
  for (const b of bindings.splice(0)) b.close();
});

async function setup(extra: Record<string, unknown> = {}) {
  const key = await generateKeyPair('ES256', { kid: 'binding-1' });
  const fetch = jwksFetch({ keys: [key] });
  const options = {
    issuers: [{ issuer: fetch.issuer, audience: AUDIENCE, jwksUri: fetch.jwksUri }],
    fetch,
    ...extra,
  };
  const mint = (claims: Record<string, unknown> = {}) =>
    mintToken({ key, issuer: fetch.issuer, audience: AUDIENCE, claims: { scope: 'read:items', ...claims } });
  return { options, mint, fetch };
}

function bind(source: unknown, remember = false): AuthBinding<RequestLike> {
  const binding = createAuthBinding<RequestLike>(source, {
    where: 'test',
    requestOf: (req) => req,
    contextOf: (req) => ({ params: { orgId: (req as { orgId?: string }).orgId }, method: 'GET', path: '/' }),
    remember,
  });
  bindings.push(binding);
  return binding;
}

const request = (token?: string, extra: Record<string, unknown> = {}): RequestLike =>
  ({ headers: token === undefined ? {} : { authorization: `Bearer ${token}` }, ...extra }) as RequestLike;

const route = (spec: Parameters<typeof compileRouteRequirement>[0]) =>
  compileRouteRequirement(spec, { where: 'route' });

describe('createAuthBinding: one run', () => {
  it('required route: no credentials is the 401 without error attribute, in the binding realm', async () => {
    const { options } = await setup({ realm: 'orders' });
    const outcome = await bind(options).run(request(), route(true));
    expect(isAuthError(outcome)).toBe(true);
    const error = outcome as AuthError;
    expect([error.status, error.code, error.realm]).toEqual([401, 'ERR_AUTH_MISSING_TOKEN', 'orders']);
    expect(error.headers['www-authenticate']).toBe('Bearer realm="orders"');
  });

  it('optional route: no credentials is undefined; a bad token is still a 401', async () => {
    const { options } = await setup();
    const binding = bind(options);
    expect(await binding.run(request(), route({ optional: true }))).toBeUndefined();
    const bad = (await binding.run(request('not.a.token'), route({ optional: true }))) as AuthError;
    expect([bad.status, bad.error]).toEqual([401, 'invalid_token']);
  });

  it('optional with a requirement is required: no credentials 401, missing scope 403, scope 200', async () => {
    const { options, mint } = await setup();
    const binding = bind(options);
    const spec = { optional: true, scopes: ['write:items'] };
    expect(route(spec).mode).toBe('required');
    const none = (await binding.run(request(), route(spec))) as AuthError;
    expect(none.code).toBe('ERR_AUTH_MISSING_TOKEN');
    const denied = (await binding.run(request(await mint()), route(spec))) as AuthError;
    expect([denied.status, denied.code, denied.requiredScopes]).toEqual([
      403,
      'ERR_AUTH_INSUFFICIENT_SCOPE',
      ['write:items'],
    ]);
    const allowed = (await binding.run(
      request(await mint({ scope: 'write:items' })),
      route(spec),
    )) as Principal;
    expect(allowed.subject).toBe('test-user');
  });

  it('a cached token finishes synchronously (no promise), with the same principal', async () => {
    const { options, mint } = await setup();
    const binding = bind(options);
    const token = await mint();
    const first = await binding.run(request(token), route({ scopes: ['read:items'] }));
    const second = binding.run(request(token), route({ scopes: ['read:items'] }));
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as Principal).subject).toBe((first as Principal).subject);
    const denied = binding.run(request(token), route({ scopes: ['write:items'] }));
    expect(denied).not.toBeInstanceOf(Promise);
    expect((denied as AuthError).status).toBe(403);
  });

  it('a policy that throws is a 503 with Retry-After (fail closed), one that rejects too', async () => {
    const { options, mint } = await setup();
    const binding = bind(options);
    const token = await mint();
    const throwing = (await binding.run(
      request(token),
      route({
        policy: () => {
          throw new Error('pdp down');
        },
      }),
    )) as AuthError;
    expect([throwing.status, throwing.code]).toEqual([503, 'ERR_AUTH_POLICY_UNAVAILABLE']);
    expect(throwing.headers['retry-after']).toBe('5');
    const rejecting = (await binding.run(
      request(token),
      route({ policy: async () => Promise.reject(new Error('x')) }),
    )) as AuthError;
    expect(rejecting.status).toBe(503);
  });

  it('a policy reads the context the adapter builds (route params)', async () => {
    const { options, mint } = await setup();
    const binding = bind(options);
    const spec = { orgPermission: { action: 'read', resource: 'projects' } };
    const token = await mint({ organizations: [{ id: 'acme', scopes: ['projects:read'] }] });
    const allowed = await binding.run(request(token, { orgId: 'acme' }), route(spec));
    expect((allowed as Principal).subject).toBe('test-user');
    const other = (await binding.run(request(token, { orgId: 'globex' }), route(spec))) as AuthError;
    expect(other.status).toBe(403);
  });

  it('never rejects: a custom authenticator that throws synchronously becomes a 401 AuthError', async () => {
    const broken: Authenticator = {
      realm: 'custom',
      hasCredentials: () => true,
      authenticate: () => {
        throw new Error('boom with secret-ish text');
      },
      close: () => {},
    };
    const outcome = (await bind(broken).run(request('x'), route(true))) as AuthError;
    expect([outcome.status, outcome.code, outcome.realm]).toEqual([401, 'ERR_AUTH_INVALID_TOKEN', 'custom']);
    expect(outcome.message).not.toContain('secret');
  });

  it('a custom authenticator that resolves undefined on a required route never lets it through', async () => {
    const nobody: Authenticator = {
      realm: 'api',
      hasCredentials: () => true,
      authenticate: async () => undefined,
      close: () => {},
    };
    const outcome = await bind(nobody).run(request('x'), route(true));
    expect(outcome).toBeInstanceOf(MissingTokenError);
  });

  it('the shared missing-token error is never changed by another realm', async () => {
    const a = bind(await setup({ realm: 'a' }).then((s) => s.options));
    const b = bind(await setup({ realm: 'b' }).then((s) => s.options));
    const ea = (await a.run(request(), route(true))) as AuthError;
    const eb = (await b.run(request(), route(true))) as AuthError;
    expect([ea.realm, eb.realm]).toEqual(['a', 'b']);
    expect(a.render(ea).headers['www-authenticate']).toBe('Bearer realm="a"');
  });
});

describe('createAuthBinding: remembered outcomes', () => {
  it('authenticates once per request and mode; a principal of either mode serves both', async () => {
    const { options, mint } = await setup();
    let calls = 0;
    const inner = createAuthenticator(options);
    const counting: Authenticator = {
      realm: inner.realm,
      hasCredentials: (r) => inner.hasCredentials(r),
      authenticate: (r, o) => {
        calls++;
        return inner.authenticate(r, o);
      },
      close: () => inner.close(),
    };
    const binding = bind(counting, true);
    const req = request(await mint());
    await binding.run(req, route({ optional: true }));
    await binding.run(req, route(true));
    await binding.run(req, route({ scopes: ['read:items'] }));
    expect(calls).toBe(1);
    inner.close();
  });

  it('an optional step without credentials does not satisfy a required one on the same request', async () => {
    const { options } = await setup();
    const binding = bind(options, true);
    const req = request();
    expect(await binding.run(req, route({ optional: true }))).toBeUndefined();
    const outcome = (await binding.run(req, route(true))) as AuthError;
    expect(outcome.code).toBe('ERR_AUTH_MISSING_TOKEN');
  });
});

describe('createAuthBinding: options', () => {
  it('owns what it creates from options and closes it; leaves a given authenticator open', async () => {
    const { options } = await setup();
    const created = createAuthBinding<RequestLike>(options, {
      where: 'w',
      requestOf: (r) => r,
      contextOf: () => ({}),
    });
    expect(created.owned).toBe(true);
    created.close();
    const given = createAuthenticator(options);
    const borrowed = createAuthBinding<RequestLike>(
      { authenticator: given },
      { where: 'w', requestOf: (r) => r, contextOf: () => ({}) },
    );
    expect(borrowed.owned).toBe(false);
    given.close();
  });

  it('refuses core options beside a ready authenticator, unknown keys and non-objects at setup', async () => {
    const { options } = await setup();
    const given = createAuthenticator(options);
    const make = (source: unknown) =>
      createAuthBinding<RequestLike>(source, {
        where: '@auth/x options',
        requestOf: (r) => r,
        contextOf: () => ({}),
        adapterKeys: ['hook'],
      });
    expect(() => make({ authenticator: given, realm: 'x' })).toThrow(
      new TypeError('@auth/x options: unknown option "realm"'),
    );
    expect(() => make({ authenticator: given, hook: 'onRequest' })).not.toThrow();
    expect(() => make({ authenticator: 42 })).toThrow(/authenticator must be an Authenticator or a Verifier/);
    expect(() => make('issuer')).toThrow(/options must be an object/);
    expect(() => make({ ...options, isuers: [] })).toThrow(/unknown option "isuers"/);
    given.close();
  });

  it('reads AUTH_* variables when given nothing but adapter keys', () => {
    const env = { AUTH_ISSUER: 'https://idp.test', AUTH_AUDIENCE: AUDIENCE };
    const binding = createAuthBinding<RequestLike>(
      { hook: 'onRequest' },
      {
        where: 'w',
        requestOf: (r) => r,
        contextOf: () => ({}),
        adapterKeys: ['hook'],
        env,
      },
    );
    expect(binding.owned).toBe(true);
    expect(binding.realm).toBe('api');
    binding.close();
  });
});

describe('compileRouteRequirement', () => {
  it('refuses misspelt keys, wrong types and public routes with requirements, naming where', () => {
    expect(() => route({ scope: ['a'] } as never)).toThrow(
      /route: unknown option "scope" \(did you mean "scopes"\?\)/,
    );
    expect(() => route({ scopes: 'read' } as never)).toThrow(/route.scopes must be an array of strings/);
    expect(() => route({ public: true, scopes: ['a'] })).toThrow(/public route cannot/);
    expect(() => route({ optional: 'yes' } as never)).toThrow(/route.optional must be a boolean/);
    expect(() => route({ permission: { action: 'read' } as never })).toThrow(/requirePermission: resource/);
  });

  it('maps booleans and defaults to the shared modes', () => {
    expect(route(true).mode).toBe('required');
    expect(route(false).mode).toBe('public');
    expect(route({ public: true }).mode).toBe('public');
    expect(compileRouteRequirement(undefined, { where: 'w', defaultMode: 'public' }).mode).toBe('public');
    expect(route({ optional: true })).toEqual({ mode: 'optional', policy: undefined });
  });
});
