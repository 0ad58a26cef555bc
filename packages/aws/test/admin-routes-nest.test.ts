/**
 * userAdminRoutes mounted on Nest (platform-express): a controller made for the routes, guarded by
 * @auth/nest's ScopeGuard with `@Authorize(admin.policy)`, against the shared rows. JSON is read in the
 * handler, after the guards (the app's body parser is off), so an anonymous client never reaches a parser.
 */
import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthModule, Authorize, Principal, ScopeGuard } from '@auth/nest';
import {
  Controller,
  Get,
  Inject,
  Module,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { type AdminRequest, type UserAdminRoutes, userAdminRoutes } from '../src/index.ts';
import { describeAdminMount } from './support/admin-route-rows.ts';
import { emulatorIssuer } from './support/cognito-local.ts';

/** The request's JSON body, or `undefined` when there is none or it does not parse (the route's 400). */
async function jsonBody(req: IncomingMessage & { raw?: IncomingMessage }): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw ?? req) {
    size += (chunk as Buffer).length;
    if (size > 100_000) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

function userAdminController(admin: UserAdminRoutes) {
  const route = (method: string, path: string) => {
    const found = admin.routes.find((r) => r.method === method && r.path === path);
    if (!found) throw new Error(`no route ${method} ${path}`);
    return found;
  };
  const [create, update, list] = [
    route('POST', '/admin/users'),
    route('PATCH', '/admin/users/:id'),
    route('GET', '/admin/users'),
  ];

  @Controller('admin/users')
  @UseGuards(ScopeGuard) // authenticates, then @Authorize: INTERNAL_ADMIN or CLIENT_ADMIN, else 403
  @Authorize(admin.policy)
  class UserAdminController {
    constructor(@Inject(HttpAdapterHost) private readonly host: HttpAdapterHost) {}

    private async send(handle: (input: AdminRequest) => Promise<unknown>, input: AdminRequest, res: unknown) {
      const out = (await handle(input)) as Awaited<ReturnType<typeof create.handle>>;
      const http = this.host.httpAdapter;
      for (const [name, value] of Object.entries(out.headers)) http.setHeader(res, name, value);
      http.reply(res, out.body, out.status);
    }

    @Post()
    async create(@Principal() principal: Principal, @Req() req: IncomingMessage, @Res() res: unknown) {
      await this.send(create.handle, { principal, body: await jsonBody(req) }, res);
    }

    @Patch(':id')
    async update(
      @Principal() principal: Principal,
      @Param() params: Record<string, string>,
      @Req() req: IncomingMessage,
      @Res() res: unknown,
    ) {
      await this.send(update.handle, { principal, params, body: await jsonBody(req) }, res);
    }

    @Get()
    async list(
      @Principal() principal: Principal,
      @Query() query: Record<string, unknown>,
      @Res() res: unknown,
    ) {
      await this.send(list.handle, { principal, query }, res);
    }
  }
  return UserAdminController;
}

describeAdminMount('Nest', async (emu, users) => {
  const admin = userAdminRoutes({ users });
  @Module({
    imports: [
      AuthModule.forRoot({
        issuers: [emulatorIssuer(emu)],
      }),
    ],
    controllers: [userAdminController(admin)],
  })
  class AdminModule {}
  const app = await NestFactory.create(AdminModule, {
    logger: false,
    bodyParser: false,
    abortOnError: false,
  });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { fetch: (path, init) => fetch(`${url}${path}`, init), close: () => app.close() };
});
