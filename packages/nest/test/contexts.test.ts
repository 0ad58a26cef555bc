import { MissingTokenError } from '@auth/core';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { isObservable, lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { AuthExceptionFilter, AuthGuard, type Principal, Public, ScopeGuard, Scopes } from '../src/index.ts';
import { fakeAuthenticator, principal } from './support/fake-authenticator.ts';

class Resolver {
  @Scopes('read:items')
  items(_user: Principal) {
    return [];
  }
}

const authenticator = fakeAuthenticator({ reader: principal('reader', { scopes: ['read:items'] }) });
const reflector = new Reflector();

function context(type: string, args: unknown[]) {
  const ctx = new ExecutionContextHost(args, Resolver, Resolver.prototype.items);
  ctx.setType(type);
  return ctx;
}

describe('non-HTTP execution contexts', () => {
  it.each(['ws', 'rpc'])('%s: the guards fail closed without throwing', async (type) => {
    const ctx = context(type, [{ data: 1 }, { handshake: {} }, 'event']);
    expect(await new AuthGuard(authenticator, reflector).canActivate(ctx)).toBe(false);
    expect(await new ScopeGuard(authenticator, reflector).canActivate(ctx)).toBe(false);
  });

  it.each(['ws', 'rpc'])('%s: a @Public() handler passes', async (type) => {
    class Gateway {
      @Public()
      event() {}
    }
    const ctx = new ExecutionContextHost([{ data: 1 }, {}, 'event'], Gateway, Gateway.prototype.event);
    ctx.setType(type);
    expect(await new AuthGuard(authenticator, reflector).canActivate(ctx)).toBe(true);
    expect(await new ScopeGuard(authenticator, reflector).canActivate(ctx)).toBe(true);
  });

  it('graphql: authenticates the request in the GraphQL context and enforces requirements', async () => {
    const req = { headers: { authorization: 'Bearer reader' } } as Record<string, unknown>;
    const ctx = context('graphql', [{}, {}, { req }, {}]);
    expect(await new AuthGuard(authenticator, reflector).canActivate(ctx)).toBe(true);
    expect(await new ScopeGuard(authenticator, reflector).canActivate(ctx)).toBe(true);
    expect((req.auth as Principal).subject).toBe('reader');

    const anonymous = context('graphql', [{}, {}, { req: { headers: {} } }, {}]);
    await expect(new AuthGuard(authenticator, reflector).canActivate(anonymous)).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_TOKEN',
    });
  });

  it('a required route rejects an authenticator that answers no principal', async () => {
    const nobody = { ...fakeAuthenticator({}), authenticate: async () => undefined };
    const req = { headers: { authorization: 'Bearer whatever' } } as Record<string, unknown>;
    const ctx = context('graphql', [{}, {}, { req }, {}]);
    class Plain {
      handler() {}
    }
    const plain = new ExecutionContextHost([{}, {}, { req }, {}], Plain, Plain.prototype.handler);
    plain.setType('graphql');
    await expect(new AuthGuard(nobody, reflector).canActivate(plain)).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_TOKEN',
    });
    await expect(new ScopeGuard(nobody, reflector).canActivate(ctx)).rejects.toMatchObject({
      code: 'ERR_AUTH_MISSING_TOKEN',
    });
    expect(req.auth).toBeUndefined();
  });

  it('graphql without a request (e.g. subscriptions) is denied, not crashed', async () => {
    const ctx = context('graphql', [{}, {}, { connectionParams: {} }, {}]);
    expect(await new AuthGuard(authenticator, reflector).canActivate(ctx)).toBe(false);
  });

  it('AuthExceptionFilter hands the error back outside HTTP', async () => {
    const filter = new AuthExceptionFilter(new HttpAdapterHost(), authenticator);
    const error = new MissingTokenError();
    expect(filter.catch(error, context('graphql', [{}, {}, {}, {}]))).toBe(error);
    expect(filter.catch(error, context('ws', [{}, {}]))).toBe(error);
    const rpc = filter.catch(error, context('rpc', [{}, {}]));
    expect(isObservable(rpc)).toBe(true);
    await expect(lastValueFrom(rpc as never)).rejects.toBe(error);
  });
});
