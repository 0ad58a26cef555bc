import { ForbiddenError, requireClaim, type Principal as CorePrincipal } from '@auth/core';
import { Controller, Get, NotFoundException, Param, Req, UseGuards } from '@nestjs/common';
import {
  AnyScope,
  AuthGuard,
  Authorize,
  Groups,
  OptionalAuth,
  OrgPermission,
  Permission,
  Principal,
  Public,
  ScopeGuard,
  Scopes,
} from '../../src/index.ts';

/** How "no principal" is represented: the tests pin `undefined`, never `null`. */
const kind = (value: unknown): string =>
  value === undefined ? 'undefined' : value === null ? 'null' : typeof value;

/** Class-level requirements apply to every route; a route's decorator of the same kind overrides them. */
@Controller('scoped')
@UseGuards(AuthGuard, ScopeGuard)
@Scopes('read:items')
export class ScopedController {
  @Get('items')
  items(@Principal() user: Principal) {
    return { subject: user.subject };
  }

  @Get('write')
  @Scopes('write:items')
  write() {
    return { ok: true };
  }

  @Get('admin')
  @Groups('admin')
  admin() {
    return { ok: true };
  }

  @Get('public')
  @Public()
  open() {
    return { ok: true };
  }
}

/** Routes covering every decorator, guarded on the controller. */
@Controller()
@UseGuards(AuthGuard, ScopeGuard)
export class ItemsController {
  @Get('me')
  me(@Principal() user: Principal) {
    return { subject: user.subject };
  }

  @Get('public')
  @Public()
  open(@Principal() user: CorePrincipal | undefined) {
    return { authenticated: user !== undefined };
  }

  @Get('optional')
  @OptionalAuth()
  optional(@Principal() user: Principal | undefined) {
    return user ? { authenticated: true, subject: user.subject } : { authenticated: false };
  }

  @Get('none/public')
  @Public()
  nonePublic(
    @Principal() user: unknown,
    @Principal('subject') subject: unknown,
    @Req() req: { auth?: unknown },
  ) {
    return { principal: kind(user), subject: kind(subject), reqAuth: kind(req.auth), hasAuth: 'auth' in req };
  }

  @Get('none/optional')
  @OptionalAuth()
  noneOptional(
    @Principal() user: unknown,
    @Principal('subject') subject: unknown,
    @Req() req: { auth?: unknown },
  ) {
    return { principal: kind(user), subject: kind(subject), reqAuth: kind(req.auth) };
  }

  @Get('any')
  @AnyScope('a', 'b')
  any() {
    return { ok: true };
  }

  @Get('admin')
  @Groups('admin')
  admin() {
    return { ok: true };
  }

  @Get('perm')
  @Permission('read', 'projects')
  perm() {
    return { ok: true };
  }

  @Get('orgs/:org/projects')
  @OrgPermission('read', 'projects', { param: 'org' })
  projects(@Param('org') org: string) {
    return [{ org }];
  }

  @Get('custom')
  @Authorize(requireClaim('tenant', { equals: 'acme' }))
  custom() {
    return { ok: true };
  }

  @Get('subject')
  subject(@Principal('subject') subject: string, @Principal('scopes') scopes: readonly string[]) {
    return { subject, scopes };
  }

  @Get('throws')
  throws(): never {
    throw new ForbiddenError('ERR_AUTH_FORBIDDEN', 'Not for you');
  }

  @Get('not-found')
  notFound(): never {
    throw new NotFoundException();
  }
}
