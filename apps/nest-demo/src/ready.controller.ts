import { type Authenticator, readiness } from '@auth/core';
import { AUTH_AUTHENTICATOR, Public } from '@auth/nest';
import { Controller, Get, Inject, Res } from '@nestjs/common';

/** `GET /ready`: 200 once every issuer has usable keys, else 503 (the contract's readiness probe). */
@Controller()
export class ReadyController {
  constructor(@Inject(AUTH_AUTHENTICATOR) private readonly authenticator: Authenticator) {}

  @Get('ready')
  @Public()
  ready(@Res({ passthrough: true }) res: { status(code: number): unknown }) {
    const { status, body } = readiness(this.authenticator);
    res.status(status);
    return body;
  }
}
