import { describe, expect, it, vi } from 'vitest';
import { oneOfAuthenticators, createAuthenticator } from '../src/authenticate.ts';
import { isAuthenticator } from '../src/authenticator.ts';
import type { Authenticator } from '../src/authenticator.ts';
import {
  InvalidApiKeyError,
  InvalidRequestError,
  InvalidTokenError,
  MissingTokenError,
  UnavailableError,
} from '../src/errors.ts';
import type { Principal, RequestLike } from '../src/types.ts';
import type { Verifier } from '../src/verify/index.ts';

const principal = (subject: string): Principal => ({
  subject,
  issuer: 'https://issuer.test',
  audience: ['api://demo'],
  clientId: null,
  tokenUse: 'access',
  scopes: [],
  groups: [],
  organizations: [],
  expiresAtSeconds: null,
  issuedAtSeconds: null,
  claims: Object.create(null),
});

function fakeVerifier(impl: (token: string) => Promise<Principal> = async (t) => principal(`user:${t}`)) {
  const verify = vi.fn(impl);
  const close = vi.fn();
  const verifier: Verifier = { verify, hydrate: async () => {}, ready: true, close };
  return { verifier, verify, close };
}

const bearer = (token: string): RequestLike => ({ headers: { authorization: `Bearer ${token}` } });

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e as Error & { status: number; code: string; realm: string };
  }
  throw new Error('expected a rejection');
}

describe('createAuthenticator with a verifier', () => {
  it('extracts then verifies', async () => {
    const { verifier, verify } = fakeVerifier();
    const auth = createAuthenticator(verifier);
    expect(auth.realm).toBe('api');
    await expect(auth.authenticate(bearer('abc'))).resolves.toMatchObject({ subject: 'user:abc' });
    expect(verify).toHaveBeenCalledWith('abc');
    expect(isAuthenticator(auth)).toBe(true);
  });

  it('throws MissingTokenError without credentials, or resolves undefined when optional', async () => {
    const { verifier, verify } = fakeVerifier();
    const auth = createAuthenticator(verifier, { realm: 'shop' });
    const err = await failure(auth.authenticate({ headers: {} }));
    expect(err).toBeInstanceOf(MissingTokenError);
    expect(err.realm).toBe('shop');
    expect((err as MissingTokenError).wwwAuthenticate()).toBe('Bearer realm="shop"');
    await expect(auth.authenticate({ headers: {} }, { optional: true })).resolves.toBeUndefined();
    expect(verify).not.toHaveBeenCalled();
  });

  it('rejects malformed requests with 400 without calling the verifier, also when optional', async () => {
    const { verifier, verify } = fakeVerifier();
    const auth = createAuthenticator(verifier);
    const err = await failure(
      auth.authenticate({ headers: { authorization: 'Bearer' } }, { optional: true }),
    );
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.status).toBe(400);
    expect(verify).not.toHaveBeenCalled();
  });

  it('treats an unsupported scheme as no credentials (401 without error, or undefined when optional)', async () => {
    const { verifier, verify } = fakeVerifier();
    const auth = createAuthenticator(verifier);
    const basic = { headers: { authorization: 'Basic dXNlcjpwYXNzd29yZA==' } };
    expect(auth.hasCredentials(basic)).toBe(false);
    const err = await failure(auth.authenticate(basic));
    expect(err).toBeInstanceOf(MissingTokenError);
    expect((err as MissingTokenError).wwwAuthenticate()).toBe('Bearer realm="api"');
    await expect(auth.authenticate(basic, { optional: true })).resolves.toBeUndefined();
    await expect(
      auth.authenticate({ headers: { authorization: 'DPoP abc' } }, { optional: true }),
    ).resolves.toBeUndefined();
    expect(verify).not.toHaveBeenCalled();
  });

  it('passes AuthErrors through and turns anything else into a 401 invalid_token', async () => {
    const expired = new InvalidTokenError('ERR_AUTH_TOKEN_EXPIRED', 'The access token expired');
    const a = createAuthenticator(fakeVerifier(async () => Promise.reject(expired)).verifier);
    expect(await failure(a.authenticate(bearer('x')))).toBe(expired);
    const b = createAuthenticator(
      fakeVerifier(async () => Promise.reject(new Error('secret detail'))).verifier,
    );
    const err = await failure(b.authenticate(bearer('x')));
    expect(err.status).toBe(401);
    expect(err.code).toBe('ERR_AUTH_INVALID_TOKEN');
    expect(err.message).not.toContain('secret detail');
    const c = createAuthenticator(fakeVerifier(async () => Promise.reject(new UnavailableError())).verifier);
    expect((await failure(c.authenticate(bearer('x')))).status).toBe(503);
  });

  it('reads enabled token locations only', async () => {
    const { verifier } = fakeVerifier();
    const plain = createAuthenticator(verifier);
    const query = createAuthenticator(verifier, { tokenLocations: { query: true } });
    const req = { headers: {}, url: '/x?access_token=q1' };
    expect(plain.hasCredentials(req)).toBe(false);
    await expect(plain.authenticate(req)).rejects.toBeInstanceOf(MissingTokenError);
    expect(query.hasCredentials(req)).toBe(true);
    await expect(query.authenticate(req)).resolves.toMatchObject({ subject: 'user:q1' });
  });

  it('does not close a verifier it was given', () => {
    const { verifier, close } = fakeVerifier();
    createAuthenticator(verifier).close();
    expect(close).not.toHaveBeenCalled();
  });

  it('validates realm, token locations and apiKey with TypeErrors', () => {
    const { verifier } = fakeVerifier();
    expect(() => createAuthenticator(verifier, { realm: 'a\r\nb' })).toThrow(TypeError);
    expect(() => createAuthenticator(verifier, { realm: 'a\u0000' })).toThrow(/control characters/);
    expect(() => createAuthenticator(verifier, { realm: '' })).toThrow(/realm/);
    // A realm goes into every challenge header: non-ASCII text would make each one fail to send.
    expect(() => createAuthenticator(verifier, { realm: 'café' })).toThrow(/printable ASCII/);
    expect(() => createAuthenticator(verifier, { realm: '角色' })).toThrow(TypeError);
    expect(createAuthenticator(verifier, { realm: 'demo "realm"' }).realm).toBe('demo "realm"');
    expect(() => createAuthenticator(verifier, { tokenLocations: { query: 'a b' } })).toThrow(/query/);
    expect(() => createAuthenticator(verifier, { apiKey: {} as Authenticator })).toThrow(/apiKey/);
    expect(() => createAuthenticator(null as unknown as Verifier)).toThrow(TypeError);
  });
});

