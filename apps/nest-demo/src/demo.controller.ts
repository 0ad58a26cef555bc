import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  AuthenticateWith,
  Groups,
  OptionalAuth,
  OrgPermission,
  Principal,
  Public,
  ScopeGuard,
  Scopes,
} from '@auth/nest';
import { demoProjects, items, nextItem, principalJson } from 'demo-support';
import { SERVICE_AUTHENTICATOR } from './tokens.ts';

/**
 * The contract's demo API. `AuthGuard` runs for every route (APP_GUARD in AppModule); `ScopeGuard`
 * checks the requirement decorators of this controller's routes.
 */
@Controller()
@UseGuards(ScopeGuard)
export class DemoController {
  @Get('health')
  @Public()
  health() {
    return { status: 'ok' };
  }

  @Get('me')
  me(@Principal() user: Principal) {
    return principalJson(user);
  }

  @Get('items')
  @Scopes('read:items')
  listItems() {
    return items;
  }

  @Post('items')
  @HttpCode(201)
  @Scopes('write:items')
  createItem(@Body() body: { name?: unknown } | undefined) {
    return nextItem(body);
  }

  @Get('admin')
  @Groups('admin')
  admin() {
    return { admin: true };
  }

  @Get('optional')
  @OptionalAuth()
  optional(@Principal() user: Principal | undefined) {
    return user ? principalJson(user) : { authenticated: false };
  }

  // Action `read` on `projects` within the organization named by the route (granted by `projects:read`).
  @Get('orgs/:orgId/projects')
  @OrgPermission('read', 'projects', { param: 'orgId' })
  projects(@Param('orgId') orgId: string) {
    return demoProjects(orgId);
  }

  // A bearer token or service-principal credentials (API-key headers), never both.
  @Get('service')
  @AuthenticateWith(SERVICE_AUTHENTICATOR)
  service(@Principal() principal: Principal) {
    return principalJson(principal);
  }
}
