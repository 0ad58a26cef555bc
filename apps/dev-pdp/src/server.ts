/**
 * The dev PDP's HTTP side: AuthZEN 1.0 Access Evaluation (`POST /access/v1/evaluation`), Access
 * Evaluations (`POST /access/v1/evaluations`, with defaults and the three semantics) and the metadata
 * document (`GET /.well-known/authzen-configuration`), echoing `X-Request-ID`.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Answer, type Evaluation, type PdpPolicy, decide, parsePolicy } from './rules.ts';

export interface DevPdpOptions {
  /** The policy (rules); see policy.json. */
  policy: unknown;
  /** Listen port; 0 picks a free one. Default 4100. */
  port?: number;
  host?: string;
  /** When set, calls need `Authorization: Bearer <key>` (else 401). */
  key?: string;
}

export interface DevPdp {
  /** The PDP identifier, `http://127.0.0.1:<port>`. */
  url: string;
  /** Requests answered, for tests. */
  calls: number;
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const SEMANTICS = new Set(['execute_all', 'deny_on_first_deny', 'permit_on_first_permit']);
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function entity(value: unknown, key: 'type' | 'name', withId: boolean): boolean {
  return (
    isRecord(value) &&
    typeof value[key] === 'string' &&
    (!withId || typeof value.id === 'string') &&
    (value.properties === undefined || isRecord(value.properties))
  );
}

function isEvaluation(v: unknown): v is Evaluation {
  return (
    isRecord(v) &&
    entity(v.subject, 'type', true) &&
    entity(v.action, 'name', false) &&
    entity(v.resource, 'type', true) &&
    (v.context === undefined || isRecord(v.context))
  );
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  const id = req.headers['x-request-id'];
  if (typeof id === 'string') headers['x-request-id'] = id;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('invalid JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** `evaluations` with the top-level defaults merged in, in order, cut short by the semantic. */
function evaluateMany(
  policy: PdpPolicy,
  body: Record<string, unknown>,
): { evaluations: Answer[] } | undefined {
  const list = body.evaluations;
  const options = body.options;
  const semantic =
    isRecord(options) && options.evaluations_semantic !== undefined
      ? options.evaluations_semantic
      : 'execute_all';
  if (!Array.isArray(list) || typeof semantic !== 'string' || !SEMANTICS.has(semantic)) return undefined;
  const requests: Evaluation[] = [];
  for (const item of list) {
    if (!isRecord(item)) return undefined;
    const merged = {
      subject: item.subject ?? body.subject,
      action: item.action ?? body.action,
      resource: item.resource ?? body.resource,
      ...((item.context ?? body.context) === undefined ? {} : { context: item.context ?? body.context }),
    };
    if (!isEvaluation(merged)) return undefined;
    requests.push(merged);
  }
  const answers: Answer[] = [];
  for (const request of requests) {
    const answer = decide(policy, request);
    answers.push(answer);
    if (semantic === 'deny_on_first_deny' && !answer.decision) break;
    if (semantic === 'permit_on_first_permit' && answer.decision) break;
  }
  return { evaluations: answers };
}

/**
 * Starts the dev PDP on 127.0.0.1.
 *
 * @example
 * const pdp = await startDevPdp({ policy: JSON.parse(readFileSync('policy.json', 'utf8')), port: 0 });
 * // authzen({ pdp: pdp.url, discovery: true })
 */
export async function startDevPdp(options: DevPdpOptions): Promise<DevPdp> {
  const policy = parsePolicy(options.policy);
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const state = { calls: 0 };
  const server: Server = createServer((req, res) => {
    state.calls++;
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/.well-known/authzen-configuration') {
      return send(req, res, 200, {
        policy_decision_point: url,
        access_evaluation_endpoint: `${url}/access/v1/evaluation`,
        access_evaluations_endpoint: `${url}/access/v1/evaluations`,
      });
    }
    if (path !== '/access/v1/evaluation' && path !== '/access/v1/evaluations') {
      return send(req, res, 404, 'Not found');
    }
    if (req.method !== 'POST') return send(req, res, 405, 'Method not allowed');
    if (options.key !== undefined && req.headers.authorization !== `Bearer ${options.key}`) {
      return send(req, res, 401, 'Unauthorized');
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return send(req, res, 400, 'Content-Type must be application/json');
    }
    readBody(req).then(
      (body) => {
        if (path === '/access/v1/evaluation') {
          if (!isEvaluation(body)) return send(req, res, 400, 'Invalid Access Evaluation request');
          return send(req, res, 200, decide(policy, body));
        }
        const many = isRecord(body) ? evaluateMany(policy, body) : undefined;
        if (!many) return send(req, res, 400, 'Invalid Access Evaluations request');
        send(req, res, 200, many);
      },
      () => {
        if (!res.headersSent) send(req, res, 400, 'Invalid request body');
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4100, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host}:${port}`;
  return {
    url,
    get calls() {
      return state.calls;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
