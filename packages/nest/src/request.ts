import type { ExecutionContext } from '@nestjs/common';
import type { PolicyContext, Principal, RequestLike } from '@auth/core';

/** The framework request as the guards see it: Express' `req` or Fastify's `request`. */
export interface NestRequest {
  headers: RequestLike['headers'];
  rawHeaders?: readonly string[];
  url?: string;
  originalUrl?: string;
  method?: string;
  body?: unknown;
  params?: Record<string, string | undefined>;
  /** `http` or `https` as the platform reports it (DPoP's htu). */
  protocol?: string;
  /** Fastify keeps Node's request (and its `rawHeaders`) here. */
  raw?: { rawHeaders?: readonly string[]; url?: string };
  auth?: Principal;
  [key: string | symbol]: unknown;
}

/**
 * The HTTP request behind an execution context: `http` (Express and Fastify), and `graphql` when the
 * GraphQL context carries the request (`{ req }` with Apollo, `{ reply }` with Mercurius). Undefined for
 * WebSocket, RPC and anything else: the guards do not apply there.
 */
export function httpRequest(context: ExecutionContext): NestRequest | undefined {
  const type = context.getType<string>();
  if (type === 'http') return context.switchToHttp().getRequest<NestRequest>();
  if (type === 'graphql') {
    // Resolver arguments are (root, args, context, info); no dependency on @nestjs/graphql needed.
    const gql = context.getArgByIndex<Record<string, any> | undefined>(2);
    const req = gql?.req ?? gql?.request ?? gql?.reply?.request;
    return req && typeof req === 'object' && req.headers ? (req as NestRequest) : undefined;
  }
  return undefined;
}

/** What core reads: Express' request is one already; Fastify's keeps `rawHeaders` on `request.raw`. */
export function toRequestLike(req: NestRequest): RequestLike {
  if (req.rawHeaders !== undefined || req.raw === undefined) return req;
  return {
    headers: req.headers,
    rawHeaders: req.raw.rawHeaders,
    url: req.url ?? req.raw.url,
    body: req.body,
    method: req.method,
    protocol: req.protocol,
  };
}

/** The policy context (route params such as `orgId`, method, path). */
export function policyContext(req: NestRequest): PolicyContext {
  const url = req.originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return { params: req.params ?? {}, method: req.method, path: q === -1 ? url : url.slice(0, q) };
}
