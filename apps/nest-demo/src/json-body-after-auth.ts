/**
 * JSON bodies read after the guards, not before: Nest's body parsers run as middleware (Express) or
 * in Fastify's content-type parsing, both before any guard, so an unauthenticated client would get
 * a parser error (400/413) instead of the 401. The platform parsers are off for JSON (see
 * create-app.ts) and this interceptor, which runs after the guards, reads and parses the body.
 */
import type { IncomingMessage } from 'node:http';
import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { type Observable, from, switchMap } from 'rxjs';

export const JSON_BODY_LIMIT = 100 * 1024;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(;|$)/i;

type BodyRequest = { raw?: IncomingMessage; body?: unknown; headers: IncomingMessage['headers'] };

function fail(status: number, code: string, message: string): HttpException {
  return new HttpException({ status, code, message }, status);
}

async function readText(stream: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > JSON_BODY_LIMIT) {
      stream.resume(); // discard the rest
      throw fail(413, 'ERR_BODY_TOO_LARGE', 'The request body is too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function parseJsonBody(request: BodyRequest): Promise<void> {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !JSON_TYPE.test(type) || request.body !== undefined) return;
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > JSON_BODY_LIMIT) {
    throw fail(413, 'ERR_BODY_TOO_LARGE', 'The request body is too large');
  }
  // Express hands over the Node request itself; Fastify wraps it (`raw`).
  const text = await readText(request.raw ?? (request as unknown as IncomingMessage));
  if (text === '') return;
  try {
    request.body = JSON.parse(text);
  } catch {
    throw fail(400, 'ERR_INVALID_JSON', 'The request body is not valid JSON');
  }
}

/** Parses a JSON request body once the guards have let the request through. */
@Injectable()
export class JsonBodyAfterAuth implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<BodyRequest>();
    return from(parseJsonBody(request)).pipe(switchMap(() => next.handle()));
  }
}
