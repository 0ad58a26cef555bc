import { isAuthError, renderAuthError, type AuthError, type Authenticator } from '@auth/core';
import { isGuardError } from './authenticate-request.ts';
import { Catch, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { AUTH_AUTHENTICATOR } from './tokens.ts';

/**
 * Matches AuthErrors from any copy of @auth/core: Nest selects filters with `instanceof`, which a
 * duplicate install (ESM next to CJS) would defeat; `isAuthError` checks a brand instead.
 */
abstract class AnyAuthError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isAuthError(value);
  }
}

/**
 * Renders an AuthError as the contract's response — status, `WWW-Authenticate`, `Retry-After`, JSON
 * body — through the HTTP adapter, so it works on platform-express and platform-fastify, for errors
 * thrown by the guards, controllers, pipes or interceptors. `AuthModule` registers it as an `APP_FILTER`.
 * Outside HTTP it hands the error back to the context's own handling (GraphQL reports it; RPC gets an
 * erroring stream).
 */
export class AuthExceptionFilter implements ExceptionFilter<AuthError> {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator?: Authenticator,
  ) {}

  catch(error: AuthError, host: ArgumentsHost): unknown {
    const type = host.getType<string>();
    if (type === 'rpc') return throwError(() => error);
    if (type !== 'http') return error;
    const adapter = this.adapterHost.httpAdapter;
    const res = host.switchToHttp().getResponse();
    if (adapter.isHeadersSent(res)) return undefined;
    // A guard's error carries its binding's realm (`@AuthenticateWith` may differ from the module's);
    // one thrown by a controller or a pipe carries the default realm: render it in the module's.
    const realm = isGuardError(error) ? error.realm : (this.authenticator?.realm ?? error.realm);
    // Pre-rendered per (error, realm); the JSON text goes out as is under its JSON content type.
    const { status, headers, body } = renderAuthError(error, realm);
    for (const name in headers) adapter.setHeader(res, name, headers[name]!);
    adapter.reply(res, body, status);
    return undefined;
  }
}

// Decorators applied as calls (see auth-guard.ts).
Catch(AnyAuthError)(AuthExceptionFilter);
Inject(HttpAdapterHost)(AuthExceptionFilter, undefined, 0);
Inject(AUTH_AUTHENTICATOR)(AuthExceptionFilter, undefined, 1);
Optional()(AuthExceptionFilter, undefined, 1);
