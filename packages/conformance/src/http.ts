import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  text: string;
  /** The parsed body, undefined when it is not JSON. */
  json: any;
}

export interface SendOptions {
  method?: string;
  /** Raw header list: repeated names are sent as separate header lines (fetch would merge them). */
  headers?: readonly (readonly [string, string])[];
  body?: string;
  /** Content type of `body` (default `application/json`). */
  contentType?: string;
}

// Header values that carry credentials: none of their parts may come back in a response.
const SECRET_HEADERS = new Set(['authorization', 'x-principal-token', 'x-api-key', 'dpop']);

function secretsOf(
  path: string,
  headers: readonly (readonly [string, string])[],
  body?: string,
  contentType?: string,
): string[] {
  const parts: string[] = [];
  for (const [name, value] of headers) {
    if (SECRET_HEADERS.has(name.toLowerCase())) parts.push(...value.split(/[\s,]+/));
  }
  const query = new URL(path, 'http://x').searchParams;
  for (const value of query.values()) parts.push(value);
  if (body !== undefined && contentType?.startsWith('application/x-www-form-urlencoded')) {
    for (const value of new URLSearchParams(body).values()) parts.push(value);
  }
  // Short parts are schemes or fixtures like "a"; credentials are long.
  return parts.filter((part) => part.length >= 16);
}

/**
 * One HTTP request with node:http (raw header array, no connection reuse). Fails when the response
 * repeats a credential the request carried, in its body or in any header.
 */
export function send(baseUrl: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const headers = options.headers ?? [];
  // With a raw header array node:http adds no Host header: HTTP/1.1 requires one.
  const flat: string[] = ['host', new URL(baseUrl).host, 'connection', 'close'];
  for (const [name, value] of headers) flat.push(name, value);
  if (options.body !== undefined) {
    flat.push(
      'content-type',
      options.contentType ?? 'application/json',
      'content-length',
      String(Buffer.byteLength(options.body)),
    );
  }
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method: options.method ?? 'GET', headers: flat, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const leaked = secretsOf(path, headers, options.body, options.contentType).find(
            (secret) => text.includes(secret) || res.rawHeaders.some((value) => value.includes(secret)),
          );
          if (leaked !== undefined) {
            reject(new Error(`the response to ${path} repeats a credential from the request`));
            return;
          }
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            text,
            json,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
