/**
 * `@auth/core/undici`: the `authFetch` rules as an undici dispatcher interceptor, for code that calls
 * undici directly (`request`, `stream`, `Pool`, `Agent`):
 *
 * ```ts
 * const agent = new Agent().compose(authInterceptor(tokens, { allowedOrigins: ['https://api.example.com'] }));
 * ```
 *
 * Same rules as authFetch: the token (and API key) go to allowed origins only, and one 401 is retried
 * with a forced refresh when the rejected token was cached before the call and still is. The retry
 * needs a replayable body (none, string or bytes); a streamed body's 401 is handed on as it came.
 * Compose it *inside* undici's redirect interceptor (`compose(authInterceptor(...), interceptors.redirect())`)
 * so every redirect hop is checked against the allow-list.
 * With a DPoP token source it sends `Authorization: DPoP …` plus a fresh proof per dispatch, remembers
 * each origin's `DPoP-Nonce`, and retries a replayable request once on `use_dpop_nonce`.
 */
import { ConfigurationError } from '../configuration-error.ts';
import type { Dispatcher } from 'undici';
import { type DpopProver, isUseDpopNonce, isValidDpopNonce } from './dpop.ts';
import { OriginNotAllowedError, TokenEndpointError } from './errors.ts';
import { isHeaderSafe } from './header-value.ts';
import { normalizeOrigins } from './origins.ts';
import type { TokenSource } from './types.ts';

/**
 * Options of `authInterceptor`: where the token may go, and an optional API key.
 *
 * @example
 * const interceptor = authInterceptor(tokens, { allowedOrigins: ['https://api.example.com'] } satisfies AuthInterceptorOptions);
 */
export interface AuthInterceptorOptions {
  allowedOrigins: readonly string[];
  apiKey?: string;
  apiKeyHeader?: string;
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;
type Headers = Record<string, string | string[] | undefined>;

const MAX_BUFFERED_401 = 64 * 1024;

/**
 * The `authFetch` rules as an undici interceptor (`Agent#compose`).
 *
 * @example
 * const agent = new Agent().compose(authInterceptor(tokens, { allowedOrigins: ['https://api.example.com'] }));
 * const { body } = await request('https://api.example.com/items', { dispatcher: agent });
 */
export function authInterceptor(
  tokenSource: TokenSource,
  options: AuthInterceptorOptions,
): Dispatcher.DispatcherComposeInterceptor {
  if (typeof tokenSource?.getToken !== 'function')
    throw new ConfigurationError('tokenSource must have a getToken() method');
  if (typeof options !== 'object' || options === null)
    throw new ConfigurationError('allowedOrigins is required');
  const allowed = normalizeOrigins(options.allowedOrigins);
  const apiKeyHeader = (options.apiKeyHeader ?? 'x-api-key').toLowerCase();
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) {
    throw new ConfigurationError('apiKey must be a non-empty string');
  }
  if (options.apiKey !== undefined && !isHeaderSafe(options.apiKey)) {
    throw new ConfigurationError('apiKey must contain only visible ASCII characters (value not shown)');
  }

  return (dispatch) =>
    function authIntercept(opts, handler) {
      let origin: string;
      try {
        origin = new URL(String(opts.origin)).origin;
      } catch {
        origin = 'null';
      }
      if (!allowed.has(origin)) {
        handler.onResponseError?.(null as unknown as Controller, new OriginNotAllowedError(origin));
        return true;
      }
      const dpop = tokenSource.dpop;
      const url = `${origin}${String(opts.path ?? '/')}`;
      const withToken = async (token: string): Promise<Dispatcher.DispatchOptions> => {
        if (!isHeaderSafe(token)) {
          throw new TokenEndpointError('The token source returned a token that cannot be sent in a header');
        }
        const headers = toRecord(opts.headers);
        if (dpop) {
          headers.authorization = `DPoP ${token}`;
          headers.dpop = await dpop.proof(opts.method, url, token);
        } else {
          headers.authorization = `Bearer ${token}`;
        }
        if (options.apiKey !== undefined) headers[apiKeyHeader] = options.apiKey;
        return { ...opts, headers };
      };
      const fail = (error: unknown) =>
        handler.onResponseError?.(null as unknown as Controller, error as Error);
      const before = tokenSource.peek?.();
      tokenSource.getToken().then((token) => {
        const replayable =
          opts.body == null || typeof opts.body === 'string' || opts.body instanceof Uint8Array;
        // Eligible for one retry: the token was cached before this call (not fetched by it).
        const mayRetry = replayable && (!tokenSource.peek || before === token);
        const send = (t: string, h: Handler) =>
          withToken(t).then((o) => {
            dispatch(o, h);
          });
        const wrapped = new AuthRetryHandler(handler, token, mayRetry, tokenSource, send, {
          dpop,
          url,
          replayable,
        });
        // A token that cannot go in a header, or a proof that cannot be signed: the caller's error.
        send(token, wrapped).catch(fail);
      }, fail);
      return true;
    };
}

/** A 401 held back while deciding whether to retry. */
interface Held {
  controller: Controller;
  status: number;
  headers: Headers;
  message?: string;
  chunks: Uint8Array[];
  size: number;
}

