import { oneOfAuthenticators, type Authenticator, type AuthenticatorOptions } from '@auth/core';
import { Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AUTH_AUTHENTICATOR, AuthGuard, AuthModule, WebLoginModule } from '@auth/nest';
import type { WebLoginConfig } from '@auth/core/login';
import { demoLayout } from 'demo-support';
import type { DemoUserAdmin } from 'demo-support/user-admin';
import { DemoController } from './demo.controller.ts';
import { documentControllers } from './documents.controller.ts';
import { ReadyController } from './ready.controller.ts';
import { PaymentsController } from './payments.controller.ts';
import { JsonBodyAfterAuth } from './json-body-after-auth.ts';
import { SERVICE_AUTHENTICATOR, USER_ADMIN_AUTHENTICATOR } from './tokens.ts';
import { userAdminControllers } from './user-admin.controller.ts';
import { WebPagesController } from './web-pages.controller.ts';

export interface DemoConfig {
  /** Bearer tokens: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
  /** Web login (`/login`, `/callback`, `/logout`, `/session`, `/profile`); off when absent. */
  web?: WebLoginConfig;
  /** `GET|DELETE /documents/:id`: the AuthZEN decision point's URL (the dev PDP); no routes without it. */
  pdp?: string;
  /** `POST|GET /admin/users`, `PATCH /admin/users/:id` (@auth/aws) against the Cognito emulator; off when absent. */
  userAdmin?: DemoUserAdmin;
}

const DEMO_CONFIG = 'DEMO_CONFIG';

/**
 * `AppModule.forRoot(config)`: AuthModule (global), AuthGuard for every route (the APP_GUARD recipe;
 * `@Public()` opts out), and the service authenticator for `GET /service`.
 */
@Module({})
export class AppModule implements OnModuleDestroy {
  constructor(@Inject(DEMO_CONFIG) private readonly config: DemoConfig) {}

  static forRoot(config: DemoConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthModule.forRoot({ ...config.auth, isGlobal: true }),
        ...(config.web ? [WebLoginModule.forRoot({ login: config.web, renderPage: demoLayout })] : []),
      ],
      controllers: [
        DemoController,
        ...(config.web ? [WebPagesController] : []),
        ...documentControllers(config.pdp),
        ReadyController,
        PaymentsController,
        ...userAdminControllers(config.userAdmin),
      ],
      providers: [
        { provide: DEMO_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: JsonBodyAfterAuth },
        {
          provide: SERVICE_AUTHENTICATOR,
          inject: [AUTH_AUTHENTICATOR],
          useFactory: (bearer: Authenticator) =>
            config.apiKey ? oneOfAuthenticators(bearer, config.apiKey) : bearer,
        },
        ...(config.userAdmin
          ? [{ provide: USER_ADMIN_AUTHENTICATOR, useValue: config.userAdmin.authenticator }]
          : []),
      ],
    };
  }

  onModuleDestroy(): void {
    // AuthModule closes the bearer authenticator it created; the API-key one is ours to close.
    this.config.apiKey?.close();
    this.config.userAdmin?.close();
  }
}