/** A stand-in API-key authenticator: credentials are the `x-key` header. */
function keyAuth(realm = 'api'): Authenticator & { authenticate: ReturnType<typeof vi.fn> } {
  return {
    realm,
    hasCredentials: (req) => {
      const h = req.headers as Record<string, string | undefined>;
      return h['x-key'] !== undefined;
    },
    authenticate: vi.fn(async (req: RequestLike) => {
      const h = req.headers as Record<string, string | undefined>;
      if (h['x-key'] !== 'good') throw new InvalidApiKeyError();
      return { ...principal('svc'), tokenUse: 'api_key' as const };
    }),
    close: vi.fn(),
  };
}

describe('oneOfAuthenticators', () => {
  it('delegates to the one authenticator whose credentials are present', async () => {
    const b = createAuthenticator(fakeVerifier().verifier);
    const k = keyAuth();
    const any = oneOfAuthenticators(b, k);
    await expect(any.authenticate(bearer('t'))).resolves.toMatchObject({ subject: 'user:t' });
    await expect(any.authenticate({ headers: { 'x-key': 'good' } })).resolves.toMatchObject({
      tokenUse: 'api_key',
    });
    await expect(any.authenticate({ headers: { 'x-key': 'bad' } })).rejects.toBeInstanceOf(
      InvalidApiKeyError,
    );
  });

  it('rejects credentials of two kinds with 400 invalid_request', async () => {
    const k = keyAuth();
    const any = oneOfAuthenticators(createAuthenticator(fakeVerifier().verifier), k);
    const err = await failure(any.authenticate({ headers: { authorization: 'Bearer t', 'x-key': 'good' } }));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.status).toBe(400);
    expect(k.authenticate).not.toHaveBeenCalled();
    // a malformed Bearer header still counts as credentials
    const err2 = await failure(any.authenticate({ headers: { authorization: 'Bearer', 'x-key': 'good' } }));
    expect(err2.status).toBe(400);
  });

  it('throws MissingTokenError without any credentials, unless optional', async () => {
    const any = oneOfAuthenticators(
      createAuthenticator(fakeVerifier().verifier, { realm: 'r1' }),
      keyAuth('r2'),
    );
    expect(any.realm).toBe('r1');
    const err = await failure(any.authenticate({ headers: {} }));
    expect(err).toBeInstanceOf(MissingTokenError);
    expect(err.realm).toBe('r1');
    await expect(any.authenticate({ headers: {} }, { optional: true })).resolves.toBeUndefined();
    expect(any.hasCredentials({ headers: {} })).toBe(false);
    expect(any.hasCredentials({ headers: { 'x-key': '1' } })).toBe(true);
  });

  it('treats a throwing hasCredentials as present credentials, and closes all', async () => {
    const broken: Authenticator = {
      realm: 'api',
      hasCredentials: () => {
        throw new Error('boom');
      },
      authenticate: async () => {
        throw new Error('boom');
      },
      close: vi.fn(),
    };
    const k = keyAuth();
    const any = oneOfAuthenticators(broken, k);
    expect(any.hasCredentials({ headers: {} })).toBe(true);
    const err = await failure(any.authenticate({ headers: {} }));
    expect(err.status).toBe(401);
    any.close();
    expect(broken.close).toHaveBeenCalled();
    expect(k.close).toHaveBeenCalled();
  });

  it('validates its arguments', () => {
    expect(() => oneOfAuthenticators()).toThrow(TypeError);
    expect(() => oneOfAuthenticators({} as Authenticator)).toThrow(/argument 1/);
  });

  it('is what createAuthenticator builds when apiKey is set', async () => {
    const k = keyAuth();
    const auth = createAuthenticator(fakeVerifier().verifier, { apiKey: k, realm: 'svc' });
    expect(auth.realm).toBe('svc');
    await expect(auth.authenticate({ headers: { 'x-key': 'good' } })).resolves.toMatchObject({
      subject: 'svc',
    });
    expect(
      (await failure(auth.authenticate({ headers: { 'x-key': 'good', authorization: 'Bearer a' } }))).status,
    ).toBe(400);
  });
});