/** Holds back a 401 (buffered) while deciding whether to retry; otherwise passes everything through. */
class AuthRetryHandler implements Handler {
  #retried = false;
  #nonceRetried = false;
  #started = false;
  #held: Held | undefined;
  readonly #proxy: Controller;
  #target: Controller | undefined;

  constructor(
    readonly downstream: Handler,
    readonly token: string,
    readonly mayRetry: boolean,
    readonly source: TokenSource,
    readonly redispatch: (token: string, handler: Handler) => Promise<void>,
    readonly dpop: { dpop: DpopProver | undefined; url: string; replayable: boolean },
  ) {
    const self = this;
    this.#proxy = {
      get aborted() {
        return self.#target?.aborted ?? false;
      },
      get paused() {
        return self.#target?.paused ?? false;
      },
      get reason() {
        return self.#target?.reason ?? null;
      },
      abort: (reason) => self.#target?.abort(reason),
      pause: () => self.#target?.pause(),
      resume: () => self.#target?.resume(),
    };
  }

  onRequestStart(controller: Controller, context: unknown): void {
    this.#target = controller;
    if (this.#started) return; // the retry is the same request for the caller
    this.#started = true;
    this.downstream.onRequestStart?.(this.#proxy, context);
  }

  onRequestUpgrade(_controller: Controller, statusCode: number, headers: Headers, socket: never): void {
    this.downstream.onRequestUpgrade?.(this.#proxy, statusCode, headers as never, socket);
  }

  onResponseStart(
    controller: Controller,
    statusCode: number,
    headers: Headers,
    statusMessage?: string,
  ): void {
    const prover = this.dpop.dpop;
    const nonce = prover ? first(headers['dpop-nonce']) : undefined;
    if (prover && nonce !== undefined) prover.rememberNonce(this.dpop.url, nonce);
    const nonceRetry =
      prover !== undefined &&
      this.dpop.replayable &&
      !this.#nonceRetried &&
      isValidDpopNonce(nonce) &&
      isUseDpopNonce(first(headers['www-authenticate']));
    if (statusCode === 401 && (nonceRetry || (this.mayRetry && !this.#retried))) {
      this.#held = { controller, status: statusCode, headers, message: statusMessage, chunks: [], size: 0 };
      return;
    }
    this.downstream.onResponseStart?.(this.#proxy, statusCode, headers as never, statusMessage);
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    const held = this.#held;
    if (!held) {
      this.downstream.onResponseData?.(this.#proxy, chunk);
      return;
    }
    if (held.size + chunk.length <= MAX_BUFFERED_401) held.chunks.push(chunk);
    held.size += chunk.length;
  }

  onResponseEnd(_controller: Controller, trailers: Headers): void {
    const held = this.#held;
    if (!held) {
      this.downstream.onResponseEnd?.(this.#proxy, trailers as never);
      return;
    }
    this.#held = undefined;
    const prover = this.dpop.dpop;
    if (
      prover &&
      !this.#nonceRetried &&
      isValidDpopNonce(first(held.headers['dpop-nonce'])) &&
      isUseDpopNonce(first(held.headers['www-authenticate']))
    ) {
      // The server asked for its nonce (remembered in onResponseStart): same token, new proof.
      this.#nonceRetried = true;
      this.redispatch(this.token, this).catch((error: unknown) =>
        this.downstream.onResponseError?.(this.#proxy, error as Error),
      );
      return;
    }
    if (!this.mayRetry || this.#retried) {
      this.#replay(held, trailers);
      return;
    }
    this.#retried = true;
    const cached = this.source.peek ? this.source.peek() : undefined;
    const replay = () => this.#replay(held, trailers);
    const stillCached = this.source.peek ? cached === this.token : true;
    if (!stillCached) {
      replay();
      return;
    }
    this.source.getToken({ forceRefresh: true }).then(
      (fresh) => {
        if (fresh === this.token) return replay();
        this.redispatch(fresh, this).catch((error: unknown) =>
          this.downstream.onResponseError?.(this.#proxy, error as Error),
        );
      },
      () => replay(), // no new token: the caller gets the original 401
    );
  }

  #replay(held: Held, trailers: Headers): void {
    this.downstream.onResponseStart?.(this.#proxy, held.status, held.headers as never, held.message);
    for (const c of held.chunks) this.downstream.onResponseData?.(this.#proxy, c as Buffer);
    this.downstream.onResponseEnd?.(this.#proxy, trailers as never);
  }

  onResponseError(_controller: Controller, error: Error): void {
    this.#held = undefined;
    this.downstream.onResponseError?.(this.#proxy, error);
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function toRecord(headers: Dispatcher.DispatchOptions['headers']): Headers {
  const out: Headers = {};
  if (headers == null) return out;
  const put = (k: string, v: string | string[] | undefined) => {
    const name = k.toLowerCase();
    if (name === 'authorization' || name === 'dpop' || v === undefined) return;
    const prev = out[name];
    out[name] = prev === undefined ? v : ([] as string[]).concat(prev, v);
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) put(String(headers[i]), String(headers[i + 1]));
  } else if (
    typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function' &&
    !isPlainRecord(headers)
  ) {
    for (const [k, v] of headers as Iterable<[string, string | string[] | undefined]>) put(k, v);
  } else {
    for (const [k, v] of Object.entries(headers as Headers)) put(k, v);
  }
  return out;
}

function isPlainRecord(value: unknown): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
