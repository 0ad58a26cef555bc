import { AuthHealthIndicator, Public } from '@auth/nest';
import { Controller, Get, Header, Inject, Res } from '@nestjs/common';

/**
 * `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). With
 * `@nestjs/terminus`, `health.check([() => auth.isHealthy('auth')])` gives the same answer.
 */
@Controller()
export class ReadyController {
  constructor(@Inject(AuthHealthIndicator) private readonly auth: AuthHealthIndicator) {}

  @Get('ready')
  @Public()
  @Header('cache-control', 'no-store')
  ready(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const ready = this.auth.isReady();
    res.status(ready ? 200 : 503);
    return { ready };
  }
}
