import { oneOfAuthenticators, type Authenticator, type AuthenticatorOptions } from '@auth/core';
import { Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AUTH_AUTHENTICATOR, AuthGuard, AuthModule } from '@auth/nest';
import { DemoController } from './demo.controller.ts';
import { PaymentsController } from './payments.controller.ts';
import { JsonBodyAfterAuth } from './json-body-after-auth.ts';
import { SERVICE_AUTHENTICATOR } from './tokens.ts';

export interface DemoConfig {
  /** Bearer tokens: trusted issuers, realm, token locations. */
  auth: AuthenticatorOptions;
  /** Service-principal credentials accepted by `GET /service` besides a bearer token. */
  apiKey?: Authenticator;
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
      imports: [AuthModule.forRoot({ ...config.auth, isGlobal: true })],
      controllers: [DemoController, PaymentsController],
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
      ],
    };
  }

  onModuleDestroy(): void {
    // AuthModule closes the bearer authenticator it created; the API-key one is ours to close.
    this.config.apiKey?.close();
  }
}
