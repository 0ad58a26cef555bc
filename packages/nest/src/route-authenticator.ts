import type { Authenticator } from '@auth/core';
import type { InjectionToken } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';

/** Resolves `@AuthenticateWith(token)` providers once per token, falling back to the module's authenticator. */
export class RouteAuthenticators {
  private readonly resolved = new Map<InjectionToken, Authenticator>();

  constructor(
    private readonly fallback: Authenticator,
    private readonly moduleRef: ModuleRef | undefined,
  ) {}

  get(token: InjectionToken | undefined): Authenticator {
    if (token === undefined) return this.fallback;
    let found = this.resolved.get(token);
    if (found === undefined) {
      if (!this.moduleRef) throw new TypeError('AuthenticateWith: no ModuleRef to resolve the token with');
      found = this.moduleRef.get<Authenticator>(token as never, { strict: false });
      this.resolved.set(token, found);
    }
    return found;
  }
}
