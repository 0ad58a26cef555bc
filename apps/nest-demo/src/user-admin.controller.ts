/**
 * The user-administration API of @auth/aws (`userAdminRoutes`) as a Nest controller, against the Cognito
 * emulator (`pnpm demo` starts it; see demo-support's `userAdminFromEnv`). The routes authenticate with
 * the emulator's ID tokens (`@AuthenticateWith`), `@Authorize(admin.policy)` lets INTERNAL_ADMIN and
 * CLIENT_ADMIN through, and each route applies the tenant rules. JSON bodies are read after the guards
 * (JsonBodyAfterAuth). Express and Fastify platforms alike: the reply goes through the HttpAdapterHost.
 */
import type { AdminRequest, AdminRoute } from '@auth/aws';
import { AuthenticateWith, Authorize, Principal, ScopeGuard } from '@auth/nest';
import {
  Body,
  Controller,
  Get,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  Res,
  type Type,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { DemoUserAdmin } from 'demo-support/user-admin';
import { USER_ADMIN_AUTHENTICATOR } from './tokens.ts';

/** The controller for `userAdmin`; none without it. */
export function userAdminControllers(userAdmin: DemoUserAdmin | undefined): Type[] {
  if (!userAdmin) return [];
  const { admin } = userAdmin;
  const route = (method: AdminRoute['method'], path: string): AdminRoute => {
    const found = admin.routes.find((r) => r.method === method && r.path === path);
    if (!found) throw new Error(`userAdminRoutes() has no ${method} ${path}`);
    return found;
  };
  const create = route('POST', '/admin/users');
  const update = route('PATCH', '/admin/users/:id');
  const list = route('GET', '/admin/users');

  @Controller('admin/users')
  @UseGuards(ScopeGuard)
  @AuthenticateWith(USER_ADMIN_AUTHENTICATOR)
  @Authorize(admin.policy)
  class UserAdminController {
    constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

    private async send(r: AdminRoute, input: AdminRequest, res: unknown): Promise<void> {
      const out = await r.handle(input);
      const http = this.host.httpAdapter;
      for (const [name, value] of Object.entries(out.headers)) http.setHeader(res, name, value);
      http.reply(res, out.body, out.status);
    }

    @Post()
    async create(@Principal() principal: Principal, @Body() body: unknown, @Res() res: unknown) {
      await this.send(create, { principal, body }, res);
    }

    @Patch(':id')
    async update(
      @Principal() principal: Principal,
      @Param() params: Record<string, string>,
      @Body() body: unknown,
      @Res() res: unknown,
    ) {
      await this.send(update, { principal, params, body }, res);
    }

    @Get()
    async list(
      @Principal() principal: Principal,
      @Query() query: Record<string, unknown>,
      @Res() res: unknown,
    ) {
      await this.send(list, { principal, query }, res);
    }
  }
  return [UserAdminController];
}
