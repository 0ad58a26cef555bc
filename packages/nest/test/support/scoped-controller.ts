import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard, Authorize, ScopeGuard, Scopes } from '../../src/index.ts';

/** A policy of the app's own, named so events and spans name it (`weekdays`); it always denies. */
export function weekdaysPolicy() {
  return { allowed: false as const, code: 'ERR_AUTH_FORBIDDEN' as const, reason: 'Not today' };
}

/** GET /read (`@Scopes('read')`), /write (`@Scopes('write')`), /custom (`@Authorize(weekdaysPolicy)`). */
@Controller()
@UseGuards(AuthGuard, ScopeGuard)
export class ScopedController {
  @Get('read')
  @Scopes('read')
  read() {
    return [];
  }
  @Get('write')
  @Scopes('write')
  write() {
    return [];
  }
  @Get('custom')
  @Authorize(weekdaysPolicy)
  custom() {
    return [];
  }
}
