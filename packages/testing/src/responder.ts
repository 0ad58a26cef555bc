import { setTimeout as sleep } from 'node:timers/promises';
import { createJwks, type Jwks, type JwkSource } from './jwks.ts';

/** Fault switches of the JWKS server and `jwksFetch`. */
export type Fault = 'slow' | 'error500' | 'malformed' | 'redirect' | 'huge' | 'down';

export const faults: readonly Fault[] = ['slow', 'error500', 'malformed', 'redirect', 'huge', 'down'];

export interface FaultOptions {
  /** 'slow': delay before answering, ms (default 2000) */
  delayMs?: number;
  /** 'huge': body size in bytes (default 4 MiB) */
  bytes?: number;
  /** 'error500': the status to answer (default 500) */
  status?: number;
  /** which endpoint misbehaves (default 'jwks'; 'all' also covers discovery) */
  target?: 'jwks' | 'discovery' | 'all';
}

export interface Counters {
  /** requests to the JWKS endpoint (a followed redirect counts twice) */
  jwks: number;
  /** requests to a discovery document */
  discovery: number;
}

/** Keys to publish: key pairs / JWKs (made public), a `{ keys }` object (served verbatim) or raw text. */
/** What the JWKS server and the in-memory JWKS fetch share: endpoints, counters, faults and key control. */
export interface JwksEndpoints {
  /** base URL (`http://127.0.0.1:<port>` for the server) */
  readonly url: string;
  /** `<url>/.well-known/jwks.json` */
  readonly jwksUri: string;
  readonly issuer: string;
  /** `<issuer>/.well-known/openid-configuration` when the issuer is under `url`, else under `url` */
  readonly discoveryUrl: string;
  /** live request counts */
  readonly counters: Counters;
  readonly fault: Fault | null;
  resetCounters(): void;
  setKeys(keys: KeysInput): void;
  /** null clears the fault */
  setFault(fault: Fault | null, options?: FaultOptions): void;
  /** alias of setFault */
  fail(fault: Fault | null, options?: FaultOptions): void;
  /** extra or overriding members of the discovery document */
  setDiscovery(extra: Record<string, unknown>): void;
}

export type KeysInput = readonly JwkSource[] | Jwks | Record<string, unknown> | string;

export type Reply =
  | { down: true }
  | { down?: false; status: number; headers: Record<string, string>; body: string };

export const JWKS_PATH = '/.well-known/jwks.json';
export const MOVED_PREFIX = '/moved';
const DISCOVERY_SUFFIXES = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

const json = { 'content-type': 'application/json' };

/** The shared brain of `startJwksServer` and `jwksFetch`: keys, counters, faults, replies. */
export class JwksResponder {
  readonly counters: Counters = { jwks: 0, discovery: 0 };
  #body = '{"keys":[]}';
  #fault: Fault | null = null;
  #faultOptions: FaultOptions = {};
  #discoveryExtra: Record<string, unknown> = {};
  #headers: Record<string, string>;
  #algs: string[] = [];

  constructor(
    keys: KeysInput,
    readonly base: () => { url: string; issuer: string },
    headers: Record<string, string> = {},
  ) {
    this.#headers = headers;
    this.setKeys(keys);
  }

  setKeys(keys: KeysInput): void {
    if (typeof keys === 'string') {
      this.#body = keys;
      this.#algs = [];
      return;
    }
    // An array is cleaned (public members only); an object is the caller's raw JWKS, hostile or not.
    const set = Array.isArray(keys) ? createJwks(keys) : (keys as Record<string, unknown>);
    if (typeof set !== 'object' || set === null)
      throw new TypeError('setKeys: keys must be an array, an object or a string');
    this.#body = JSON.stringify(set);
    const list = Array.isArray((set as Jwks).keys) ? (set as Jwks).keys : [];
    this.#algs = [...new Set(list.map((k) => k?.alg).filter((a): a is string => typeof a === 'string'))];
  }

  setFault(fault: Fault | null, options: FaultOptions = {}): void {
    if (fault !== null && !faults.includes(fault)) {
      throw new TypeError(`setFault: fault must be null or one of ${faults.join(', ')}`);
    }
    this.#fault = fault;
    this.#faultOptions = options;
  }

  get fault(): Fault | null {
    return this.#fault;
  }

  setDiscovery(extra: Record<string, unknown>): void {
    this.#discoveryExtra = { ...extra };
  }

  resetCounters(): void {
    this.counters.jwks = 0;
    this.counters.discovery = 0;
  }

  #discoveryBody(): string {
    const { url, issuer } = this.base();
    return JSON.stringify({
      issuer,
      jwks_uri: `${url}${JWKS_PATH}`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: this.#algs.length > 0 ? this.#algs : ['RS256'],
      ...this.#discoveryExtra,
    });
  }

  /** The reply to a GET of `path` (delays for 'slow', honouring `signal`). */
  async reply(path: string, signal?: AbortSignal): Promise<Reply> {
    const moved = path.startsWith(`${MOVED_PREFIX}/`);
    const realPath = moved ? path.slice(MOVED_PREFIX.length) : path;
    let kind: 'jwks' | 'discovery';
    if (realPath === JWKS_PATH) kind = 'jwks';
    else if (DISCOVERY_SUFFIXES.some((s) => realPath.endsWith(s))) kind = 'discovery';
    else return { status: 404, headers: json, body: '{"error":"not_found"}' };

    this.counters[kind] += 1;
    const body = kind === 'jwks' ? this.#body : this.#discoveryBody();
    const ok: Reply = { status: 200, headers: { ...json, ...this.#headers }, body };
    const target = this.#faultOptions.target ?? 'jwks';
    if (moved || this.#fault === null || (target !== 'all' && target !== kind)) return ok;

    switch (this.#fault) {
      case 'slow':
        await sleep(this.#faultOptions.delayMs ?? 2000, undefined, signal ? { signal } : undefined);
        return ok;
      case 'error500': {
        const status = this.#faultOptions.status ?? 500;
        return { status, headers: json, body: '{"error":"server_error"}' };
      }
      case 'malformed':
        return { ...ok, body: '{"keys":[{"kty":"RSA","n":' };
      case 'redirect':
        return {
          status: 302,
          headers: { location: `${this.base().url}${MOVED_PREFIX}${realPath}` },
          body: '',
        };
      case 'huge': {
        const bytes = this.#faultOptions.bytes ?? 4 * 1024 * 1024;
        const prefix = body.slice(0, -1);
        const padding = Math.max(0, bytes - prefix.length - 15);
        return { ...ok, body: `${prefix},"padding":"${'x'.repeat(padding)}"}` };
      }
      case 'down':
        return { down: true };
    }
  }
}
